/**
 * Delivery of one Alertmanager webhook request's diagnoses to every routed sink, exactly once per
 * sink as far as the delivery ledger can know: sinks run in parallel, messages within a sink in order;
 * transient failures are retried within the request's budget; what a sink accepted (or refused for
 * good) is recorded, so Alertmanager's resend of the whole group only sends what is missing.
 * This file is the executor: what to send, what is already done and what to answer are decided by
 * the pure functions of plan.ts.
 */
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import type { DiagnosisDocument } from '../diagnosis/document.ts';
import type { SinkViews } from '../incidents/told.ts';
import type { Metrics } from '../metrics.ts';
import { createDeliveryLedger, type DeliveryLedger, deliveryKeyString, type LedgerEntry } from './delivery-ledger.ts';
import { SinkOutcomeUnknownError } from './errors.ts';
import {
  type DeliveryOutcome,
  deliveryOutcome,
  ledgerOutcome,
  type MessageResult,
  type SinkMessage,
  settledByLedger,
  settledUpfront,
  sinkQueues,
} from './plan.ts';
import { classifyFailure, decideRetry, defaultRetryPolicy, type RetryPolicy } from './retry-policy.ts';
import type { Sink, SinkDeps } from './sink.ts';
import type { SinkMemoryFactory } from './sink-memory.ts';
import { createSink, sinkTypeOf } from './sinks/registry.ts';

export type { DeliveryFailure, DeliveryOutcome } from './plan.ts';

export interface DeliveryBatch {
  groupKey: string;
  receiver: string;
  externalURL: string;
  documents: DiagnosisDocument[];
  /** When the webhook request must be answered (ms since the epoch); retries stop short of it. */
  deadline?: number;
  /** Incident id → what each sink was told of it before this batch (src/incidents/told.ts). */
  told?: ReadonlyMap<string, SinkViews>;
  /** Storm id → the sinks that had its digest's first message before this batch (src/incidents/storm.ts). */
  digestsTold?: ReadonlyMap<string, readonly string[]>;
}

/** Left of a request's deadline for answering it once delivery has stopped trying. */
const ANSWER_MARGIN_MS = 200;

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
  /** What each sink already has; by default this process's memory, kept for `delivery.dedupeWindowMs`. */
  ledger?: DeliveryLedger;
  /** Where each sink remembers what it posted (shared by replicas with STATE_STORE=kubernetes); this process's memory by default. */
  sinkMemory?: (sink: string) => SinkMemoryFactory;
  /** The Slack bot sink that carries the Slack actions' buttons, and how it signs them. */
  slackButtons?: { sink: string; sign: NonNullable<SinkDeps['slackButtons']> };
}

export function createNotifier(deps: NotifierDeps): Notifier {
  const { config, logger, metrics } = deps;
  const clock = deps.clock ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const policy = deps.retryPolicy ?? defaultRetryPolicy;
  const random = deps.random ?? Math.random;
  const ledger = deps.ledger ?? createDeliveryLedger({ clock, ttlMs: config.delivery.dedupeWindowMs });
  const active = new Set<Promise<DeliveryOutcome>>();
  const sinks = new Map<string, Sink>();
  const routes = {
    ...config,
    everyDocument: new Set(Object.entries(config.sinks).flatMap(([name, spec]) => (sinkTypeOf(spec.type).everyDocument ? [name] : []))),
  };
  for (const [name, spec] of Object.entries(config.sinks)) {
    sinks.set(
      name,
      createSink(spec, {
        fetch: deps.fetch ?? globalThis.fetch,
        clock,
        logger: logger.child({ sink: name }),
        timeoutMs: config.delivery.sinkTimeoutMs,
        stdout: deps.stdout ?? process.stdout,
        ...(deps.sinkMemory === undefined ? {} : { memory: deps.sinkMemory(name) }),
        ...(deps.slackButtons?.sink === name ? { slackButtons: deps.slackButtons.sign } : {}),
      }),
    );
  }

  /** Attempts one message until it is accepted, refused for good, or the budget says stop. */
  async function attempt(sink: Sink, { doc, key }: SinkMessage, batch: DeliveryBatch, deadline: number): Promise<MessageResult> {
    for (let n = 1; ; n++) {
      const remaining = deadline - clock();
      // The first attempt too: one cut short could not finish, and its outcome would be unknown.
      if (remaining <= 0 || remaining < policy.minAttemptMs) return { kind: 'retry-later', reason: 'delivery budget spent before the attempt' };
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
        if (err instanceof SinkOutcomeUnknownError) return { kind: 'maybe-sent', reason: err.message };
        const decision = decideRetry({ failure: classifyFailure(err), attempt: n, remainingMs: deadline - clock(), policy, random });
        if (decision.kind !== 'retry') return decision;
        logger.warn(
          { sink: key.sink, fingerprint: doc.alert.fingerprint, attempt: n, delayMs: decision.delayMs, reason: classifyFailure(err).reason },
          'sink failed; retrying',
        );
        await sleep(decision.delayMs);
      }
    }
  }

  /** One message: settled without sending, or claimed, sent and recorded (released when it must wait for the resend). */
  async function deliverOne(message: SinkMessage, batch: DeliveryBatch, deadline: number, earlier: readonly MessageResult[]): Promise<MessageResult> {
    const sink = sinks.get(message.key.sink);
    const upfront = settledUpfront(message, sink !== undefined, earlier);
    if (upfront !== undefined) return upfront;
    if (sink === undefined) throw new Error(`no settlement for a message to the unknown sink "${message.key.sink}"`);
    let entry: LedgerEntry;
    try {
      entry = await ledger.claim(message.key);
    } catch (err) {
      return { kind: 'retry-later', reason: `delivery ledger unavailable: ${err instanceof Error ? err.message : String(err)}` };
    }
    let result: MessageResult = { kind: 'retry-later', reason: 'not attempted' };
    try {
      result = settledByLedger(entry.outcome) ?? (await attempt(sink, message, batch, deadline));
    } finally {
      const keep = ledgerOutcome(result);
      await (keep === undefined ? entry.release() : entry.record(keep)).catch((err: unknown) =>
        logger.error(
          { sink: message.key.sink, fingerprint: message.doc.alert.fingerprint, err },
          'delivery ledger not updated: a resend may repeat this message',
        ),
      );
    }
    return result;
  }

  async function runQueue(
    batch: DeliveryBatch,
    messages: readonly SinkMessage[],
    deadline: number,
  ): Promise<{ message: SinkMessage; result: MessageResult }[]> {
    const out: { message: SinkMessage; result: MessageResult }[] = [];
    for (const message of messages) {
      const result = await deliverOne(
        message,
        batch,
        deadline,
        out.map((o) => o.result),
      );
      out.push({ message, result });
      report(message.key.sink, message.doc, result);
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
      case 'maybe-sent':
        metrics.deliveries.inc({ sink, outcome: 'maybe_sent' });
        logger.warn({ ...fields, reason: result.reason }, 'may have been posted (no answer after the request was sent); not sent again');
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
    const deadline = Math.min(clock() + config.delivery.budgetMs, (batch.deadline ?? Number.POSITIVE_INFINITY) - ANSWER_MARGIN_MS);
    const perSink = await Promise.all([...sinkQueues(batch, routes)].map(([, messages]) => runQueue(batch, messages, deadline)));
    return deliveryOutcome(perSink.flat(), batch.told, batch.digestsTold);
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
