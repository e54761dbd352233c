/**
 * The reason a request never got an answer, in a few words for an error message: what the outbound
 * HTTP clients (Prometheus, Alertmanager) append to "cannot reach …".
 */

/** ` (ECONNREFUSED)`: the system error code undici keeps in `cause`, else the innermost message; '' when none. */
export function codeOf(err: unknown): string {
  let innermost = '';
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return ` (${code})`;
    innermost = e.message;
  }
  return innermost === '' ? '' : ` (${innermost.slice(0, 100)})`;
}
