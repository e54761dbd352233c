/**
 * All wiring in one place: builds the adapters from config (Kubernetes reader, sinks) and hands them
 * to the pipeline and the app. Tests build the same service with their own config.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { buildApp } from './http/app.ts';
import type { ReadinessReport } from './http/health-routes.ts';
import { createMetrics } from './metrics.ts';
import { createLoggingPipeline } from './pipeline.ts';

export interface Service {
  app: FastifyInstance;
  /** Marks the service not ready (readyz 503) while it drains. */
  shuttingDown(): void;
  close(): Promise<void>;
}

export async function wireService(config: Config, logger: Logger): Promise<Service> {
  const metrics = createMetrics();
  let stopping = false;
  const readiness = (): ReadinessReport =>
    stopping ? { ready: false, reason: 'shutting down', kubeApi: {} } : { ready: true, kubeApi: {} };
  const app = await buildApp({
    config,
    logger,
    metrics,
    pipeline: createLoggingPipeline(),
    health: { readiness },
  });
  return {
    app,
    shuttingDown: () => {
      stopping = true;
    },
    close: async () => {},
  };
}
