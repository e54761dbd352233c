/**
 * PagerDuty Events API v2 (sink type 'pagerduty'): one alert per incident (pagerduty-events.ts
 * decides trigger, resolve or nothing, and builds the events). The rollout that began the incident
 * goes once as a Change Event when `changeEvents` is set. PagerDuty answers 202 with
 * `{status: "success"}`; 400 is final (the self-monitoring alert CrashtriageDeliveryRefused fires on
 * it); 429 and 5xx are retried. A 429 names no Retry-After, and PagerDuty asks to back off "some time":
 * a minute, which is past any request's budget, so the message waits for Alertmanager's resend.
 * The routing key is a credential: no error or log line carries it.
 */
import { SinkBadResponseError, SinkHttpError } from '../errors.ts';
import {
  changeEvent,
  changeEventsUrl,
  PAGERDUTY_EVENTS_URL,
  type PagerDutySeverity,
  pagerDutyAction,
  resolveEvent,
  triggerEvent,
} from '../pagerduty-events.ts';
import { parseRetryAfter } from '../retry-policy.ts';
import type { SendContext, Sink, SinkDeps } from '../sink.ts';
import { processMemory } from '../sink-memory.ts';
import { postJson } from './http-post.ts';

export interface PagerDutySinkSpec {
  routingKey: string;
  /** The events endpoint; PagerDuty's by default. */
  url?: string;
  /** Alertmanager `severity` value → PagerDuty severity, over the defaults. */
  severityMap?: Record<string, PagerDutySeverity>;
  /** Send the rollout that began an incident as a Change Event. */
  changeEvents?: boolean;
}

/** How long PagerDuty's unspecified "retry after some time" is taken to be. */
export const THROTTLED_BACKOFF_MS = 60_000;

/** PagerDuty's `errors` words about the event (never the key: PagerDuty does not echo it), cut short. */
function pagerDutyErrors(body: string): string | undefined {
  try {
    const errors = (JSON.parse(body) as { errors?: unknown } | null)?.errors;
    if (!Array.isArray(errors)) return undefined;
    const words = errors.filter((e): e is string => typeof e === 'string' && /^[\w .,'()/:-]{1,200}$/.test(e));
    return words.length === 0 ? undefined : words.slice(0, 3).join('; ');
  } catch {
    return undefined;
  }
}

export function createPagerDutySink(spec: PagerDutySinkSpec, deps: SinkDeps): Sink {
  const url = spec.url ?? PAGERDUTY_EVENTS_URL;
  const severityMap = spec.severityMap;
  const memory = (deps.memory ?? processMemory)<true>('pagerduty-changes', { clock: deps.clock, ttlMs: 7 * 24 * 3600 * 1000, maxEntries: 5000 });

  const post = async (target: string, event: object, ctx: SendContext): Promise<void> => {
    const answer = await postJson(deps.fetch, target, event, { signal: ctx.signal });
    if (answer.status >= 200 && answer.status < 300) {
      let status: unknown;
      try {
        status = (JSON.parse(answer.body) as { status?: unknown } | null)?.status;
      } catch {
        status = undefined;
      }
      // A 2xx that is not PagerDuty's answer (a proxy's page) says nothing about the event: retried.
      if (status !== 'success') throw new SinkBadResponseError("2xx without PagerDuty's {status: success}", { statusCode: answer.status });
      return;
    }
    const retryAfterMs = parseRetryAfter(answer.headers.get('retry-after'), deps.clock()) ?? (answer.status === 429 ? THROTTLED_BACKOFF_MS : undefined);
    const why = answer.status === 400 ? pagerDutyErrors(answer.body) : undefined;
    throw new SinkHttpError(`HTTP ${answer.status} from PagerDuty${why === undefined ? '' : `: ${why}`}`, {
      statusCode: answer.status,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  };

  return {
    async send(doc, ctx) {
      const options = { routingKey: spec.routingKey, externalURL: ctx.externalURL, ...(severityMap === undefined ? {} : { severityMap }) };
      if (spec.changeEvents === true && doc.status === 'firing' && doc.incident?.change !== undefined) {
        const key = `${doc.incident.id}\n${doc.incident.change.revision}`;
        const change = changeEvent(doc, options);
        if (change !== undefined && (await memory.get(key)) === undefined) {
          await post(changeEventsUrl(url), change, ctx);
          await memory.set(key, true);
        }
      }
      const action = pagerDutyAction(doc);
      if (action === 'none') {
        deps.logger.debug({ fingerprint: doc.alert.fingerprint, status: doc.status, news: doc.incident?.news }, 'nothing to send to PagerDuty for this alert');
        return;
      }
      await post(url, action === 'trigger' ? triggerEvent(doc, options) : resolveEvent(doc, options), ctx);
    },
    async close() {},
  };
}
