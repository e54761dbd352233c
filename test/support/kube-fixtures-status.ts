/**
 * What the fake API server answers besides objects: `Status` bodies for a request's own names, in the
 * shapes of the reply table (kube-replies.ts, each row with its public source), and the kubelet's log
 * window (`tailLines`, then `limitBytes` counted from the start of that window, which can cut the
 * *end* of the tail: pkg/kubelet/kuberuntime/logs).
 */
import { statusBody } from './kube-replies.ts';

export type { StatusBody } from './kube-replies.ts';

/** A Status with its reason named for its code, as apimachinery's constructors pair them. */
const REASON_FOR_CODE: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  410: 'Expired',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** Bodies built for a request (its names), in the shapes of KUBE_API_REPLIES. */
export const statusBodies = {
  notFound: (resource: string, name: string) => statusBody(404, 'NotFound', `${resource} "${name}" not found`, { name, kind: resource }),
  /**
   * `pods "x" is forbidden: User "u" cannot get resource "pods/log" in API group "" in the namespace "ns"`;
   * for a cluster-scoped resource (no namespace) the RBAC authorizer ends `… at the cluster scope`; a
   * list names no object (`events is forbidden: …`, no details.name).
   */
  forbidden: (user: string, verb: string, resource: string, namespace: string | undefined, name?: string) => {
    const base = resource.split('/')[0] ?? resource;
    const subject = name === undefined ? `${base} is` : `${base} "${name}" is`;
    const scope = namespace === undefined || namespace === '' ? 'at the cluster scope' : `in the namespace "${namespace}"`;
    const message = `${subject} forbidden: User "${user}" cannot ${verb} resource "${resource}" in API group "" ${scope}`;
    return statusBody(403, 'Forbidden', message, { ...(name === undefined ? {} : { name }), kind: base });
  },
  unauthorized: () => statusBody(401, 'Unauthorized', 'Unauthorized'),
  badRequest: (message: string) => statusBody(400, 'BadRequest', message),
  /** Any other code with this message, its reason the one apimachinery pairs with the code. */
  generic: (code: number, message: string) => statusBody(code, REASON_FOR_CODE[code] ?? (code >= 500 ? 'InternalError' : 'BadRequest'), message),
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
