/**
 * The webhook pipeline: for each alert, target → evidence → diagnosis → delivery.
 * Until evidence and diagnosis land, each alert is logged and accepted.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { AlertPipeline, PipelineOutcome } from './http/app.ts';
import type { WebhookPayload } from './http/alertmanager-payload.ts';

export function createLoggingPipeline(): AlertPipeline {
  return {
    async process(payload: WebhookPayload, log: FastifyBaseLogger): Promise<PipelineOutcome> {
      for (const alert of payload.alerts) {
        log.info({ alertname: alert.labels['alertname'], fingerprint: alert.fingerprint, status: alert.status }, 'alert accepted');
      }
      return { kind: 'delivered', alerts: payload.alerts.length };
    },
  };
}
