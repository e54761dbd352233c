/**
 * What the fake API server answers besides objects: `Status` bodies as the API server writes them
 * (k8s.io/apiserver responsewriters/errors.go, pkg/kubelet/kubelet_pods.go) and the kubelet's log window (`tailLines`, then `limitBytes` counted from the
 * start of that window, which can cut the *end* of the tail: pkg/kubelet/kuberuntime/logs).
 */

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  reason: string;
  details?: { name?: string; kind?: string };
  code: number;
}

const status = (code: number, reason: string, message: string, details?: StatusBody['details']): StatusBody => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message,
  reason,
  ...(details === undefined ? {} : { details }),
  code,
});

export const statusBodies = {
  notFound: (resource: string, name: string) => status(404, 'NotFound', `${resource} "${name}" not found`, { name, kind: resource }),
  /**
   * `pods "x" is forbidden: User "u" cannot get resource "pods/log" in API group "" in the namespace "ns"`;
   * for a cluster-scoped resource (no namespace) the RBAC authorizer ends `… at the cluster scope`.
   */
  forbidden: (user: string, verb: string, resource: string, namespace: string | undefined, name?: string) => {
    const base = resource.split('/')[0] ?? resource;
    const subject = name === undefined ? base : `${base} "${name}"`;
    const scope = namespace === undefined ? 'at the cluster scope' : `in the namespace "${namespace}"`;
    const message = `${subject} is forbidden: User "${user}" cannot ${verb} resource "${resource}" in API group "" ${scope}`;
    return status(403, 'Forbidden', message, { ...(name === undefined ? {} : { name }), kind: base });
  },
  unauthorized: () => status(401, 'Unauthorized', 'Unauthorized'),
  badRequest: (message: string) => status(400, 'BadRequest', message),
  internal: (code: number) =>
    code === 503
      ? status(503, 'ServiceUnavailable', 'the server is currently unable to handle the request')
      : status(code, 'InternalError', 'Internal error occurred: etcdserver: request timed out'),
  /** Any other code, for failure injection. */
  generic: (code: number, message: string) => status(code, code >= 500 ? 'InternalError' : 'BadRequest', message),
};

/** The bytes the kubelet would send for `tailLines` and `limitBytes` (either may be absent). */
export function kubeletLogWindow(log: Buffer, tailLines: number | undefined, limitBytes: number | undefined): Buffer {
  let start = 0;
  if (tailLines !== undefined && tailLines >= 0) {
    // Walk back over `tailLines` lines; the final "\n" ends the last line rather than starting one.
    let pos = log.length > 0 && log[log.length - 1] === 0x0a ? log.length - 1 : log.length;
    start = tailLines === 0 ? log.length : pos;
    for (let lines = 0; lines < tailLines; lines++) {
      const nl = pos > 0 ? log.lastIndexOf(0x0a, pos - 1) : -1;
      if (nl < 0) {
        start = 0;
        break;
      }
      start = nl + 1;
      pos = nl;
    }
  }
  const window = log.subarray(start);
  return limitBytes !== undefined && limitBytes > 0 && window.length > limitBytes ? window.subarray(0, limitBytes) : window;
}
