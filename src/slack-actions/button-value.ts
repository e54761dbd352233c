/**
 * The value the first message's buttons carry: which incident they act on, signed with a key of the
 * service. Slack's signature proves a click came through Slack, not that the button was ours as we
 * posted it; the value's own MAC does, so an edited or made-up value is refused even when Slack
 * signed the request. The key is derived from the bot token (shared by the replicas, secret, and
 * needed for the buttons anyway): rotating the token invalidates old buttons, which then answer
 * "expired" instead of acting.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a button needs to find its incident: the incident's key parts and its id (an old incident's button must not act on a new one). */
export interface IncidentTicket {
  /** The incident id (IncidentRef.id). */
  id: string;
  cluster?: string;
  namespace: string;
  workload: { kind: string; name: string };
}

/** Slack's limit for a button's `value` (docs.slack.dev/reference/block-kit/block-elements/button-element). */
export const BUTTON_VALUE_MAX = 2000;

const VERSION = 'v1';

export function buttonKey(botToken: string): Buffer {
  return createHmac('sha256', botToken).update('crashtriage slack button value v1').digest();
}

const mac = (key: Buffer, body: string): string => createHmac('sha256', key).update(body).digest('base64url');

export function signTicket(key: Buffer, ticket: IncidentTicket): string {
  const parts: (string | undefined)[] = [ticket.id, ticket.cluster, ticket.namespace, ticket.workload.kind, ticket.workload.name];
  const body = Buffer.from(JSON.stringify(parts)).toString('base64url');
  const value = `${VERSION}.${body}.${mac(key, `${VERSION}.${body}`)}`;
  if (value.length > BUTTON_VALUE_MAX) throw new Error(`button value of ${value.length} characters exceeds Slack's ${BUTTON_VALUE_MAX}`);
  return value;
}

/** The ticket in a value we signed, or undefined for anything else (edited, made up, another key). */
export function readTicket(key: Buffer, value: string): IncidentTicket | undefined {
  const [version, body, tag, ...rest] = value.split('.');
  if (version !== VERSION || body === undefined || tag === undefined || rest.length > 0) return undefined;
  const expected = Buffer.from(mac(key, `${version}.${body}`));
  const presented = Buffer.from(tag);
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return undefined;
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parts) || parts.length !== 5) return undefined;
  const [id, cluster, namespace, kind, name] = parts as unknown[];
  if (typeof id !== 'string' || typeof namespace !== 'string' || typeof kind !== 'string' || typeof name !== 'string') return undefined;
  if (cluster !== null && typeof cluster !== 'string') return undefined;
  return { id, ...(typeof cluster === 'string' ? { cluster } : {}), namespace, workload: { kind, name } };
}
