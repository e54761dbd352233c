/**
 * A small client of Alertmanager's v2 API for silences (api/v2/openapi.yaml in prometheus/alertmanager):
 * create (`POST /api/v2/silences`), expire (`DELETE /api/v2/silence/{id}`) and list
 * (`GET /api/v2/silences?filter=…`). One undici pool, a deadline per call, a bounded answer, an
 * optional bearer token (a proxy in front of Alertmanager, or its own `--web.config.file`). Errors say
 * what failed in words a person can act on, never with the token.
 */
import { Agent, fetch } from 'undici';
import { readBoundedBody } from '../http-client/bounded-body.ts';
import { codeOf } from '../http-client/error-code.ts';
import { type Matcher, matchersText } from './matchers.ts';

export interface AlertmanagerOptions {
  /** Alertmanager's base URL, e.g. `http://alertmanager-operated.monitoring:9093`. */
  url: string;
  bearerToken?: string;
  timeoutMs?: number;
  /** Answers larger than this fail the call instead of filling memory. */
  maxResponseBytes?: number;
}

export const ALERTMANAGER_DEFAULTS = { timeoutMs: 5000, maxResponseBytes: 4 * 1024 * 1024 } as const;

export type AlertmanagerErrorKind =
  | 'timeout'
  | 'connection'
  | 'unauthorized'
  | 'forbidden'
  | 'bad-request'
  | 'not-found'
  | 'server-error'
  | 'too-large'
  | 'bad-response';

export class AlertmanagerError extends Error {
  readonly kind: AlertmanagerErrorKind;
  /** The HTTP status, when Alertmanager (or a proxy before it) answered. */
  readonly status: number | undefined;
  constructor(kind: AlertmanagerErrorKind, message: string, options?: { cause?: unknown; status?: number }) {
    super(message, options);
    this.name = 'AlertmanagerError';
    this.kind = kind;
    this.status = options?.status;
  }
}

/** What a new silence says: the API's `postableSilence` without an id. */
export interface NewSilence {
  matchers: Matcher[];
  /** RFC 3339; Alertmanager sets startsAt to now when it lies in the past. */
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
}

export type SilenceState = 'active' | 'pending' | 'expired';

/** A silence as Alertmanager keeps it: the API's `gettableSilence`. */
export interface Silence extends NewSilence {
  id: string;
  state: SilenceState;
  updatedAt: string;
}

export interface AlertmanagerClient {
  /** Creates the silence and answers its id. */
  createSilence(silence: NewSilence, signal?: AbortSignal): Promise<string>;
  /** Ends the silence now (again, for one already expired); `not-found` when Alertmanager knows no silence with that id. */
  expireSilence(id: string, signal?: AbortSignal): Promise<void>;
  /** Every silence (active, pending and expired ones Alertmanager still keeps), or those matching all `filter` matchers. */
  listSilences(filter?: readonly Matcher[], signal?: AbortSignal): Promise<Silence[]>;
  close(): Promise<void>;
}

export function createAlertmanagerClient(options: AlertmanagerOptions): AlertmanagerClient {
  const timeoutMs = options.timeoutMs ?? ALERTMANAGER_DEFAULTS.timeoutMs;
  const maxResponseBytes = options.maxResponseBytes ?? ALERTMANAGER_DEFAULTS.maxResponseBytes;
  const dispatcher = new Agent({ connections: 2, connectTimeout: timeoutMs });
  const base = safeUrl(options.url);
  const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'crashtriage' };
  if (options.bearerToken !== undefined) headers['authorization'] = `Bearer ${options.bearerToken}`;

  async function call(method: 'GET' | 'POST' | 'DELETE', path: string, what: string, body: unknown, callerSignal?: AbortSignal): Promise<unknown> {
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = callerSignal === undefined ? deadline : AbortSignal.any([deadline, callerSignal]);
    let status: number;
    let text: string;
    try {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal,
        dispatcher,
        redirect: 'manual',
      });
      status = res.status;
      const tooLarge = () =>
        new AlertmanagerError('too-large', `Alertmanager's answer to ${what} is larger than ${Math.round(maxResponseBytes / 1024)} KiB; not read`);
      text = (await readBoundedBody(res.body, maxResponseBytes, tooLarge)).toString('utf8');
    } catch (err) {
      if (err instanceof AlertmanagerError) throw err;
      if (signal.aborted) throw new AlertmanagerError('timeout', `no answer from Alertmanager to ${what} within ${timeoutMs} ms`, { cause: err });
      throw new AlertmanagerError('connection', `cannot reach Alertmanager at ${base} to ${what}${codeOf(err)}`, { cause: err });
    }
    return parseAnswer(status, text, what);
  }

  return {
    async createSilence(silence, signal) {
      const answer = await call('POST', '/api/v2/silences', 'create a silence', silence, signal);
      // Grafana's built-in Alertmanager (under /api/alertmanager/grafana) answers 202 with `id` instead
      // (grafana pkg/services/ngalert/api/api_alertmanager.go: {"message": "silence created", "id": …}).
      const created = answer as { silenceID?: unknown; id?: unknown } | null;
      const id = created?.silenceID ?? created?.id;
      if (typeof id !== 'string' || id === '') throw new AlertmanagerError('bad-response', 'Alertmanager created a silence but answered without its silenceID');
      return id;
    },
    async expireSilence(id, signal) {
      await call('DELETE', `/api/v2/silence/${encodeURIComponent(id)}`, `expire silence ${id}`, undefined, signal);
    },
    async listSilences(filter = [], signal) {
      const query = filter.map((m) => `filter=${encodeURIComponent(matchersText([m]).slice(1, -1))}`).join('&');
      const answer = await call('GET', `/api/v2/silences${query === '' ? '' : `?${query}`}`, 'list silences', undefined, signal);
      if (!Array.isArray(answer)) throw new AlertmanagerError('bad-response', 'Alertmanager answered the silence list with something other than a list');
      return answer.map(toSilence);
    },
    close: () => dispatcher.close(),
  };
}

/**
 * Alertmanager answers errors with a JSON string (`"silence invalid: …"`) or, from its framework, an
 * object with `message`; a proxy may answer HTML. 2xx bodies are JSON, or empty for DELETE.
 */
export function parseAnswer(status: number, text: string, what: string): unknown {
  let json: unknown;
  let isJson = true;
  try {
    json = text === '' ? null : JSON.parse(text);
  } catch {
    isJson = false;
  }
  if (status >= 200 && status < 300) {
    if (!isJson) throw new AlertmanagerError('bad-response', `Alertmanager answered ${what} with a body that is not JSON`, { status });
    return json;
  }
  const said = !isJson
    ? ''
    : typeof json === 'string'
      ? json
      : typeof (json as { message?: unknown })?.message === 'string'
        ? (json as { message: string }).message
        : '';
  const detail = said === '' ? '' : `: ${said.trim().slice(0, 300)}`;
  const proxy = isJson ? '' : ' (a body that is not JSON: a proxy or login page in front of it?)';
  if (status === 401) throw new AlertmanagerError('unauthorized', `Alertmanager refused the credentials to ${what} (401)${proxy}`, { status });
  if (status === 403) throw new AlertmanagerError('forbidden', `Alertmanager refused access to ${what} (403)${proxy}`, { status });
  // Alertmanager 0.25 (Debian bookworm) answers an unknown id with 500 "silence not found"; later versions with 404.
  if (status === 404 || (status === 500 && /^silence not found$/i.test(said.trim())))
    throw new AlertmanagerError('not-found', `Alertmanager found nothing to ${what} (HTTP ${status})${detail}${proxy}`, { status });
  if (status >= 300 && status < 400)
    throw new AlertmanagerError('bad-response', `Alertmanager redirected the call to ${what} (HTTP ${status}); set its URL to where the API answers`, {
      status,
    });
  if (status >= 500) throw new AlertmanagerError('server-error', `Alertmanager failed to ${what} (HTTP ${status})${detail}${proxy}`, { status });
  throw new AlertmanagerError('bad-request', `Alertmanager refused to ${what} (HTTP ${status})${detail}${proxy}`, { status });
}

function toSilence(raw: unknown): Silence {
  const s = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const str = (key: string): string => (typeof s[key] === 'string' ? (s[key] as string) : '');
  const state = (s['status'] as { state?: unknown } | undefined)?.state;
  if (str('id') === '' || (state !== 'active' && state !== 'pending' && state !== 'expired'))
    throw new AlertmanagerError('bad-response', 'Alertmanager listed a silence without an id or a known state');
  const matchers = Array.isArray(s['matchers']) ? (s['matchers'] as Record<string, unknown>[]) : [];
  return {
    id: str('id'),
    state,
    updatedAt: str('updatedAt'),
    matchers: matchers.map((m) => ({
      name: String(m['name'] ?? ''),
      value: String(m['value'] ?? ''),
      isRegex: m['isRegex'] === true,
      isEqual: m['isEqual'] !== false,
    })),
    startsAt: str('startsAt'),
    endsAt: str('endsAt'),
    createdBy: str('createdBy'),
    comment: str('comment'),
  };
}

/** The URL without user:password and a trailing slash; fetch refuses credentials in URLs anyway. */
function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/+$/, '');
  } catch {
    throw new AlertmanagerError('bad-request', 'the Alertmanager URL is not a URL');
  }
}
