/**
 * The webhook pipeline: for each alert, target → evidence → diagnosis → delivery (DESIGN.md "The flow").
 * Enrichment never loses an alert: whatever could not be read travels in the document's `problems`.
 */
import type { FastifyBaseLogger } from 'fastify';
import { buildDocument } from './alert-document.ts';
import type { Diagnosis, DiagnosisDocument } from './diagnosis/document.ts';
import type { Evidence } from './diagnosis/evidence.ts';
import type { WebhookAlert, WebhookPayload } from './http/alertmanager-payload.ts';
import type { AlertPipeline, PipelineOutcome } from './http/app.ts';
import { createIncidentIndex, type IncidentIndex, leadFirst } from './incident-index.ts';
import type { Metrics } from './metrics.ts';
import type { Notifier } from './notify/notifier.ts';

/** Reads evidence for alerts, one Evidence per alert in order, coalescing repeated pods. */
export interface EvidenceSource {
  gather(alerts: readonly WebhookAlert[]): Promise<Evidence[]>;
}

/** The delivery port: the notifier, or a fake in tests. */
export type Deliverer = Pick<Notifier, 'deliver'>;

export interface PipelineDeps {
  evidence: EvidenceSource;
  diagnose: (evidence: Evidence) => Diagnosis;
  notifier: Deliverer;
  metrics: Metrics;
  incidents?: IncidentIndex;
}

export function createPipeline(deps: PipelineDeps): AlertPipeline {
  const incidents = deps.incidents ?? createIncidentIndex();
  return {
    async process(payload: WebhookPayload, log: FastifyBaseLogger): Promise<PipelineOutcome> {
      const documents: DiagnosisDocument[] = [];
      const toRead: WebhookAlert[] = [];
      for (const alert of leadFirst(payload.alerts)) {
        const claim = incidents.claim(alert);
        if (claim.kind === 'folded') {
          log.info(
            { fingerprint: alert.fingerprint, alertname: alert.labels['alertname'], into: claim.into },
            'alert folded into the message of another alert for the same pod',
          );
          continue;
        }
        if (alert.status === 'resolved' && claim.firing !== undefined) {
          documents.push(resolvedFrom(claim.firing, alert));
          continue;
        }
        toRead.push(alert);
      }

      const evidence = toRead.length === 0 ? [] : await deps.evidence.gather(toRead);
      toRead.forEach((alert, i) => {
        const found = evidence[i];
        if (found === undefined) throw new Error(`evidence source returned ${evidence.length} results for ${toRead.length} alerts`);
        const diagnosis = deps.diagnose(found);
        if (alert.status === 'firing') deps.metrics.diagnoses.inc({ cause: diagnosis.cause.id, confidence: diagnosis.cause.confidence });
        const document = buildDocument(alert, found, diagnosis);
        incidents.remember(document);
        documents.push(document);
        log.info(
          {
            fingerprint: alert.fingerprint,
            pod: `${document.target.namespace}/${document.target.pod}`,
            cause: diagnosis.cause.id,
            confidence: diagnosis.cause.confidence,
            problems: found.problems.length,
          },
          'diagnosed',
        );
      });

      if (documents.length === 0) return { kind: 'delivered', alerts: payload.alerts.length };
      const result = await deps.notifier.deliver({ groupKey: payload.groupKey, receiver: payload.receiver, externalURL: payload.externalURL, documents });
      return result.kind === 'delivered'
        ? { kind: 'delivered', alerts: payload.alerts.length }
        : { kind: 'retry-later', alerts: payload.alerts.length, failures: result.failures };
    },
  };
}

/** The resolved message reuses the firing diagnosis: the pod is often gone by the time it resolves. */
function resolvedFrom(firing: DiagnosisDocument, alert: WebhookAlert): DiagnosisDocument {
  return {
    ...firing,
    status: 'resolved',
    alert: { ...firing.alert, labels: alert.labels, annotations: alert.annotations, ...(alert.endsAt !== '' ? { endsAt: alert.endsAt } : {}) },
  };
}
