/**
 * Builds a notifier the way the service does, with a clock that fake sleeps advance (so Retry-After
 * waits are recorded, not waited), a metrics registry of its own and the log lines kept for asserts.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, beforeEach } from 'vitest';
import type { Config, ResolvedSink, RouteSpec } from '../../../src/config/config.ts';
import type { DiagnosisDocument } from '../../../src/diagnosis/document.ts';
import { createMetrics, type Metrics } from '../../../src/metrics.ts';
import type { DeliveryLedger } from '../../../src/notify/delivery-ledger.ts';
import { createNotifier, type DeliveryBatch, type Notifier } from '../../../src/notify/notifier.ts';
import { type RetryPolicy, rapidRetryPolicy } from '../../../src/notify/retry-policy.ts';
import { type SlackStandin, startSlackStandin } from '../../support/slack-standin.ts';

export interface Harness {
  notifier: Notifier;
  metrics: Metrics;
  /** Every delay the notifier asked to sleep, in ms. */
  slept: number[];
  logs: string[];
  stdout: string[];
  delivered(sink: string, outcome: string): Promise<number>;
}

export function harness(options: {
  sinks: Record<string, ResolvedSink>;
  routes?: RouteSpec[];
  defaultSinks?: string[];
  budgetMs?: number;
  sinkTimeoutMs?: number;
  retryPolicy?: RetryPolicy;
  ledger?: DeliveryLedger;
}): Harness {
  const slept: number[] = [];
  const logs: string[] = [];
  const stdout: string[] = [];
  let skew = 0;
  const metrics = createMetrics({ defaultMetrics: false });
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        logs.push(chunk.toString('utf8'));
        cb();
      },
    }),
  );
  const config: Pick<Config, 'sinks' | 'routes' | 'defaultSinks' | 'delivery'> = {
    sinks: options.sinks,
    routes: options.routes ?? [],
    defaultSinks: options.defaultSinks ?? Object.keys(options.sinks),
    delivery: { budgetMs: options.budgetMs ?? 8000, sinkTimeoutMs: options.sinkTimeoutMs ?? 5000, dedupeWindowMs: 3600_000 },
  };
  const notifier = createNotifier({
    config,
    logger,
    metrics,
    clock: () => Date.now() + skew,
    sleep: async (ms) => {
      slept.push(ms);
      skew += ms;
    },
    retryPolicy: options.retryPolicy ?? rapidRetryPolicy,
    random: () => 0.5,
    stdout: { write: (s: string) => stdout.push(s) },
    ...(options.ledger !== undefined ? { ledger: options.ledger } : {}),
  });
  return {
    notifier,
    metrics,
    slept,
    logs,
    stdout,
    async delivered(sink, outcome) {
      const m = await metrics.deliveries.get();
      return m.values.find((v) => v.labels.sink === sink && v.labels.outcome === outcome)?.value ?? 0;
    },
  };
}

export const GROUP_KEY = '{}/{alertname=~"KubePodCrashLooping|KubePodNotReady"}:{namespace="payments"}';

export function batch(documents: DiagnosisDocument[]): DeliveryBatch {
  return { groupKey: GROUP_KEY, receiver: 'crashtriage', externalURL: 'http://alertmanager.example:9093', documents };
}

/** A Slack stand-in started before each test of the file and closed after it; call to get the current one. */
export function slackStandinPerTest(): () => SlackStandin {
  let slack: SlackStandin | undefined;
  beforeEach(async () => {
    slack = await startSlackStandin();
  });
  afterEach(async () => {
    await slack?.close();
    slack = undefined;
  });
  return () => {
    if (slack === undefined) throw new Error('the Slack stand-in runs only inside a test');
    return slack;
  };
}
