/**
 * One JSON POST with the attempt's AbortSignal, mapping transport failures onto the SinkError tree.
 * The URL never appears in an error: Slack webhook URLs are credentials.
 */
import { SinkConnectionError, SinkTimeoutError } from '../errors.ts';

export interface HttpAnswer {
  status: number;
  headers: Headers;
  /** At most the first 2 KiB: bodies are only read for an error code, never logged whole. */
  body: string;
}

const BODY_LIMIT = 2048;

export async function postJson(
  fetchFn: typeof fetch,
  url: string,
  payload: unknown,
  options: { headers?: Record<string, string>; signal: AbortSignal },
): Promise<HttpAnswer> {
  try {
    const res = await fetchFn(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', ...options.headers },
      body: JSON.stringify(payload),
      signal: options.signal,
      // A redirected POST turns into a GET elsewhere; treat a redirect as the answer instead.
      redirect: 'manual',
    });
    const body = (await res.text()).slice(0, BODY_LIMIT);
    return { status: res.status, headers: res.headers, body };
  } catch (err) {
    if (options.signal.aborted || (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError'))) {
      throw new SinkTimeoutError('no answer within the attempt timeout', { cause: err });
    }
    const code = errorCode(err);
    throw new SinkConnectionError(`connection error${code === undefined ? '' : ` (${code})`}`, { cause: err });
  }
}

/** undici puts the system error (ECONNREFUSED, ECONNRESET, ENOTFOUND) in `cause`. */
function errorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}
