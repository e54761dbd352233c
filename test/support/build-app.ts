/** build(): the app with in-memory deps, closed after the test (fastify/demo's helper). */

import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterEach } from 'vitest';
import type { WebhookPayload } from '../../src/alertmanager/payload.ts';
import { buildApp } from '../../src/http/app.ts';
import type { ReadinessReport } from '../../src/http/health-routes.ts';
import { createMetrics, type Metrics } from '../../src/metrics.ts';
import type { AlertPipeline, PipelineOutcome, ProcessOptions } from '../../src/pipeline/ports.ts';

export const TEST_TOKEN = 'test-token-5f0c1e9a';

export interface TestApp {
  app: FastifyInstance;
  metrics: Metrics;
  received: WebhookPayload[];
  /** The options each request's process call got (its deadline). */
  options: ProcessOptions[];
  setOutcome(next: (payload: WebhookPayload) => Promise<PipelineOutcome>): void;
  setReadiness(report: ReadinessReport): void;
}

const open: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((app) => app.close()));
});

export async function build(
  options: { token?: string | null; bodyLimitBytes?: number; requests?: { budgetMs: number; maxInFlight: number }; clock?: () => number } = {},
): Promise<TestApp> {
  const received: WebhookPayload[] = [];
  const processOptions: ProcessOptions[] = [];
  let outcome = async (payload: WebhookPayload): Promise<PipelineOutcome> => ({ kind: 'delivered', alerts: payload.alerts.length });
  let readiness: ReadinessReport = { ready: true, kubeApi: {} };
  const pipeline: AlertPipeline = {
    async process(payload, _log, opts = {}) {
      received.push(payload);
      processOptions.push(opts);
      return outcome(payload);
    },
  };
  const metrics = createMetrics({ defaultMetrics: false });
  const token = options.token === null ? undefined : (options.token ?? TEST_TOKEN);
  const app = await buildApp({
    config: {
      ...(token !== undefined ? { webhookToken: token } : {}),
      bodyLimitBytes: options.bodyLimitBytes ?? 1024 * 1024,
      ...(options.requests === undefined ? {} : { requests: options.requests }),
    },
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    logger: pino({ level: 'silent' }),
    pipeline,
    metrics,
    health: { readiness: () => readiness },
  });
  open.push(app);
  return {
    app,
    metrics,
    received,
    options: processOptions,
    setOutcome: (next) => {
      outcome = next;
    },
    setReadiness: (report) => {
      readiness = report;
    },
  };
}
