/**
 * POST /alerts: Alertmanager's webhook. Order of checks, each with its own status: token (401, before
 * the body is read), content type (415), size (413), JSON (400), schema (400 naming the field).
 * 200 when every routed sink has the message; 503 so that Alertmanager retries the group otherwise.
 */
import type { FastifyInstance } from 'fastify';
import { WebhookPayload } from './alertmanager-payload.ts';
import type { AppDeps } from './app.ts';
import { makeTokenCheck } from './auth.ts';
import { closeAfterReply } from './close-after-reply.ts';

export function registerAlertsRoute(app: FastifyInstance, deps: AppDeps): void {
  const { metrics, pipeline } = deps;
  const token = deps.config.webhookToken;
  const tokenMatches = token === undefined ? undefined : makeTokenCheck(token);

  app.post<{ Body: WebhookPayload }>(
    '/alerts',
    {
      schema: { body: WebhookPayload },
      onRequest: async (request, reply) => {
        if (tokenMatches !== undefined && !tokenMatches(request.headers.authorization)) {
          metrics.requests.inc({ outcome: 'rejected_auth' });
          request.log.warn({ remote: request.ip }, 'webhook request with a missing or wrong token');
          return closeAfterReply(reply).code(401).header('www-authenticate', 'Bearer').send({ error: 'unauthorized', message: 'unauthorized' });
        }
        return undefined;
      },
      onError: async (_request, _reply, error) => {
        const status = error.statusCode ?? 500;
        metrics.requests.inc({ outcome: status < 500 ? 'rejected_body' : 'error' });
      },
    },
    async (request, reply) => {
      const payload = request.body;
      const stopTimer = metrics.processingSeconds.startTimer();
      for (const alert of payload.alerts) {
        metrics.alertsReceived.inc({ status: alert.status, alertname: alert.labels['alertname'] ?? '' });
      }
      const log = request.log.child({ groupKey: payload.groupKey, receiver: payload.receiver });
      log.info({ alerts: payload.alerts.length, status: payload.status, truncatedAlerts: payload.truncatedAlerts }, 'webhook received');
      try {
        const outcome = await pipeline.process(payload, log);
        if (outcome.kind === 'delivered') {
          metrics.requests.inc({ outcome: 'accepted' });
          return reply.code(200).send({ status: 'delivered', alerts: outcome.alerts });
        }
        metrics.requests.inc({ outcome: 'retry_later' });
        log.warn({ failures: outcome.failures }, 'not every sink took the message; asking Alertmanager to retry');
        return reply.code(503).send({ status: 'retry-later', alerts: outcome.alerts, failures: outcome.failures });
      } finally {
        stopTimer();
      }
    },
  );
}
