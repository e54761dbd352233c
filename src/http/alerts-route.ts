/**
 * POST /alerts: Alertmanager's webhook. Order of checks, each with its own status: token (401, before
 * the body is read), content type (415), size (413), JSON (400), schema (400 naming the field).
 * 200 when every routed sink has the message; 503 so that Alertmanager retries the group otherwise:
 * when a sink still misses it, when the request's budget ran out first, or at once when the service is
 * saturated. A request answered 503 at its deadline goes on in the background (bounded by its own
 * timeouts) and keeps its place in the admission count; what it delivers is recorded, so the resend
 * sends only what is still missing.
 */
import type { FastifyPluginAsync } from 'fastify';
import { WebhookPayload } from '../alertmanager/payload.ts';
import { DEFAULTS } from '../config/config.ts';
import { raceDeadline } from '../deadline.ts';
import { metricAlertname } from '../metrics.ts';
import type { PipelineOutcome } from '../pipeline/ports.ts';
import { inRequestScope } from '../request-scope.ts';
import { createAdmission } from './admission.ts';
import { makeTokenCheck } from './auth.ts';
import { closeAfterReply } from './close-after-reply.ts';
import type { AppDeps } from './deps.ts';

export const alertsRoute: FastifyPluginAsync<AppDeps> = async (app, deps) => {
  // Alertmanager sends application/json; anything else is a 415, not a string to validate.
  app.removeContentTypeParser('text/plain');
  const { metrics, pipeline } = deps;
  const token = deps.config.webhookToken;
  const tokenMatches = token === undefined ? undefined : makeTokenCheck(token);
  const { budgetMs, maxInFlight } = deps.config.requests ?? DEFAULTS.requests;
  const admission = createAdmission(maxInFlight);
  const clock = deps.clock ?? Date.now;

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
      const deadline = clock() + budgetMs;
      for (const alert of payload.alerts) {
        metrics.alertsReceived.inc({ status: alert.status, alertname: metricAlertname(alert.labels['alertname']) });
      }
      const log = request.log.child({ groupKey: payload.groupKey, receiver: payload.receiver });
      const leave = admission.tryEnter();
      if (leave === undefined) {
        metrics.requests.inc({ outcome: 'saturated' });
        log.warn({ alerts: payload.alerts.length, inFlight: admission.inFlight }, 'saturated: asking Alertmanager to retry this group later');
        return reply.code(503).send({ status: 'retry-later', reason: 'saturated', alerts: payload.alerts.length });
      }
      const stopTimer = metrics.processingSeconds.startTimer();
      log.info({ alerts: payload.alerts.length, status: payload.status, truncatedAlerts: payload.truncatedAlerts }, 'webhook received');
      // One request scope: the Kubernetes limiter serves calm groups before hanging ones (src/kube/limiter.ts).
      const work = inRequestScope(() => pipeline.process(payload, log, { deadline }));
      let answeredLate = false;
      work.then(leave, (err: unknown) => {
        leave();
        // Before the deadline the error handler answers 500 and logs it; after it, only this can.
        if (answeredLate) log.error({ err }, 'processing failed after the request was answered');
      });
      try {
        const raced = await raceDeadline<PipelineOutcome>(work, deadline, clock);
        if (raced.kind === 'late') {
          answeredLate = true;
          metrics.requests.inc({ outcome: 'deadline' });
          log.warn({ budgetMs }, 'not done within the request budget; asking Alertmanager to retry (the work goes on and is recorded)');
          return reply.code(503).send({ status: 'retry-later', reason: 'deadline', alerts: payload.alerts.length });
        }
        const outcome = raced.value;
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
};
