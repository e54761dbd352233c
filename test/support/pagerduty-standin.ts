/**
 * A loopback stand-in for PagerDuty's Events API v2: `POST /v2/enqueue` (alert events) and
 * `POST /v2/change/enqueue` (change events). It checks each event as PagerDuty documents it, keeps the
 * alerts by routing key and dedup_key as PagerDuty does (a trigger opens or updates, a resolve closes,
 * a trigger after a resolve opens a new one), and answers from `PAGERDUTY_REPLIES`, each row with its
 * public source. Written from PagerDuty's documents, independently of src/notify, so a wrong limit
 * there fails the tests here.
 */
import type { IncomingMessage } from 'node:http';
import { type Answer, type PeerServer, type StandinReply, startPeerServer } from './peer-reply.ts';

export type { StandinReply } from './peer-reply.ts';

const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };
const EVENTS_DOC =
  'developer.pagerduty.com/docs/events-api-v2-overview ("API Response Codes & Retry Logic"); github.com/PagerDuty/api-schema reference/events-v2/openapiv3.json';

/** PagerDuty's documented answers to an event, by name; a test scripts any row with `failNext`. */
export const PAGERDUTY_REPLIES = {
  accepted: {
    status: 202,
    headers: JSON_TYPE,
    body: ({ dedupKey }) => JSON.stringify({ status: 'success', message: 'Event processed', dedup_key: dedupKey }),
    source: `${EVENTS_DOC}: 202 "Accepted", body {status: "success", message: "Event processed", dedup_key}`,
  },
  changeAccepted: {
    status: 202,
    headers: JSON_TYPE,
    body: () => JSON.stringify({ status: 'success', message: 'Change event processed' }),
    source: 'developer.pagerduty.com/docs/send-change-events-to-pagerduty (POST /v2/change/enqueue answers 202)',
  },
  invalidEvent: {
    status: 400,
    headers: JSON_TYPE,
    body: ({ errors }) => JSON.stringify({ status: 'invalid event', message: 'Event object is invalid', errors }),
    source: `${EVENTS_DOC}: 400 "Bad Request - Check that the JSON is valid", do not retry; body as in github.com/prometheus/alertmanager notify/pagerduty/pagerduty_test.go (TestErrDetails)`,
  },
  unparsable: {
    status: 400,
    headers: JSON_TYPE,
    body: () => JSON.stringify({ status: 'Unrecognized object', message: 'Event object format is unrecognized', errors: ['JSON parse error'] }),
    source: `${EVENTS_DOC}: components.responses.Error example`,
  },
  throttled: {
    status: 429,
    headers: JSON_TYPE,
    body: () => '',
    source: `${EVENTS_DOC}: 429 "Too many API calls at a time", retry after some time (no Retry-After is documented); empty body as PagerDuty's own client tests script it`,
  },
  serverError: {
    status: 500,
    headers: JSON_TYPE,
    body: () => JSON.stringify({ status: 'Internal Server Error', message: 'An internal error occurred' }),
    source: `${EVENTS_DOC}: "500 or other 5XX - Internal Server Error", retry after some time`,
  },
  badGateway: {
    status: 502,
    headers: { 'content-type': 'text/html' },
    body: () => '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>',
    source: `${EVENTS_DOC}: other 5XX, retried; a load balancer's HTML page, not PagerDuty's JSON`,
  },
  unavailable: {
    status: 503,
    headers: JSON_TYPE,
    body: () => JSON.stringify({ status: 'Service Unavailable', message: 'Service Unavailable' }),
    source: `${EVENTS_DOC}: other 5XX, retried`,
  },
} satisfies Record<string, StandinReply>;

export type PagerDutyReplyName = keyof typeof PAGERDUTY_REPLIES;

const SEVERITIES = new Set(['critical', 'error', 'warning', 'info']);
const ACTIONS = new Set(['trigger', 'acknowledge', 'resolve']);
/** PagerDuty's documented limits: an event under 512 KB, summary 1,024 characters, dedup_key 255. */
export const PAGERDUTY_DOCUMENTED_LIMITS = { eventBytes: 512 * 1024, summary: 1024, dedupKey: 255, routingKey: 32 } as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isHttpsUrl = (v: unknown): boolean => {
  try {
    return typeof v === 'string' && new URL(v).protocol === 'https:';
  } catch {
    return false;
  }
};
const isHttpUrl = (v: unknown): boolean => {
  try {
    return typeof v === 'string' && /^https?:$/.test(new URL(v).protocol);
  } catch {
    return false;
  }
};

/** Why PagerDuty would refuse this alert event (its `errors`), or undefined when it would accept it. */
export function pagerDutyEventError(event: unknown): string | undefined {
  if (!isObject(event)) return 'Event object format is unrecognized';
  const key = event['routing_key'];
  if (typeof key !== 'string' || key === '') return "'routing_key' is missing or blank";
  if (key.length !== PAGERDUTY_DOCUMENTED_LIMITS.routingKey) return "Length of 'routing_key' is incorrect (should be 32 characters)";
  const action = event['event_action'];
  if (typeof action !== 'string' || !ACTIONS.has(action))
    return "'event_action' is invalid (must be one of the following: 'trigger', 'acknowledge' or 'resolve')";
  const dedup = event['dedup_key'];
  if (dedup !== undefined && (typeof dedup !== 'string' || dedup.length > PAGERDUTY_DOCUMENTED_LIMITS.dedupKey))
    return "'dedup_key' is too long (maximum is 255 characters)";
  if (action !== 'trigger') return typeof dedup === 'string' && dedup !== '' ? undefined : "'dedup_key' is missing or blank";
  const payload = event['payload'];
  if (!isObject(payload)) return "'payload' is missing or invalid";
  if (typeof payload['summary'] !== 'string' || payload['summary'].trim() === '') return "'payload.summary' is missing or blank";
  if (payload['summary'].length > PAGERDUTY_DOCUMENTED_LIMITS.summary) return "'payload.summary' is too long (maximum is 1024 characters)";
  if (typeof payload['source'] !== 'string' || payload['source'].trim() === '') return "'payload.source' is missing or blank";
  if (typeof payload['severity'] !== 'string' || !SEVERITIES.has(payload['severity']))
    return "'payload.severity' is invalid (must be one of the following: 'critical', 'warning', 'error' or 'info')";
  if (payload['timestamp'] !== undefined && Number.isNaN(Date.parse(String(payload['timestamp'])))) return "'payload.timestamp' is invalid";
  if (payload['custom_details'] !== undefined && !isObject(payload['custom_details'])) return "'payload.custom_details' must be an object";
  for (const link of (event['links'] ?? []) as unknown[]) if (!isObject(link) || !isHttpUrl(link['href'])) return "'links' entries need an http(s) 'href'";
  // Images are fetched by PagerDuty's pages: "This image must be served via HTTPS."
  for (const image of (event['images'] ?? []) as unknown[]) if (!isObject(image) || !isHttpsUrl(image['src'])) return "'images' entries need an HTTPS 'src'";
  return undefined;
}

/** Why PagerDuty would refuse this change event, or undefined. */
export function changeEventError(event: unknown): string | undefined {
  if (!isObject(event)) return 'Event object format is unrecognized';
  const key = event['routing_key'];
  if (typeof key !== 'string' || key.length !== PAGERDUTY_DOCUMENTED_LIMITS.routingKey) return "Length of 'routing_key' is incorrect (should be 32 characters)";
  const payload = event['payload'];
  if (!isObject(payload) || typeof payload['summary'] !== 'string' || payload['summary'].trim() === '') return "'payload.summary' is missing or blank";
  if (payload['summary'].length > PAGERDUTY_DOCUMENTED_LIMITS.summary) return "'payload.summary' is too long (maximum is 1024 characters)";
  return undefined;
}

export interface PagerDutyAlert {
  dedupKey: string;
  status: 'triggered' | 'resolved';
  /** Every trigger that reached this alert (the first opened it, the rest updated it). */
  triggers: Record<string, unknown>[];
}

export interface PagerDutyStandin extends Omit<PeerServer<PagerDutyReplyName>, 'base'> {
  /** The events endpoint (`…/v2/enqueue`), as PAGERDUTY_URL. */
  url: string;
  routingKey: string;
  /** Every alert PagerDuty would show, in the order they opened. */
  alerts: PagerDutyAlert[];
  changes: Record<string, unknown>[];
  /** Every accepted event, in order. */
  events: Record<string, unknown>[];
}

export async function startPagerDutyStandin(options: { routingKey?: string } = {}): Promise<PagerDutyStandin> {
  const routingKey = options.routingKey ?? 'R0UT1NGKEY000000000000000STANDIN';
  const alerts: PagerDutyAlert[] = [];
  const changes: Record<string, unknown>[] = [];
  const events: Record<string, unknown>[] = [];

  const handle = (req: IncomingMessage, raw: Buffer, send: Answer, scripted: PagerDutyReplyName | undefined): void => {
    const answer = (name: PagerDutyReplyName, ctx: { dedupKey?: string; errors?: string[] } = {}): void => {
      const row: StandinReply = PAGERDUTY_REPLIES[name];
      send(row.status, row.headers, row.body({ errors: [], ...ctx }));
    };
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (scripted !== undefined) return answer(scripted);
    if (req.method !== 'POST' || (path !== '/v2/enqueue' && path !== '/v2/change/enqueue'))
      return send(404, JSON_TYPE, JSON.stringify({ status: 'Not Found', message: 'Not Found' }));
    if (raw.length > PAGERDUTY_DOCUMENTED_LIMITS.eventBytes) return answer('invalidEvent', { errors: ['Event object is too large (maximum is 512 KB)'] });
    let event: unknown;
    try {
      event = JSON.parse(raw.toString('utf8'));
    } catch {
      return answer('unparsable');
    }
    if (path === '/v2/change/enqueue') {
      const error = changeEventError(event);
      if (error !== undefined) return answer('invalidEvent', { errors: [error] });
      changes.push(event as Record<string, unknown>);
      return answer('changeAccepted');
    }
    const error = pagerDutyEventError(event);
    if (error !== undefined) return answer('invalidEvent', { errors: [error] });
    const e = event as Record<string, unknown>;
    events.push(e);
    // A trigger without dedup_key gets one of PagerDuty's making.
    const dedupKey = typeof e['dedup_key'] === 'string' ? e['dedup_key'] : `standin-${events.length}`;
    const open = alerts.find((a) => a.dedupKey === dedupKey && a.status === 'triggered');
    if (e['event_action'] === 'trigger') {
      if (open === undefined) alerts.push({ dedupKey, status: 'triggered', triggers: [e] });
      else open.triggers.push(e);
    } else if (e['event_action'] === 'resolve' && open !== undefined) open.status = 'resolved';
    // A resolve or acknowledge for no open alert is accepted and does nothing, as PagerDuty does.
    return answer('accepted', { dedupKey });
  };

  const { base, ...server } = await startPeerServer<PagerDutyReplyName>(handle);
  return { ...server, url: `${base}/v2/enqueue`, routingKey, alerts, changes, events };
}
