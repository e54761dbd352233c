/**
 * Alertmanager's side of the webhook: POST one notification to /alerts with the bearer token, and
 * say in a few words why it was not accepted (the service answers 503 with the sinks that failed).
 */
import type { WebhookPayload } from '../src/alertmanager/payload.ts';

/** Alertmanager's HTTP timeout for a webhook is at least 10 s; the service answers within its 8 s budget. */
const REQUEST_TIMEOUT_MS = 15_000;

/** Undefined when the service answered 2xx; otherwise the reason, short enough for a table cell. */
export async function sendAlert(serviceUrl: string, token: string, payload: WebhookPayload): Promise<string | undefined> {
  try {
    const res = await fetch(`${serviceUrl}/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'user-agent': 'Alertmanager/0.28.1 (crashtriage demo)' },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await res.text();
    return res.ok ? undefined : `HTTP ${res.status}${failedSinks(text)}`;
  } catch (err) {
    return `request failed: ${(err as Error).message}`;
  }
}

/** ` (slack: HTTP 404)` from a 503 body `{ failures: [{ sink, reason }] }`; empty when there is none. */
function failedSinks(body: string): string {
  try {
    const parsed = JSON.parse(body) as { failures?: { sink?: unknown; reason?: unknown }[]; message?: unknown };
    const failures = (parsed.failures ?? []).map((f) => `${String(f.sink)}: ${String(f.reason)}`);
    if (failures.length > 0) return ` (${[...new Set(failures)].join('; ')})`;
    return typeof parsed.message === 'string' ? ` (${parsed.message})` : '';
  } catch {
    return '';
  }
}
