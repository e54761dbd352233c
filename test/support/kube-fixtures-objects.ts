/**
 * The fake API server's other objects (see fake-kube-api.ts `objects`): whatever `crashtriage doctor`
 * reads, served at the REST paths and with the answers of the real API server:
 *
 *   GET /apis/{group}/{version}/{plural}                          every namespace (labelSelector)
 *   GET /apis/{group}/{version}/namespaces/{ns}/{plural}[/{name}]  one namespace, or one object
 *   GET /api/v1/namespaces/{name}, /api/v1/namespaces/{ns}/{services|configmaps|secrets|…}/{name}   (core group)
 *
 * An API group the server does not serve (the operator's CRDs are not installed) answers 404 with
 * the plain text "404 page not found", as kube-apiserver's not-found handler does; a forbidden
 * resource answers 403 with the RBAC message naming the group and the scope.
 */
import { matchesSelector, parseLabelSelector, type Requirement, SelectorError } from './label-selector.ts';

type Raw = Record<string, unknown>;

/** kind → REST resource name, for the kinds the tests serve. */
const RESOURCES: Record<string, string> = {
  Prometheus: 'prometheuses',
  Alertmanager: 'alertmanagers',
  AlertmanagerConfig: 'alertmanagerconfigs',
  PrometheusRule: 'prometheusrules',
  ServiceMonitor: 'servicemonitors',
  Service: 'services',
  Namespace: 'namespaces',
  Deployment: 'deployments',
  ReplicaSet: 'replicasets',
  StatefulSet: 'statefulsets',
  DaemonSet: 'daemonsets',
  ControllerRevision: 'controllerrevisions',
  Job: 'jobs',
  CronJob: 'cronjobs',
  ConfigMap: 'configmaps',
  Secret: 'secrets',
  ServiceAccount: 'serviceaccounts',
  PersistentVolumeClaim: 'persistentvolumeclaims',
  PersistentVolume: 'persistentvolumes',
  Endpoints: 'endpoints',
  EndpointSlice: 'endpointslices',
  StorageClass: 'storageclasses',
  VolumeAttachment: 'volumeattachments',
};

/** The prometheus-operator resources a cluster with its CRDs serves. */
export const MONITORING_RESOURCES = [
  'monitoring.coreos.com/v1/prometheuses',
  'monitoring.coreos.com/v1/alertmanagers',
  'monitoring.coreos.com/v1/prometheusrules',
  'monitoring.coreos.com/v1/servicemonitors',
  'monitoring.coreos.com/v1alpha1/alertmanagerconfigs',
];
const BUILT_IN = [
  'v1/namespaces',
  'v1/services',
  'apps/v1/deployments',
  'apps/v1/replicasets',
  'apps/v1/statefulsets',
  'apps/v1/daemonsets',
  'apps/v1/controllerrevisions',
  'batch/v1/jobs',
  'batch/v1/cronjobs',
  'v1/configmaps',
  'v1/secrets',
  'v1/serviceaccounts',
  'v1/persistentvolumeclaims',
  'v1/persistentvolumes',
  'v1/endpoints',
  'discovery.k8s.io/v1/endpointslices',
  'storage.k8s.io/v1/storageclasses',
  'storage.k8s.io/v1/volumeattachments',
];

export interface ObjectStore {
  objects: Raw[];
  /** `group/version/resource` (`v1/services` for the core group) the server serves. */
  served: Set<string>;
}

export function createObjectStore(objects: readonly object[], servedCustomResources: readonly string[]): ObjectStore {
  return { objects: objects.map((o) => JSON.parse(JSON.stringify(o)) as Raw), served: new Set([...BUILT_IN, ...servedCustomResources]) };
}

const NAMED = /^\/(?:api|apis\/([^/]+))\/([^/]+)\/namespaces\/([^/]+)\/([^/]+)\/([^/]+)$/;
const LIST_IN = /^\/(?:api|apis\/([^/]+))\/([^/]+)\/namespaces\/([^/]+)\/([^/]+)$/;
const CLUSTER = /^\/(?:api|apis\/([^/]+))\/([^/]+)\/([^/]+)(?:\/([^/]+))?$/;

export interface ObjectAnswer {
  status: number;
  /** A JSON body, or `text` for a plain-text answer. */
  body?: unknown;
  text?: string;
  /** The resource asked for, for the request log. */
  resource: string;
}

/**
 * The answer to a GET of `path`, or undefined when the path is not one of these (the caller then
 * answers as before). `forbidden` holds resource names (`alertmanagers`) this identity may not read.
 */
export function answerObjects(
  store: ObjectStore,
  path: string,
  labelSelector: string,
  forbidden: ReadonlySet<string>,
  user: string,
  fieldSelector = '',
): ObjectAnswer | undefined {
  let m: RegExpExecArray | null;
  let group: string | undefined;
  let version: string;
  let namespace: string | undefined;
  let resource: string;
  let name: string | undefined;
  if ((m = NAMED.exec(path)) !== null) [group, version, namespace, resource, name] = [m[1], m[2] ?? '', m[3], m[4] ?? '', m[5]];
  else if ((m = LIST_IN.exec(path)) !== null) [group, version, namespace, resource] = [m[1], m[2] ?? '', m[3], m[4] ?? ''];
  else if ((m = CLUSTER.exec(path)) !== null) [group, version, resource, name] = [m[1], m[2] ?? '', m[3] ?? '', m[4]];
  else return undefined;
  // The pod routes of kube-fixtures-routes.ts serve pods, logs and events.
  if (resource === 'pods' || resource === 'events') return undefined;
  const groupVersion = group === undefined ? version : `${group}/${version}`;
  if (!store.served.has(`${groupVersion}/${resource}`)) {
    return { status: 404, resource, text: '404 page not found\n' };
  }
  if (forbidden.has(resource)) {
    const verb = name === undefined ? 'list' : 'get';
    const subject = `${resource}${group === undefined ? '' : `.${group}`}${name === undefined ? '' : ` "${name}"`}`;
    const scope = namespace === undefined ? 'at the cluster scope' : `in the namespace "${namespace}"`;
    const message = `${subject} is forbidden: User "${user}" cannot ${verb} resource "${resource}" in API group "${group ?? ''}" ${scope}`;
    return {
      status: 403,
      resource,
      body: status(403, 'Forbidden', message, { ...(name === undefined ? {} : { name }), kind: resource, ...(group === undefined ? {} : { group }) }),
    };
  }
  const ofResource = store.objects.filter((o) => {
    const meta = (o['metadata'] ?? {}) as { namespace?: string };
    return (
      RESOURCES[String(o['kind'])] === resource &&
      o['apiVersion'] === groupVersion &&
      (namespace === undefined || resource === 'namespaces' || meta.namespace === namespace)
    );
  });
  if (name !== undefined) {
    const found = ofResource.find((o) => (o['metadata'] as { name?: string }).name === name);
    return found !== undefined
      ? { status: 200, resource, body: found }
      : {
          status: 404,
          resource,
          body: status(404, 'NotFound', `${resource}${group === undefined ? '' : `.${group}`} "${name}" not found`, { name, kind: resource }),
        };
  }
  let requirements: Requirement[];
  try {
    requirements = parseLabelSelector(labelSelector);
  } catch (err) {
    if (!(err instanceof SelectorError)) throw err;
    const message = `Unable to find "${group ?? ''}/${version}, Resource=${resource}" that match label selector "${labelSelector}", field selector "": ${err.message}`;
    return { status: 400, resource, body: status(400, 'BadRequest', message, {}) };
  }
  const fields = metadataFields(fieldSelector);
  if (fields === undefined) {
    const message = `"${fieldSelector}" is not a known field selector: only "metadata.name", "metadata.namespace"`;
    return { status: 400, resource, body: status(400, 'BadRequest', message, {}) };
  }
  const items = ofResource.filter(
    (o) =>
      matchesSelector(((o['metadata'] as { labels?: Record<string, string> }).labels ?? {}) as Record<string, string>, requirements) &&
      fields.every(([key, value]) => (o['metadata'] as Record<string, unknown>)[key] === value),
  );
  const kind = Object.entries(RESOURCES).find(([, r]) => r === resource)?.[0] ?? 'Unknown';
  return { status: 200, resource, body: { apiVersion: groupVersion, kind: `${kind}List`, metadata: { resourceVersion: '48213400' }, items } };
}

/**
 * `metadata.name=x,metadata.namespace=y`: the two fields every resource can be selected by
 * (apiserver's DefaultClusterScopedAttr/DefaultNamespaceScopedAttr); undefined for any other field.
 */
function metadataFields(selector: string): [string, string][] | undefined {
  const terms = selector.split(',').filter((t) => t !== '');
  const out: [string, string][] = [];
  for (const term of terms) {
    const m = /^metadata\.(name|namespace)==?(.*)$/.exec(term);
    if (m === null) return undefined;
    out.push([m[1] ?? '', m[2] ?? '']);
  }
  return out;
}

function status(code: number, reason: string, message: string, details: Raw) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, details, code };
}

/** The API server's label selector grammar and semantics (label-selector.ts); a malformed selector throws `SelectorError`. */
export function matchesLabels(labels: Record<string, string>, selector: string): boolean {
  return matchesSelector(labels, parseLabelSelector(selector));
}
