/**
 * Alertmanager resends a whole group when any alert in it was not delivered, or when its request ran
 * past the deadline and was answered 503 while delivery went on. The alerts of that resend already
 * delivered, or still being delivered by the first request, need nothing from the cluster: this
 * wrapper answers for them without calling the pipeline, so such a resend costs no Kubernetes API
 * call and posts nothing. The sinks' delivery ledger stays what guarantees no message is sent twice
 * (across replicas and restarts too); this memo, one process's and bounded, saves the reads.
 * What it does not know (the resend reached the other replica, or this one restarted) it may ask the
 * shared ledger (`everySinkHas`, src/notify/ledger-lookup.ts): an alert every routed sink already
 * has is answered without reading either; any other is read as ever.
 *
 * An alert is known by group, fingerprint, status and startsAt, as the ledger knows its messages.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { WebhookAlert, WebhookPayload } from './alertmanager/payload.ts';
import { raceDeadline } from './deadline.ts';
import type { EverySinkHas } from './notify/ledger-lookup.ts';
import type { AlertPipeline, PipelineOutcome, ProcessOptions } from './pipeline/ports.ts';

/** Of the time left to the request's deadline, the most the ledger lookup may take before the alerts are read anyway. */
export const LOOKUP_SHARE = 0.1;

export interface ResendMemoOptions {
  clock?: () => number;
  /** How long a delivered alert is remembered: the delivery ledger's window (delivery.dedupeWindowMs). */
  ttlMs: number;
  /** At most this many remembered alerts; the oldest go first. About 150 bytes each. */
  maxEntries?: number;
  /** The shared delivery ledger's word on alerts this memo does not know (with STATE_STORE=kubernetes). */
  everySinkHas?: EverySinkHas;
}

type Failure = Extract<PipelineOutcome, { kind: 'retry-later' }>['failures'][number];

export function withResendMemo(inner: AlertPipeline, options: ResendMemoOptions): AlertPipeline {
  const clock = options.clock ?? Date.now;
  const maxEntries = options.maxEntries ?? 20_000;
  /** Delivered alerts and when they were delivered, oldest first. */
  const delivered = new Map<string, number>();
  /** Alerts a request is delivering now: settles true when it delivered them. */
  const inFlight = new Map<string, Promise<boolean>>();

  const keyOf = (groupKey: string, a: WebhookAlert): string => JSON.stringify([groupKey, a.fingerprint, a.status, a.startsAt]);
  const isDelivered = (key: string): boolean => {
    const at = delivered.get(key);
    if (at === undefined) return false;
    if (clock() - at < options.ttlMs) return true;
    delivered.delete(key);
    return false;
  };
  const remember = (key: string): void => {
    delivered.delete(key);
    delivered.set(key, clock());
    while (delivered.size > maxEntries) delivered.delete(delivered.keys().next().value as string);
  };

  /** The alerts every routed sink has by the shared ledger's word, asked within a share of the time left. */
  const inLedger = async (alerts: readonly WebhookAlert[], groupKey: string, deadline: number | undefined): Promise<ReadonlySet<WebhookAlert>> => {
    if (alerts.length === 0 || options.everySinkHas === undefined) return new Set();
    const now = clock();
    return options.everySinkHas(groupKey, alerts, deadline === undefined ? undefined : now + (deadline - now) * LOOKUP_SHARE);
  };

  return {
    async process(payload: WebhookPayload, log: FastifyBaseLogger, processOptions: ProcessOptions = {}): Promise<PipelineOutcome> {
      const keys = payload.alerts.map((a) => keyOf(payload.groupKey, a));
      const earlier = new Map<string, Promise<boolean>>();
      const fresh: { alert: WebhookAlert; key: string }[] = [];
      for (const [i, alert] of payload.alerts.entries()) {
        const key = keys[i] ?? '';
        const work = inFlight.get(key);
        if (work !== undefined) earlier.set(key, work);
        else if (!isDelivered(key) && !fresh.some((f) => f.key === key)) fresh.push({ alert, key });
      }
      // Claimed before any await, so that a resend arriving a moment later waits for this delivery.
      let settle: (failed: ReadonlySet<string>) => void = () => undefined;
      const done = new Promise<ReadonlySet<string>>((resolve) => {
        settle = resolve;
      });
      const mine = fresh.map(({ alert, key }) => {
        const work = done.then((failed) => !failed.has(alert.fingerprint));
        inFlight.set(key, work);
        return work;
      });

      // A resend of alerts still in flight waits for that delivery (within this request's deadline) instead of reading again.
      const pending: Failure[] = [];
      const waits = Promise.all(
        payload.alerts.map(async (alert, i) => {
          const work = earlier.get(keys[i] ?? '');
          if (work === undefined) return;
          const raced =
            processOptions.deadline === undefined ? ({ kind: 'done', value: await work } as const) : await raceDeadline(work, processOptions.deadline, clock);
          if (raced.kind === 'late') pending.push({ sink: '*', fingerprint: alert.fingerprint, reason: 'still being delivered by an earlier request' });
          else if (!raced.value) pending.push({ sink: '*', fingerprint: alert.fingerprint, reason: 'an earlier request could not deliver it' });
        }),
      );
      let outcome: PipelineOutcome = { kind: 'delivered', alerts: 0 };
      let failed: ReadonlySet<string> = new Set(fresh.map((f) => f.alert.fingerprint));
      let fromLedger = 0;
      try {
        const known = await inLedger(
          fresh.map((f) => f.alert),
          payload.groupKey,
          processOptions.deadline,
        );
        fromLedger = known.size;
        const toRead = fresh.filter((f) => !known.has(f.alert));
        for (const { alert, key } of fresh) if (known.has(alert)) remember(key);
        failed = new Set(toRead.map((f) => f.alert.fingerprint));
        if (toRead.length > 0) {
          outcome = await inner.process({ ...payload, alerts: toRead.map((f) => f.alert) }, log, processOptions);
          failed = new Set(outcome.kind === 'delivered' ? [] : outcome.failures.map((f) => f.fingerprint));
          for (const { alert, key } of toRead) if (!failed.has(alert.fingerprint)) remember(key);
        }
      } finally {
        settle(failed);
        for (const [i, { key }] of fresh.entries()) if (inFlight.get(key) === mine[i]) inFlight.delete(key);
      }

      await waits;
      const skipped = payload.alerts.length - fresh.length;
      if (skipped > 0)
        log.info({ groupKey: payload.groupKey, alerts: skipped, waited: earlier.size }, 'resend: alerts delivered or in delivery are not read again');
      if (fromLedger > 0)
        log.info({ groupKey: payload.groupKey, alerts: fromLedger }, 'resend: alerts every routed sink has in the shared delivery ledger are not read again');
      const failures = [...(outcome.kind === 'retry-later' ? outcome.failures : []), ...pending];
      return failures.length === 0 ? { kind: 'delivered', alerts: payload.alerts.length } : { kind: 'retry-later', alerts: payload.alerts.length, failures };
    },
  };
}
