/**
 * One error type for every failed Kubernetes call, classified once at the edge (src/kube/rest.ts) so
 * the rest of the code switches on `kind` instead of sniffing fetch errors. The API's `Status.message`
 * is the only part of a response body ever kept: bodies can echo request data.
 */
import type { ProblemKind } from '../diagnosis/evidence.ts';

export class KubeReadError extends Error {
  override readonly name = 'KubeReadError';
  readonly kind: ProblemKind;
  /** The HTTP status, when the API server answered. */
  readonly status?: number;
  /** `Status.reason`, e.g. `NotFound`, `Forbidden`, `BadRequest`. */
  readonly reason?: string;
  /** For 403: `<verb> <resource>` that RBAC denied, e.g. `get pods/log`. */
  readonly missingPermission?: string;
  /** Network or TLS error code (`ECONNREFUSED`, `DEPTH_ZERO_SELF_SIGNED_CERT`, …). */
  readonly code?: string;

  constructor(
    kind: ProblemKind,
    /** Safe to show: a Status message or our own words, never a raw body. */
    message: string,
    details: { status?: number; reason?: string; missingPermission?: string; code?: string; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = kind;
    if (details.status !== undefined) this.status = details.status;
    if (details.reason !== undefined) this.reason = details.reason;
    if (details.missingPermission !== undefined) this.missingPermission = details.missingPermission;
    if (details.code !== undefined) this.code = details.code;
  }
}

/** A response body larger than the reader accepts (a server ignoring `limitBytes`, say). */
export class ResponseTooLargeError extends Error {
  override readonly name = 'ResponseTooLargeError';
  readonly limitBytes: number;
  constructor(limitBytes: number) {
    super(`response body larger than ${limitBytes} bytes`);
    this.limitBytes = limitBytes;
  }
}

/** `User "…" cannot get resource "pods/log" in API group "" in the namespace "…"`
 * (k8s.io/apiserver endpoints/handlers/responsewriters/errors.go). */
const FORBIDDEN = /cannot (\S+) resource "([^"]+)" in API group "([^"]*)"/;
/** `previous terminated container "app" in pod "x" not found` (https://github.com/kubernetes/kubernetes/blob/master/pkg/kubelet/kubelet_pods.go). */
const NO_PREVIOUS = /previous terminated container .* not found/;

const TLS_CODES = /CERT|^ERR_TLS|^ERR_SSL|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/;
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** Maps anything fetch threw into a `KubeReadError`. */
export function classifyKubeError(err: unknown, timeoutMs: number): KubeReadError {
  if (err instanceof KubeReadError) return err;
  for (const e of causeChain(err)) {
    if (e instanceof ResponseTooLargeError) return new KubeReadError('other', e.message, { cause: err });
    const name = e instanceof Error ? e.name : undefined;
    const code = errorCode(e);
    if (name === 'TimeoutError' || (code !== undefined && TIMEOUT_CODES.has(code))) {
      return new KubeReadError('timeout', `no answer within ${timeoutMs} ms`, { cause: err, ...(code === undefined ? {} : { code }) });
    }
    if (code !== undefined && TLS_CODES.test(code)) return new KubeReadError('tls', `TLS failed: ${code}`, { code, cause: err });
    if (code !== undefined && CONNECTION_CODES.has(code)) return new KubeReadError('connection', `cannot connect: ${code}`, { code, cause: err });
  }
  return new KubeReadError('other', err instanceof Error ? `${err.name}` : 'unknown error', { cause: err });
}

/**
 * The plain-text sentences kube-apiserver's filters answer 429 with (http.Error, not a Status):
 * k8s.io/apiserver pkg/server/filters priority-and-fairness.go, maxinflight.go, with_retry_after.go.
 * Fixed words, so they may be repeated; any other plain body is not.
 */
const PLAIN_429 = new Set([
  'Too many requests, please try again later.',
  'The apiserver is shutting down, please try again later.',
  "The apiserver hasn't been fully initialized yet, please try again later.",
]);

/** Classifies an HTTP error answer from its status code and `Status` body (or a known 429 sentence), with the Retry-After it names. */
export function fromStatus(status: number, body: unknown, answer: { retryAfter?: string | null | undefined } = {}): KubeReadError {
  const parsed = parseStatus(body);
  const plain = status === 429 && parsed.message === undefined ? knownSentence(body) : undefined;
  const wait =
    answer.retryAfter !== undefined && answer.retryAfter !== null && /^\d{1,4}$/.test(answer.retryAfter) ? ` (Retry-After ${answer.retryAfter} s)` : '';
  const message = `${parsed.message ?? (status === 429 ? `HTTP 429${plain === undefined ? '' : `: ${plain}`}` : `HTTP ${status}`)}${status === 429 ? wait : ''}`;
  const details = { status, ...(parsed.reason === undefined ? {} : { reason: parsed.reason }) };
  if (status === 401) return new KubeReadError('unauthorized', parsed.message ?? 'Unauthorized', details);
  if (status === 403) {
    const m = FORBIDDEN.exec(message);
    const permission = m === null ? undefined : `${m[1]} ${m[2]}${m[3] === '' ? '' : `.${m[3]}`}`;
    return new KubeReadError('forbidden', message, permission === undefined ? details : { ...details, missingPermission: permission });
  }
  if (status === 404) return new KubeReadError('not-found', message, details);
  if (status === 400) return new KubeReadError(NO_PREVIOUS.test(message) ? 'no-previous-log' : 'bad-request', message, details);
  if (status >= 500) return new KubeReadError('server-error', message, details);
  return new KubeReadError('other', message, details);
}

function knownSentence(body: unknown): string | undefined {
  const text = typeof body === 'string' || Buffer.isBuffer(body) ? body.toString().trim() : undefined;
  return text !== undefined && PLAIN_429.has(text) ? text : undefined;
}

/** Reads `message` and `reason` of a `Status` body (JSON text or object); nothing else is kept. */
function parseStatus(body: unknown): { message?: string; reason?: string } {
  let value: unknown = body;
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    try {
      value = JSON.parse(body.toString());
    } catch {
      return {};
    }
  }
  if (typeof value !== 'object' || value === null) return {};
  const record = value as Record<string, unknown>;
  if (record['kind'] !== 'Status') return {};
  const out: { message?: string; reason?: string } = {};
  // Bounded: a Status message is one sentence; anything longer is not worth repeating.
  if (typeof record['message'] === 'string' && record['message'] !== '') out.message = record['message'].slice(0, 500);
  if (typeof record['reason'] === 'string' && record['reason'] !== '') out.reason = record['reason'];
  return out;
}

function* causeChain(err: unknown): Generator<unknown> {
  let current: unknown = err;
  for (let depth = 0; depth < 8 && current !== undefined && current !== null; depth++) {
    yield current;
    if (current instanceof AggregateError) yield* current.errors;
    current = current instanceof Error ? current.cause : undefined;
  }
}

function errorCode(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}
