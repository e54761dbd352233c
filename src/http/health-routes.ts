/**
 * /healthz (the process is alive), /readyz (this process can take alerts) and /metrics.
 * A Kubernetes API outage does not make the service unready (docs/architecture.md
 * "Health and readiness"): alerts must still be
 * delivered, with what could not be read; the API's health is reported in the body as information.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Metrics } from '../metrics.ts';

export interface ReadinessReport {
  ready: boolean;
  /** Why not ready, e.g. "shutting down". */
  reason?: string;
  /** Information only: the last Kubernetes API success and failure, if any. */
  kubeApi: { lastSuccess?: string; lastFailure?: string; lastError?: string };
}

export interface HealthSource {
  readiness(): ReadinessReport;
}

export const healthRoutes: FastifyPluginAsync<{ metrics: Metrics; health: HealthSource }> = async (app, deps) => {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const report = deps.health.readiness();
    return reply.code(report.ready ? 200 : 503).send({ status: report.ready ? 'ready' : 'not ready', ...report });
  });
  app.get('/metrics', async (_request, reply) => {
    const text = await deps.metrics.registry.metrics();
    return reply.type(deps.metrics.registry.contentType).send(text);
  });
};
