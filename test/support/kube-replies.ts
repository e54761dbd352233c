/**
 * The Kubernetes API server's error answers as kube-apiserver writes them, one row each with its
 * public source (PeerReply). The fake API server (fake-kube-api.ts) answers from this table, and
 * test/integration/kube/reply-contract.test.ts runs the service's reads against every row.
 *
 * A `Status` body is metav1.Status in its JSON field order (kind, apiVersion, metadata, status,
 * message, reason, details, code), empty fields left out (`omitempty`): k8s.io/apimachinery
 * pkg/apis/meta/v1/types.go. The error constructors are k8s.io/apimachinery pkg/api/errors/errors.go;
 * how an error that is not a Status is answered (a 500 without a reason) is k8s.io/apiserver
 * pkg/endpoints/handlers/responsewriters/status.go `ErrorToAPIStatus`. Throttling and shutdown answers
 * come from filters that write plain text (`http.Error`), not a Status.
 */
import type { PeerReply } from './peer-reply.ts';

/** What every answer of the API server carries: pkg/endpoints/filters/cachecontrol.go, the audit ID and APF's classification (k8s.io/api flowcontrol ResponseHeaderMatched*). */
export const API_SERVER_HEADERS = {
  'cache-control': 'no-cache, private',
  'x-kubernetes-pf-flowschema-uid': '5b0f3a47-6a1e-4a5c-9a1f-3c2f8f1d2e01',
  'x-kubernetes-pf-prioritylevel-uid': 'c0b8ad0e-5f4b-4d7a-8e2e-4b1f0d9c7a02',
} as const;

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: { continue?: string };
  status: 'Failure';
  message?: string;
  reason?: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: { reason?: string; message?: string; field?: string }[];
    retryAfterSeconds?: number;
  };
  code: number;
}

/** A Status in metav1.Status's field order, empty fields left out. */
export function statusBody(code: number, reason: string, message: string, details?: StatusBody['details'], metadata: StatusBody['metadata'] = {}): StatusBody {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata,
    status: 'Failure',
    ...(message === '' ? {} : { message }),
    ...(reason === '' ? {} : { reason }),
    ...(details === undefined ? {} : { details }),
    code,
  };
}

const JSON_TYPE = { 'content-type': 'application/json' };
/** responsewriters.RespondWithError (403 and the authorizer's other refusals) and waitgroup.go add it. */
const NOSNIFF = { 'x-content-type-options': 'nosniff' };
/** Go's http.Error: text/plain, nosniff, the message and a newline. */
const PLAIN = { 'content-type': 'text/plain; charset=utf-8', ...NOSNIFF };

const row = (status: number, headers: Record<string, string>, body: StatusBody | string, meaning: PeerReply['meaning'], source: string): PeerReply => ({
  status,
  headers: { ...API_SERVER_HEADERS, ...headers },
  // ErrorNegotiated encodes with a trailing newline (json.Encoder); http.Error adds one too.
  body: typeof body === 'string' ? `${body}\n` : `${JSON.stringify(body)}\n`,
  meaning,
  source,
});

const ERRORS = 'k8s.io/apimachinery pkg/api/errors/errors.go';
const POD = 'web-7d4b9c8f6-x2kqp';
const NS = 'default';
const SA = 'system:serviceaccount:crashtriage:crashtriage';
const KUBELET_LOGS =
  'pkg/kubelet/kubelet_pods.go validateContainerLogStatus, sent by the kubelet with 400 and turned into NewBadRequest(body) by k8s.io/apiserver pkg/registry/generic/rest/response_checker.go';

/** Reading pod `default/web-7d4b9c8f6-x2kqp` (and its log and events) as the crashtriage service account. */
export const KUBE_API_REPLIES = {
  unauthorized: row(
    401,
    JSON_TYPE,
    statusBody(401, 'Unauthorized', 'Unauthorized'),
    'refused',
    `k8s.io/apiserver pkg/endpoints/filters/authentication.go (NewUnauthorized("Unauthorized")); ${ERRORS} NewUnauthorized`,
  ),
  forbiddenPod: row(
    403,
    { ...JSON_TYPE, ...NOSNIFF },
    statusBody(403, 'Forbidden', `pods "${POD}" is forbidden: User "${SA}" cannot get resource "pods" in API group "" in the namespace "${NS}"`, {
      name: POD,
      kind: 'pods',
    }),
    'refused',
    `k8s.io/apiserver pkg/endpoints/handlers/responsewriters/errors.go (RespondWithError, ForbiddenStatusError, forbiddenMessage); ${ERRORS} NewForbidden`,
  ),
  forbiddenLog: row(
    403,
    { ...JSON_TYPE, ...NOSNIFF },
    // The message names the subresource; details.kind is the resource alone (GroupResource{Resource}).
    statusBody(403, 'Forbidden', `pods "${POD}" is forbidden: User "${SA}" cannot get resource "pods/log" in API group "" in the namespace "${NS}"`, {
      name: POD,
      kind: 'pods',
    }),
    'refused',
    'k8s.io/apiserver pkg/endpoints/handlers/responsewriters/errors.go forbiddenMessage (resource + "/" + subresource)',
  ),
  forbiddenEvents: row(
    403,
    { ...JSON_TYPE, ...NOSNIFF },
    // A list names no object: "events is forbidden", and details has no name.
    statusBody(403, 'Forbidden', `events is forbidden: User "${SA}" cannot list resource "events" in API group "" in the namespace "${NS}"`, {
      kind: 'events',
    }),
    'refused',
    `${ERRORS} NewForbidden (no name: "%s is forbidden: %v")`,
  ),
  notFound: row(404, JSON_TYPE, statusBody(404, 'NotFound', `pods "${POD}" not found`, { name: POD, kind: 'pods' }), 'refused', `${ERRORS} NewNotFound`),
  expired: row(
    410,
    JSON_TYPE,
    statusBody(410, 'Expired', 'The resourceVersion for the provided list is too old.'),
    'refused',
    `k8s.io/apiserver pkg/storage/etcd3/errors.go interpretListError; ${ERRORS} NewResourceExpired; kubernetes.io/docs/reference/using-api/api-concepts ("410 Gone")`,
  ),
  expiredContinue: row(
    410,
    JSON_TYPE,
    statusBody(
      410,
      'Expired',
      'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
      undefined,
      { continue: 'eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6LTEsInN0YXJ0IjoiZGVmYXVsdC93ZWItN2Q0YjljOGY2LXgya3FwXHUwMDAwIn0' },
    ),
    'refused',
    'k8s.io/apiserver pkg/storage/etcd3/errors.go handleCompactedErrorForPaging (inconsistentContinue, a new continue token in metadata); kubernetes.io/docs/reference/using-api/api-concepts "Retrieving large results sets in chunks"',
  ),
  invalid: row(
    422,
    JSON_TYPE,
    statusBody(
      422,
      'Invalid',
      "Lease.coordination.k8s.io \"crashtriage-Ledger\" is invalid: metadata.name: Invalid value: \"crashtriage-Ledger\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      {
        name: 'crashtriage-Ledger',
        group: 'coordination.k8s.io',
        kind: 'Lease',
        causes: [
          {
            reason: 'FieldValueInvalid',
            message:
              "Invalid value: \"crashtriage-Ledger\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
            field: 'metadata.name',
          },
        ],
      },
    ),
    'refused',
    `${ERRORS} NewInvalid (details.causes from field.ErrorList); k8s.io/apimachinery pkg/util/validation IsDNS1123Subdomain`,
  ),
  throttled: row(
    429,
    { ...PLAIN, 'retry-after': '1' },
    'Too many requests, please try again later.',
    'try-again',
    'k8s.io/apiserver pkg/server/filters/priority-and-fairness.go tooManyRequests (http.Error, plain text, Retry-After from the priority level); maxinflight.go the same',
  ),
  shuttingDownRetryAfter: row(
    429,
    { ...PLAIN, 'retry-after': '5', connection: 'close' },
    'The apiserver is shutting down, please try again later.',
    'try-again',
    'k8s.io/apiserver pkg/server/filters/with_retry_after.go (--shutdown-send-retry-after: 429, Retry-After 5, Connection: close)',
  ),
  etcdTimeout: row(
    500,
    JSON_TYPE,
    // Not a Status error: ErrorToAPIStatus answers 500 with StatusReasonUnknown (""), so no reason.
    statusBody(500, '', 'etcdserver: request timed out'),
    'try-again',
    'k8s.io/apiserver pkg/endpoints/handlers/responsewriters/status.go ErrorToAPIStatus (an error that is not a Status); etcd-io/etcd server/etcdserver/errors ErrTimeout',
  ),
  internalError: row(
    500,
    JSON_TYPE,
    statusBody(
      500,
      'InternalError',
      `Internal error occurred: unable to transform key "/registry/pods/${NS}/${POD}": rpc error: code = DeadlineExceeded desc = context deadline exceeded`,
      { causes: [{ message: `unable to transform key "/registry/pods/${NS}/${POD}": rpc error: code = DeadlineExceeded desc = context deadline exceeded` }] },
    ),
    'try-again',
    `${ERRORS} NewInternalError (details.causes[0].message); k8s.io/apiserver pkg/storage/etcd3/store.go ("unable to transform key %q: %w", an encryption-at-rest provider failing)`,
  ),
  kubeletUnreachable: row(
    500,
    JSON_TYPE,
    statusBody(
      500,
      '',
      `Get "https://10.0.3.17:10250/containerLogs/${NS}/${POD}/app?limitBytes=65536&previous=true&tailLines=200": dial tcp 10.0.3.17:10250: i/o timeout`,
    ),
    'try-again',
    'k8s.io/apiserver pkg/registry/generic/rest/streamer.go (the transport error to the kubelet returned as is) and responsewriters/status.go ErrorToAPIStatus (500, no reason)',
  ),
  shuttingDown: row(
    503,
    { ...JSON_TYPE, ...NOSNIFF, 'retry-after': '1' },
    statusBody(503, 'ServiceUnavailable', 'apiserver is shutting down'),
    'try-again',
    `k8s.io/apiserver pkg/server/filters/waitgroup.go waitGroupWriteRetryAfterToResponse; ${ERRORS} NewServiceUnavailable`,
  ),
  noPreviousLog: row(
    400,
    JSON_TYPE,
    statusBody(400, 'BadRequest', `previous terminated container "app" in pod "${POD}" not found`),
    'refused',
    `${KUBELET_LOGS}; ${ERRORS} NewBadRequest (no details)`,
  ),
  waitingToStart: row(
    400,
    JSON_TYPE,
    statusBody(400, 'BadRequest', `container "app" in pod "${POD}" is waiting to start: ContainerCreating`),
    'refused',
    KUBELET_LOGS,
  ),
  imageCannotBePulled: row(
    400,
    JSON_TYPE,
    statusBody(400, 'BadRequest', `container "app" in pod "${POD}" is waiting to start: image can't be pulled`),
    'refused',
    `${KUBELET_LOGS} (ErrImagePull)`,
  ),
  logFileGone: row(
    400,
    JSON_TYPE,
    statusBody(
      400,
      'BadRequest',
      `failed to try resolving symlinks in path "/var/log/pods/${NS}_${POD}_0c6b4bd5-5e4a-4f7e-9d6e-2f1c9b0a8e11/app/2.log": lstat /var/log/pods/${NS}_${POD}_0c6b4bd5-5e4a-4f7e-9d6e-2f1c9b0a8e11/app/2.log: no such file or directory`,
    ),
    'refused',
    'the kubelet, when the log file behind /var/log/pods is gone, sent with 400 as above: kubernetes/kubernetes issues #102170 and #107243 (the message as users saw it)',
  ),
  containerNotValid: row(
    400,
    JSON_TYPE,
    statusBody(400, 'BadRequest', `container sidecar is not valid for pod ${POD}`),
    'refused',
    'pkg/registry/core/pod/strategy.go LogLocation ("container %s is not valid for pod %s"), NewBadRequest',
  ),
  containerNameRequired: row(
    400,
    JSON_TYPE,
    statusBody(
      400,
      'BadRequest',
      `a container name must be specified for pod ${POD}, choose one of: [app istio-proxy] or one of the init containers: [istio-init]`,
    ),
    'refused',
    'pkg/registry/core/pod/strategy.go LogLocation ("a container name must be specified for pod %s, choose one of: [%s]" + " or one of the init containers: [%s]")',
  ),
} satisfies Record<string, PeerReply>;

export type KubeReplyName = keyof typeof KUBE_API_REPLIES;

/** The row the fake answers for an injected status code (`failNext(path, 503)`). */
export const ROW_FOR_STATUS: Record<number, KubeReplyName> = {
  400: 'noPreviousLog',
  401: 'unauthorized',
  403: 'forbiddenPod',
  404: 'notFound',
  410: 'expired',
  422: 'invalid',
  429: 'throttled',
  500: 'etcdTimeout',
  503: 'shuttingDown',
};
