/**
 * One JSON POST with the attempt's AbortSignal, mapping transport failures onto the SinkError tree.
 * The URL never appears in an error: Slack webhook URLs are credentials.
 */
import { Agent, type Dispatcher, request } from 'undici';
import { SinkConnectionError, SinkOutcomeUnknownError, SinkTimeoutError } from '../errors.ts';

export interface HttpAnswer {
  status: number;
  headers: Pick<Headers, 'get'>;
  /** The body as text, whole up to `BODY_LIMIT_BYTES`; read for error codes and Slack's JSON, never logged whole. */
  body: string;
  /** False when the body was longer than the limit and `body` holds only its start. */
  complete: boolean;
}

/**
 * Slack echoes the stored message (blocks, bot profile, metadata) in chat.postMessage and chat.update
 * answers, often several KiB; 1 MiB holds any of them with room, and bounds what a hostile peer costs.
 */
export const BODY_LIMIT_BYTES = 1024 * 1024;

export async function postJson(
  fetchFn: typeof fetch,
  url: string,
  payload: unknown,
  options: { headers?: Record<string, string>; signal: AbortSignal },
): Promise<HttpAnswer> {
  return post(fetchFn, url, { 'content-type': 'application/json; charset=utf-8', ...options.headers }, JSON.stringify(payload), options.signal);
}

/** The same as a form (application/x-www-form-urlencoded), for Slack's file methods; or raw bytes, for an upload URL. */
export async function postBody(
  fetchFn: typeof fetch,
  url: string,
  body: URLSearchParams | Uint8Array,
  options: { headers?: Record<string, string>; signal: AbortSignal },
): Promise<HttpAnswer> {
  const type = body instanceof URLSearchParams ? 'application/x-www-form-urlencoded; charset=utf-8' : 'application/octet-stream';
  return post(fetchFn, url, { 'content-type': type, ...options.headers }, body instanceof URLSearchParams ? body.toString() : body, options.signal);
}

/**
 * `--use-env-proxy` / NODE_USE_ENV_PROXY=1 make Node's own fetch go through HTTP(S)_PROXY (docs/install.md §6
 * lists the proxy); undici's `request` would not, so with them the global fetch stays in use.
 */
const ENV_PROXY =
  process.env['NODE_USE_ENV_PROXY'] === '1' || /(?:^|\s)--use-env-proxy\b/.test(`${process.env['NODE_OPTIONS'] ?? ''} ${process.execArgv.join(' ')}`);

async function post(fetchFn: typeof fetch, url: string, headers: Record<string, string>, body: string | Uint8Array, signal: AbortSignal): Promise<HttpAnswer> {
  // The global fetch, which every sink is given unless a caller hands in its own, is served by undici's
  // `request`: the same POST without the WHATWG Request, Response, Headers and web streams fetch builds
  // per call (in a 300-alert storm the webhook's POST cost more CPU than three Kubernetes reads).
  if (fetchFn === globalThis.fetch && !ENV_PROXY) return postLean(url, headers, body, signal);
  try {
    const res = await fetchFn(url, {
      method: 'POST',
      headers,
      body,
      signal,
      // A redirected POST turns into a GET elsewhere; treat a redirect as the answer instead.
      redirect: 'manual',
    });
    const { text, complete } = await readBounded(res, BODY_LIMIT_BYTES);
    return { status: res.status, headers: res.headers, body: text, complete };
  } catch (err) {
    throw sinkFailure(err, signal);
  }
}

/**
 * A POST that got no answer, as the SinkError tree names it. `started`: whether undici began to write
 * the request on a connected socket (undefined when that cannot be told: a fetch handed in). A failure
 * before that point sent nothing, whatever it was (refused, a TLS handshake cut, the attempt's time
 * running out while the peer is down): a resend delivers it, and cannot double it.
 */
function sinkFailure(err: unknown, signal: AbortSignal, started?: boolean): Error {
  const code = errorCode(err);
  const nothingSent = started === false || (code !== undefined && NOTHING_SENT.has(code));
  if (signal.aborted || (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError'))) {
    return nothingSent
      ? new SinkConnectionError('no connection within the attempt timeout', { cause: err, nothingSent })
      : new SinkTimeoutError('no answer within the attempt timeout', { cause: err });
  }
  return new SinkConnectionError(`connection error${code === undefined ? '' : ` (${code})`}`, { cause: err, nothingSent });
}

/**
 * The sinks' own connection pool. Not undici's global dispatcher: once `node:http` is loaded (Fastify
 * loads it), that one is the Agent of the undici bundled with Node, which does not take a request that
 * is still waiting for its connection out of the queue when its signal aborts, so a peer that never
 * completes the connection (a TLS handshake that stalls, a dropped SYN) would hold the attempt until
 * its 10 s connect timeout, past the attempt's own timeout and the request's budget.
 */
const SINK_AGENT = new Agent();

/**
 * The sinks' pool, calling `onStart` when undici starts to write the request on a connected socket
 * (the handler's onRequestStart, called by its HTTP/1.1 client just before the first write): until
 * then no byte of the request has left.
 */
function watchingStart(onStart: () => void): Dispatcher {
  return SINK_AGENT.compose(
    (dispatch) => (options, handler) =>
      dispatch(options, {
        onRequestStart: (controller, context) => {
          onStart();
          handler.onRequestStart?.(controller, context);
        },
        onRequestUpgrade: (...args) => handler.onRequestUpgrade?.(...args),
        onResponseStart: (...args) => handler.onResponseStart?.(...args),
        onResponseData: (...args) => handler.onResponseData?.(...args),
        onResponseEnd: (...args) => handler.onResponseEnd?.(...args),
        onResponseError: (...args) => handler.onResponseError?.(...args),
      }),
  );
}

/** What Node's fetch sends beside the caller's headers, so that a peer sees the same request either way. */
const FETCH_HEADERS = { accept: '*/*', 'user-agent': 'node' };

async function postLean(url: string, headers: Record<string, string>, body: string | Uint8Array, signal: AbortSignal): Promise<HttpAnswer> {
  let started = false;
  try {
    // Parsed first, as fetch does, so that a malformed URL fails with ERR_INVALID_URL before anything is sent.
    const target = new URL(url);
    const dispatcher = watchingStart(() => {
      started = true;
    });
    // Redirects are not followed (undici's default): a redirected POST would turn into a GET elsewhere.
    const res = await request(target, { method: 'POST', headers: { ...FETCH_HEADERS, ...headers }, body, signal, dispatcher });
    const { text, complete } = await readBoundedNode(res.body, BODY_LIMIT_BYTES);
    const answerHeaders = res.headers;
    return {
      status: res.statusCode,
      headers: {
        get: (name) => {
          const value = answerHeaders[name.toLowerCase()];
          return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
        },
      },
      body: text,
      complete,
    };
  } catch (err) {
    throw sinkFailure(err, signal, started);
  }
}

/** readBounded for undici's Node stream body. */
async function readBoundedNode(stream: AsyncIterable<Buffer> & { destroy(): void }, limit: number): Promise<{ text: string; complete: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const room = limit - size;
    if (chunk.byteLength > room) {
      chunks.push(chunk.subarray(0, room));
      stream.destroy();
      return { text: Buffer.concat(chunks).toString('utf8'), complete: false };
    }
    chunks.push(chunk);
    size += chunk.byteLength;
  }
  return { text: Buffer.concat(chunks).toString('utf8'), complete: true };
}

/** Reads at most `limit` bytes of the body, then lets go of the rest (the connection is not reused). */
export async function readBounded(res: Response, limit: number): Promise<{ text: string; complete: boolean }> {
  if (res.body === null) return { text: '', complete: true };
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const room = limit - size;
    if (value.byteLength > room) {
      chunks.push(value.subarray(0, room));
      await reader.cancel();
      return { text: Buffer.concat(chunks).toString('utf8'), complete: false };
    }
    chunks.push(value);
    size += value.byteLength;
  }
  return { text: Buffer.concat(chunks).toString('utf8'), complete: true };
}

/**
 * System errors raised before any byte of the request left: nothing can have reached the peer. Any
 * other failure (a reset, a socket closed mid-answer, no answer in time) may come after the peer took
 * the request.
 */
const NOTHING_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'ERR_INVALID_URL']);

/** Whether a failed POST may still have reached the peer (its answer is unknown, not a refusal). */
export function mayHaveArrived(err: unknown): boolean {
  if (err instanceof SinkTimeoutError) return true;
  return err instanceof SinkConnectionError && !err.nothingSent;
}

/**
 * For a peer that keeps no idempotency key (sending twice shows the message twice): a POST that may
 * have reached it is an unknown outcome, never retried (SinkOutcomeUnknownError); other errors as they are.
 */
export function unlessMaybeSent(err: unknown, peer: string): unknown {
  return mayHaveArrived(err) ? new SinkOutcomeUnknownError(`${(err as Error).message}: ${peer} may have posted it`, { cause: err }) : err;
}

/** undici puts the system error (ECONNREFUSED, ECONNRESET, ENOTFOUND) in `cause`. */
function errorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}
