/**
 * A small client for Prometheus' HTTP API (`/api/v1/query_range`, prometheus.io/docs/prometheus/latest/querying/api/):
 * one undici pool, a deadline per query, a bounded response, and optional bearer or basic auth. The
 * query is sent as a form body (POST), so long selectors never hit URL length limits. Errors say
 * what failed in words a person can act on, never with the credentials.
 */
import { Agent, fetch } from 'undici';
import { readBoundedBody } from '../http-client/bounded-body.ts';
import { codeOf } from '../http-client/error-code.ts';

export interface PrometheusOptions {
  url: string;
  bearerToken?: string;
  basicAuth?: { username: string; password: string };
  timeoutMs: number;
  /** Answers larger than this fail the query instead of filling memory. */
  maxResponseBytes: number;
}

export type PrometheusErrorKind = 'timeout' | 'connection' | 'unauthorized' | 'forbidden' | 'bad-request' | 'server-error' | 'too-large' | 'bad-response';

export class PrometheusError extends Error {
  readonly kind: PrometheusErrorKind;
  constructor(kind: PrometheusErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PrometheusError';
    this.kind = kind;
  }
}

/** One series of a range query: its labels and [unix seconds, value] samples. */
export interface RangeSeries {
  metric: Record<string, string>;
  values: [number, number][];
}

export interface PrometheusClient {
  queryRange(query: string, range: { start: number; end: number; stepSeconds: number }, signal?: AbortSignal): Promise<RangeSeries[]>;
  close(): Promise<void>;
}

export function createPrometheusClient(options: PrometheusOptions): PrometheusClient {
  const dispatcher = new Agent({ connections: 4, connectTimeout: options.timeoutMs });
  // fetch refuses URLs with user:password; the credentials come from the options instead.
  const base = safeUrl(options.url.replace(/\/+$/, ''));
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', 'user-agent': 'crashtriage' };
  if (options.bearerToken !== undefined) headers['authorization'] = `Bearer ${options.bearerToken}`;
  else if (options.basicAuth !== undefined)
    headers['authorization'] = `Basic ${Buffer.from(`${options.basicAuth.username}:${options.basicAuth.password}`).toString('base64')}`;

  return {
    async queryRange(query, range, callerSignal) {
      const deadline = AbortSignal.timeout(options.timeoutMs);
      const signal = callerSignal === undefined ? deadline : AbortSignal.any([deadline, callerSignal]);
      const form = new URLSearchParams({ query, start: String(range.start), end: String(range.end), step: `${range.stepSeconds}s` });
      let status: number;
      let body: string;
      try {
        const res = await fetch(`${base}/api/v1/query_range`, { method: 'POST', headers, body: form.toString(), signal, dispatcher, redirect: 'manual' });
        status = res.status;
        body = (
          await readBoundedBody(
            res.body,
            options.maxResponseBytes,
            () => new PrometheusError('too-large', `Prometheus' answer is larger than ${Math.round(options.maxResponseBytes / 1024)} KiB; not read`),
          )
        ).toString('utf8');
      } catch (err) {
        if (err instanceof PrometheusError) throw err;
        if (signal.aborted) throw new PrometheusError('timeout', `no answer from Prometheus within ${options.timeoutMs} ms`, { cause: err });
        throw new PrometheusError('connection', `cannot reach Prometheus at ${safeUrl(base)}${codeOf(err)}`, { cause: err });
      }
      return parseAnswer(status, body);
    },
    close: () => dispatcher.close(),
  };
}

/** Prometheus answers `{status, data: {resultType: "matrix", result}}`, or `{status: "error", errorType, error}` with 400/422/503. */
export function parseAnswer(status: number, body: string): RangeSeries[] {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    if (status === 401) throw new PrometheusError('unauthorized', 'Prometheus refused the credentials (401)');
    if (status === 403) throw new PrometheusError('forbidden', 'Prometheus (or a proxy before it) refused access (403)');
    throw new PrometheusError(
      status >= 500 ? 'server-error' : 'bad-response',
      `Prometheus answered HTTP ${status} with a body that is not JSON (a proxy or login page in front of it?)`,
    );
  }
  const answer = json as { status?: unknown; error?: unknown; errorType?: unknown; data?: { resultType?: unknown; result?: unknown } };
  if (status === 401) throw new PrometheusError('unauthorized', 'Prometheus refused the credentials (401)');
  if (status === 403) throw new PrometheusError('forbidden', 'Prometheus refused access (403)');
  if (answer.status !== 'success') {
    const said = typeof answer.error === 'string' ? `: ${answer.error.slice(0, 200)}` : '';
    throw new PrometheusError(status >= 500 ? 'server-error' : 'bad-request', `Prometheus refused the query (HTTP ${status}${said})`);
  }
  if (answer.data?.resultType !== 'matrix' || !Array.isArray(answer.data.result))
    throw new PrometheusError('bad-response', 'Prometheus answered without a matrix');
  return answer.data.result.map((s: { metric?: unknown; values?: unknown }) => ({
    metric: typeof s.metric === 'object' && s.metric !== null ? (s.metric as Record<string, string>) : {},
    values: Array.isArray(s.values)
      ? (s.values as [unknown, unknown][])
          .map(([t, v]) => [Number(t), Number(v)] as [number, number])
          .filter(([t, v]) => Number.isFinite(t) && Number.isFinite(v))
      : [],
  }));
}

/** The URL without user:password. */
function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return 'the configured URL';
  }
}
