/**
 * Delivery of one Alertmanager webhook request's diagnoses to every routed sink, exactly once per
 * sink as far as this process can know: sinks run in parallel, messages within a sink in order;
 * transient failures are retried within the request's budget; what a sink accepted (or refused for
 * good) is remembered, so Alertmanager's resend of the whole group only sends what is missing.
 */
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { DiagnosisDocument } from '../diagnosis/document.ts';
import type { Metrics } from '../metrics.ts';
import { createDeliveryLedger, type DeliveryKey, deliveryKeyString } from './delivery-ledger.ts';
import { planDelivery } from './plan.ts';
import { classifyFailure, decideRetry, defaultRetryPolicy, type RetryPolicy } from './retry-policy.ts';
import type { Sink, SinkDeps } from './sink.ts';
import { createSink } from './sinks/index.ts';

export interface DeliveryBatch {
  groupKey: string;
  receiver: string;
  externalURL: string;
  documents: DiagnosisDocument[];
}

export interface DeliveryFailure {
  sink: string;
  fingerprint: string;
  reason: string;
}

/**
 * 'delivered': every routed sink has every message, or refused it for good (`permanentFailures`,
 * which a resend cannot fix). 'retry-later': answer 5xx so Alertmanager resends the group.
 */
export type DeliveryOutcome =
  | { kind: 'delivered'; permanentFailures: DeliveryFailure[] }
  | { kind: 'retry-later'; failures: DeliveryFailure[]; permanentFailures: DeliveryFailure[] };

export interface Notifier {
  /** One Alertmanager webhook request's worth of diagnoses. Resolves when every routed sink accepted every message, or the budget ran out. */
  deliver(batch: DeliveryBatch): Promise<DeliveryOutcome>;
  /** Waits for deliveries in progress, then closes the sinks (SMTP connections). */
  close(): Promise<void>;
}

export interface NotifierDeps {
  config: Pick<Config, 'sinks' | 'routes' | 'defaultSinks' | 'delivery'>;
  logger: Logger;
  metrics: Metrics;
  fetch?: typeof fetch;
  /** Milliseconds, like Date.now. */
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
  retryPolicy?: RetryPolicy;
  /** Jitter source, [0, 1). */
  random?: () => number;
  /** Where the console sink writes; standard output by default. */
  stdout?: SinkDeps['stdout'];
  /** Bounds of the in-memory delivery ledger. */
  ledger?: { ttlMs?: number; maxEntries?: number };
}

type MessageResult = { kind: 'sent' | 'duplicate' } | { kind: 'retry-later' | 'permanent'; reason: string };

export function createNotifier(deps: NotifierDeps): Notifier {
  const { config, logger, metrics } = deps;
  const clock = deps.clock ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const policy = deps.retryPolicy ?? defaultRetryPolicy;
  const random = deps.random ?? Math.random;
  const ledger = createDeliveryLedger({ clock, ttlMs: config.delivery.dedupeWindowMs, ...deps.ledger });
  const inFlight = new Map<string, Promise<MessageResult>>();
  const active = new Set<Promise<DeliveryOutcome>>();
  const sinks = new Map<string, Sink>();
  for (const [name, spec] of Object.entries(config.sinks)) {
    sinks.set(
      name,
      createSink(spec, {
        fetch: deps.fetch ?? globalThis.fetch,
        clock,
        logger: logger.child({ sink: name }),
        timeoutMs: config.delivery.sinkTimeoutMs,
        stdout: deps.stdout ?? process.stdout,
      }),
    );
  }

  /** Attempts one message until it is accepted, refused for good, or the budget says stop. */
  async function attempt(name: string, sink: Sink, doc: DiagnosisDocument, key: DeliveryKey, batch: DeliveryBatch, deadline: number): Promise<MessageResult> {
    for (let n = 1; ; n++) {
      const remaining = deadline - clock();
      if (remaining <= 0) return { kind: 'retry-later', reason: 'delivery budget spent before the attempt' };
      try {
        await sink.send(doc, {
          groupKey: batch.groupKey,
          receiver: batch.receiver,
          externalURL: batch.externalURL,
          idempotencyKey: deliveryKeyString(key),
          signal: AbortSignal.timeout(Math.max(1, Math.min(config.delivery.sinkTimeoutMs, remaining))),
        });
        return { kind: 'sent' };
      } catch (err) {
        const decision = decideRetry({ failure: classifyFailure(err), attempt: n, remainingMs: deadline - clock(), policy, random });
        if (decision.kind !== 'retry') return decision;
        logger.warn(
          { sink: name, fingerprint: doc.alert.fingerprint, attempt: n, delayMs: decision.delayMs, reason: classifyFailure(err).reason },
          'sink failed; retrying',
        );
        await sleep(decision.delayMs);
      }
    }
  }

  async function deliverOne(name: string, doc: DiagnosisDocument, batch: DeliveryBatch, deadline: number): Promise<MessageResult> {
    const sink = sinks.get(name);
    if (sink === undefined) return { kind: 'permanent', reason: `no sink named "${name}"` };
    const key: DeliveryKey = { sink: name, groupKey: batch.groupKey, fingerprint: doc.alert.fingerprint, status: doc.status, startsAt: doc.alert.startsAt };
    if (ledger.get(key) !== undefined) return { kind: 'duplicate' };
    const k = deliveryKeyString(key);
    // A concurrent request for the same message (Alertmanager HA peers, an early resend) waits for ours.
    const running = inFlight.get(k);
    if (running !== undefined) {
      const r = await running;
      return r.kind === 'retry-later' ? r : { kind: 'duplicate' };
    }
    const work = attempt(name, sink, doc, key, batch, deadline).then((r) => {
      if (r.kind === 'sent') ledger.record(key, 'sent');
      if (r.kind === 'permanent') ledger.record(key, 'failed-permanently');
      return r;
    });
    inFlight.set(k, work);
    try {
      return await work;
    } finally {
      inFlight.delete(k);
    }
  }

  async function runQueue(
    name: string,
    docs: DiagnosisDocument[],
    batch: DeliveryBatch,
    deadline: number,
  ): Promise<{ doc: DiagnosisDocument; result: MessageResult }[]> {
    const out: { doc: DiagnosisDocument; result: MessageResult }[] = [];
    let blocked: string | undefined;
    for (const doc of docs) {
      // In order: once a message must wait for Alertmanager's resend, the ones after it wait too.
      const result: MessageResult =
        blocked === undefined ? await deliverOne(name, doc, batch, deadline) : { kind: 'retry-later', reason: `not attempted: ${blocked}` };
      if (result.kind === 'retry-later' && blocked === undefined) blocked = 'an earlier message to this sink failed';
      out.push({ doc, result });
      report(name, doc, result);
    }
    return out;
  }

  function report(sink: string, doc: DiagnosisDocument, result: MessageResult): void {
    const fields = { sink, fingerprint: doc.alert.fingerprint, status: doc.status, alertname: doc.alert.name };
    switch (result.kind) {
      case 'sent':
        metrics.deliveries.inc({ sink, outcome: 'sent' });
        logger.info(fields, 'delivered');
        return;
      case 'duplicate':
        metrics.deliveries.inc({ sink, outcome: 'duplicate' });
        logger.debug(fields, 'already delivered; not sent again');
        return;
      case 'retry-later':
        metrics.deliveries.inc({ sink, outcome: 'retryable_failure' });
        logger.warn({ ...fields, reason: result.reason }, 'not delivered; Alertmanager will resend');
        return;
      case 'permanent':
        metrics.deliveries.inc({ sink, outcome: 'permanent_failure' });
        logger.error({ ...fields, reason: result.reason }, 'DELIVERY FAILED PERMANENTLY: this sink will not get this alert; fix the sink configuration');
        return;
      default: {
        const never: never = result;
        throw new Error(`unexpected result ${JSON.stringify(never)}`);
      }
    }
  }

  async function run(batch: DeliveryBatch): Promise<DeliveryOutcome> {
    const deadline = clock() + config.delivery.budgetMs;
    const plan = planDelivery(batch.documents, config);
    const perSink = await Promise.all([...plan].map(async ([name, docs]) => ({ name, results: await runQueue(name, docs, batch, deadline) })));
    const failures: DeliveryFailure[] = [];
    const permanentFailures: DeliveryFailure[] = [];
    for (const { name, results } of perSink) {
      for (const { doc, result } of results) {
        if (result.kind === 'retry-later') failures.push({ sink: name, fingerprint: doc.alert.fingerprint, reason: result.reason });
        if (result.kind === 'permanent') permanentFailures.push({ sink: name, fingerprint: doc.alert.fingerprint, reason: result.reason });
      }
    }
    return failures.length > 0 ? { kind: 'retry-later', failures, permanentFailures } : { kind: 'delivered', permanentFailures };
  }

  return {
    deliver(batch) {
      const p = run(batch);
      active.add(p);
      void p.finally(() => active.delete(p)).catch(() => undefined);
      return p;
    },
    async close() {
      await Promise.allSettled([...active]);
      await Promise.allSettled([...sinks.values()].map((s) => s.close()));
    },
  };
}
