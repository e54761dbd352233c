/**
 * A small Kubernetes REST client: JSON in and out over one connection pool, a deadline per call
 * (connect to last body byte, `AbortSignal.timeout`), a bounded body, our User-Agent, and every
 * failure thrown as a `KubeReadError` (an error answer classified from its `Status` body). No retries:
 * a read that fails becomes a `problems` entry, and Alertmanager's own retry covers the rest.
 *
 * Why not @kubernetes/client-node: loading it costs about 80 MiB of RSS (every generated API class
 * and model), and its default transport has no deadline, buffers any body size and builds a new
 * connection per request. Objects come back as the API writes them: times stay RFC 3339 strings
 * (src/kube/time.ts reads both those and Dates); client-node's model types still describe them.
 */
import { type Dispatcher, request } from 'undici';
import { readBoundedStream } from '../http-client/bounded-body.ts';
import type { KubeConnection } from './kube-connection.ts';
import { classifyKubeError, fromStatus, KubeReadError, ResponseTooLargeError } from './kube-error.ts';

export const USER_AGENT = 'crashtriage/0.1.0';

export type Query = Readonly<Record<string, string | number | boolean | undefined>>;

export interface KubeRestOptions {
  /** Deadline for one call, connect to last body byte. */
  timeoutMs: number;
  /** Bodies larger than this fail the call instead of filling memory. */
  maxResponseBytes: number;
  userAgent?: string;
}

export interface KubeRest {
  get<T>(path: string, query?: Query): Promise<T>;
  /** A plain-text answer (`pods/log`). */
  getText(path: string, query?: Query): Promise<string>;
  post<T>(path: string, body: unknown): Promise<T>;
  put<T>(path: string, body: unknown): Promise<T>;
  delete(path: string, body?: unknown): Promise<void>;
}

export function createKubeRest(connection: KubeConnection, options: KubeRestOptions): KubeRest {
  const userAgent = options.userAgent ?? USER_AGENT;

  const send = async (method: string, path: string, query: Query | undefined, body: unknown, accept: string): Promise<Buffer> => {
    try {
      const url = `${connection.server}${path}${queryString(query)}`;
      const { headers, dispatcher } = await connection.prepare(url);
      // undici's `request`, not `fetch`: the same pool and deadline without the WHATWG objects, web
      // streams and resource-timing entries fetch builds per call (a storm makes thousands of calls).
      // Redirects are not followed: the API server does not send them, and a bearer token must not follow one.
      const response = await request(url, {
        method: method as Dispatcher.HttpMethod,
        headers: {
          ...headers,
          accept,
          'user-agent': userAgent,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        signal: AbortSignal.timeout(options.timeoutMs),
        dispatcher,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const data = await readBoundedStream(response.body, options.maxResponseBytes, () => new ResponseTooLargeError(options.maxResponseBytes));
      if (response.statusCode < 200 || response.statusCode > 299) {
        throw fromStatus(response.statusCode, data, { retryAfter: firstValue(response.headers['retry-after']) });
      }
      return data;
    } catch (err) {
      throw classifyKubeError(err, options.timeoutMs);
    }
  };

  const json = async <T>(method: string, path: string, query: Query | undefined, body: unknown): Promise<T> => {
    const data = await send(method, path, query, body, 'application/json');
    try {
      return JSON.parse(data.toString('utf8')) as T;
    } catch (err) {
      // A 200 that is not JSON: a proxy or portal in the way, not the API server.
      throw new KubeReadError('other', `the answer to ${method} ${path} is not JSON`, { cause: err });
    }
  };

  return {
    get: (path, query) => json('GET', path, query, undefined),
    getText: async (path, query) => (await send('GET', path, query, undefined, 'text/plain, */*')).toString('utf8'),
    post: (path, body) => json('POST', path, undefined, body),
    put: (path, body) => json('PUT', path, undefined, body),
    delete: async (path, body) => {
      await send('DELETE', path, undefined, body, 'application/json');
    },
  };
}

/** `/api/v1/namespaces/{ns}/pods/{name}`-style paths with every segment escaped. */
export function apiPath(prefix: string, ...segments: string[]): string {
  return [prefix, ...segments.map((s) => encodeURIComponent(s))].join('/');
}

function firstValue(header: string | string[] | undefined): string | undefined {
  return Array.isArray(header) ? header[0] : header;
}

function queryString(query: Query | undefined): string {
  if (query === undefined) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}
