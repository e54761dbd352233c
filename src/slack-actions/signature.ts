/**
 * Slack's request signature (docs.slack.dev/authentication/verifying-requests-from-slack): Slack
 * sends `X-Slack-Request-Timestamp` and `X-Slack-Signature: v0=<hex>`, the HMAC-SHA256 of
 * `v0:<timestamp>:<raw body>` keyed with the app's signing secret. The body must be the bytes as they
 * arrived (a re-serialised form would not match), the comparison takes constant time, and a
 * timestamp more than five minutes from our clock is refused, so that a captured request cannot be
 * replayed later; within those five minutes, the replay guard (replay-guard.ts) refuses it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Slack's own bound: "more than five minutes from local time" is refused. */
export const SIGNATURE_WINDOW_MS = 5 * 60_000;

export type SignatureVerdict = { ok: true } | { ok: false; reason: 'missing-headers' | 'stale-timestamp' | 'bad-signature' };

export interface SignedRequest {
  timestamp: string | undefined;
  signature: string | undefined;
  rawBody: Buffer | string;
}

/** The `X-Slack-Signature` value Slack would send for this body at this timestamp. */
export function slackSignature(secret: string, timestamp: string, rawBody: Buffer | string): string {
  const mac = createHmac('sha256', secret);
  mac.update(`v0:${timestamp}:`);
  mac.update(rawBody);
  return `v0=${mac.digest('hex')}`;
}

export function verifySlackSignature(secret: string, request: SignedRequest, now: number): SignatureVerdict {
  const { timestamp, signature } = request;
  if (timestamp === undefined || signature === undefined || !/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'missing-headers' };
  if (Math.abs(now - Number(timestamp) * 1000) > SIGNATURE_WINDOW_MS) return { ok: false, reason: 'stale-timestamp' };
  const expected = Buffer.from(slackSignature(secret, timestamp, request.rawBody));
  const presented = Buffer.from(signature);
  // timingSafeEqual needs equal lengths; compare against ourselves on a length mismatch so that the
  // refusal costs the same either way.
  const same = presented.length === expected.length ? timingSafeEqual(presented, expected) : !timingSafeEqual(expected, expected);
  return same ? { ok: true } : { ok: false, reason: 'bad-signature' };
}
