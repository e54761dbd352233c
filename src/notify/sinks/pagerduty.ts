/**
 * PagerDuty Events API v2 (sink type 'pagerduty'): one alert per incident (pagerduty-events.ts
 * decides trigger, resolve or nothing, and builds the events). The rollout that began the incident
 * goes once as a Change Event when `changeEvents` is set. PagerDuty answers 202 with
 * `{status: "success"}`; 400 is final (the self-monitoring alert CrashtriageDeliveryRefused fires on
 * it); 429 and 5xx are retried. A 429 names no Retry-After, and PagerDuty asks to back off "some time":
 * a minute, which is past any request's budget, so the message waits for Alertmanager's resend.
 * The routing key is a credential: no error or log line carries it.
 */
import { Type } from '@sinclair/typebox';
import { isHttpUrl, nonEmpty } from '../../config/env-values.ts';
import { SinkBadResponseError, SinkHttpError, SinkOutcomeUnknownError } from '../errors.ts';
import {
  changeEvent,
  changeEventsUrl,
  PAGERDUTY_EVENTS_URL,
  PAGERDUTY_SEVERITIES,
  type PagerDutySeverity,
  pagerDutyAction,
  resolveEvent,
  triggerEvent,
} from '../pagerduty-events.ts';
import { parseRetryAfter } from '../retry-policy.ts';
import type { SendContext, Sink, SinkDeps } from '../sink.ts';
import { processMemory } from '../sink-memory.ts';
import { postJson, unlessMaybeSent } from './http-post.ts';
import { sinkType } from './sink-type.ts';

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
      let lost: SinkOutcomeUnknownError | undefined;
      if (spec.changeEvents === true && doc.status === 'firing' && doc.incident?.change !== undefined) {
        const key = `${doc.incident.id}\n${doc.incident.change.revision}`;
        const change = changeEvent(doc, options);
        if (change !== undefined && (await memory.get(key)) === undefined) {
          // A change event has no dedup_key (developer.pagerduty.com/docs/send-change-events-to-pagerduty):
          // one sent twice shows twice in the timeline, so one whose answer was lost counts as sent,
          // and the alert event still goes.
          lost = await post(changeEventsUrl(url), change, ctx).then(
            () => undefined,
            (err: unknown) => {
              const maybe = unlessMaybeSent(err, 'PagerDuty (change event)');
              if (!(maybe instanceof SinkOutcomeUnknownError)) throw maybe;
              return maybe;
            },
          );
          await memory.set(key, true);
        }
      }
      const action = pagerDutyAction(doc);
      if (action === 'none') {
        deps.logger.debug({ fingerprint: doc.alert.fingerprint, status: doc.status, news: doc.incident?.news }, 'nothing to send to PagerDuty for this alert');
      } else {
        // Alert events are retried even when the answer was lost: PagerDuty folds every event with
        // the same dedup_key into the one open alert ("Alert De-duplication",
        // developer.pagerduty.com/docs/events-api-v2-overview), so a repeat neither opens a second
        // alert nor pages again, and a repeated resolve of a resolved alert does nothing.
        await post(url, action === 'trigger' ? triggerEvent(doc, options) : resolveEvent(doc, options), ctx);
      }
      if (lost !== undefined) throw lost;
    },
    async close() {},
  };
}

const Severity = Type.Union(PAGERDUTY_SEVERITIES.map((s) => Type.Literal(s)));

/** `PAGERDUTY_SEVERITY_MAP=sev1=critical,sev2=error`: Alertmanager severity values onto PagerDuty's. */
function severityMapFromEnv(value: string | undefined, errors: string[]): Record<string, PagerDutySeverity> | undefined {
  if (nonEmpty(value) === undefined) return undefined;
  const map: Record<string, PagerDutySeverity> = {};
  for (const pair of (value ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')) {
    const [from, to] = pair.split('=').map((s) => s.trim().toLowerCase());
    if (from === undefined || from === '' || !(PAGERDUTY_SEVERITIES as readonly string[]).includes(to ?? '')) {
      errors.push(`PAGERDUTY_SEVERITY_MAP: "${pair}" is not label=severity with severity one of ${PAGERDUTY_SEVERITIES.join(', ')}`);
      return undefined;
    }
    map[from] = to as PagerDutySeverity;
  }
  return map;
}

/**
 * `type: pagerduty`, or `PAGERDUTY_ROUTING_KEY` (the sink named `pagerduty`) with the optional
 * `PAGERDUTY_URL`, `PAGERDUTY_SEVERITY_MAP` and `PAGERDUTY_CHANGE_EVENTS=true`. The routing key is
 * the credential.
 */
export const pagerDutySinkType = sinkType({
  type: 'pagerduty',
  schema: Type.Object(
    {
      type: Type.Literal('pagerduty'),
      routingKey: Type.String({ minLength: 1 }),
      url: Type.Optional(Type.String({ format: 'uri', pattern: '^https?://' })),
      severityMap: Type.Optional(Type.Record(Type.String({ minLength: 1 }), Severity)),
      changeEvents: Type.Optional(Type.Boolean()),
    },
    { additionalProperties: false },
  ),
  fromEnv: {
    name: 'pagerduty',
    read(env, errors) {
      const routingKey = nonEmpty(env['PAGERDUTY_ROUTING_KEY']);
      const url = nonEmpty(env['PAGERDUTY_URL']);
      if (routingKey === undefined) {
        if (url !== undefined) errors.push('PAGERDUTY_ROUTING_KEY: required when PAGERDUTY_URL is set');
        return undefined;
      }
      if (url !== undefined && !isHttpUrl(url)) {
        errors.push('PAGERDUTY_URL: not an http(s) URL');
        return undefined;
      }
      const severityMap = severityMapFromEnv(env['PAGERDUTY_SEVERITY_MAP'], errors);
      return {
        type: 'pagerduty' as const,
        routingKey,
        ...(url === undefined ? {} : { url }),
        ...(severityMap === undefined ? {} : { severityMap }),
        ...(env['PAGERDUTY_CHANGE_EVENTS'] === 'true' ? { changeEvents: true } : {}),
      };
    },
  },
  secretFields: ['routingKey'],
  // It updates its one alert per incident by dedup_key, and decides per document what to send.
  everyDocument: true,
  create: createPagerDutySink,
});
