/**
 * The webhook pipeline: for each alert, target → evidence → diagnosis → delivery (docs/architecture.md "The flow").
 * Enrichment never loses an alert: whatever could not be read travels in the document's `problems`.
 * What the pipeline remembers changes only after delivery: each pod's state is claimed, decided on
 * purely, and committed when its messages were delivered, or released unchanged for Alertmanager's resend.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Diagnosis, DiagnosisDocument } from './diagnosis/document.ts';
import type { Evidence } from './diagnosis/evidence.ts';
import { redactMap } from './diagnosis/redact.ts';
import type { MemoryHistorySource } from './history/index.ts';
import { buildDocument } from './http/alert-document.ts';
import type { WebhookAlert, WebhookPayload } from './http/alertmanager-payload.ts';
import { decideFold, leadFirst, type PodAlerts, podStateKey, rememberFiring } from './incidents/alert-folding.ts';
import { claimAll, createMemoryStore, type StateStore } from './incidents/state-store.ts';
import type { Metrics } from './metrics.ts';
import type { DeliveryOutcome, Notifier } from './notify/notifier.ts';

/** What happened to one webhook request's alerts. */
export type PipelineOutcome =
  | { kind: 'delivered'; alerts: number }
  | { kind: 'retry-later'; alerts: number; failures: { sink: string; fingerprint: string; reason: string }[] };

/** The port the webhook route calls: where evidence, diagnosis and delivery plug in. */
export interface AlertPipeline {
  process(payload: WebhookPayload, log: FastifyBaseLogger): Promise<PipelineOutcome>;
}

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
  /** Which alert leads each pod's message; in memory by default. */
  podAlerts?: StateStore<PodAlerts>;
  /** Prometheus memory history for OOM causes, when PROMETHEUS_URL is set. */
  history?: Pick<MemoryHistorySource, 'enrich'>;
}

export function createPipeline(deps: PipelineDeps): AlertPipeline {
  const podAlerts = deps.podAlerts ?? createMemoryStore<PodAlerts>();
  return {
    async process(payload: WebhookPayload, log: FastifyBaseLogger): Promise<PipelineOutcome> {
      const alerts = leadFirst(payload.alerts);
      const keyOf = new Map(alerts.map((a) => [a, podStateKey(a.labels)]));
      const held = await claimAll(
        podAlerts,
        [...keyOf.values()].filter((k): k is string => k !== undefined),
      );
      const states = new Map([...held].map(([key, h]) => [key, h.value]));
      const fingerprintKeys = new Map<string, string>();
      let result: DeliveryOutcome;
      try {
        const documents: DiagnosisDocument[] = [];
        const toRead: WebhookAlert[] = [];
        for (const alert of alerts) {
          const key = keyOf.get(alert);
          if (key === undefined) {
            // Without a pod there is nothing to fold on: every such alert speaks for itself.
            toRead.push(alert);
            continue;
          }
          fingerprintKeys.set(alert.fingerprint, key);
          const decision = decideFold(states.get(key), alert);
          states.set(key, decision.next);
          if (decision.claim.kind === 'folded') {
            log.info(
              { fingerprint: alert.fingerprint, alertname: alert.labels['alertname'], into: decision.claim.into },
              'alert folded into the message of another alert for the same pod',
            );
          } else if (alert.status === 'resolved' && decision.claim.firing !== undefined) {
            documents.push(resolvedFrom(decision.claim.firing, alert));
          } else {
            toRead.push(alert);
          }
        }

        const evidence = toRead.length === 0 ? [] : await deps.evidence.gather(toRead);
        const diagnosed = await Promise.all(
          toRead.map(async (alert, i) => {
            const found = evidence[i];
            if (found === undefined) throw new Error(`evidence source returned ${evidence.length} results for ${toRead.length} alerts`);
            const plain = deps.diagnose(found);
            if (deps.history === undefined) return { alert, found, diagnosis: plain };
            const enriched = await deps.history.enrich(found, plain);
            if (enriched.ms !== undefined) log.debug({ fingerprint: alert.fingerprint, ms: Math.round(enriched.ms) }, 'memory history read');
            const read = enriched.problem === undefined ? found : { ...found, problems: [...found.problems, enriched.problem] };
            return { alert, found: read, diagnosis: enriched.diagnosis };
          }),
        );
        for (const { alert, found, diagnosis } of diagnosed) {
          if (alert.status === 'firing') deps.metrics.diagnoses.inc({ cause: diagnosis.cause.id, confidence: diagnosis.cause.confidence });
          const document = buildDocument(alert, found, diagnosis);
          const key = keyOf.get(alert);
          if (key !== undefined) states.set(key, rememberFiring(states.get(key), document));
          documents.push(document);
          log.info(
            {
              fingerprint: alert.fingerprint,
              pod: `${document.target.namespace}/${document.target.pod}`,
              cause: diagnosis.cause.id,
              ...(diagnosis.cause.detail === undefined ? {} : { detail: diagnosis.cause.detail }),
              confidence: diagnosis.cause.confidence,
              problems: found.problems.length,
            },
            'diagnosed',
          );
        }

        result =
          documents.length === 0
            ? { kind: 'delivered', permanentFailures: [] }
            : await deps.notifier.deliver({ groupKey: payload.groupKey, receiver: payload.receiver, externalURL: payload.externalURL, documents });
      } catch (err) {
        await Promise.all([...held.values()].map((h) => h.release()));
        throw err;
      }
      const undelivered = new Set(result.kind === 'delivered' ? [] : result.failures.map((f) => fingerprintKeys.get(f.fingerprint)));
      await Promise.all([...held].map(([key, h]) => (undelivered.has(key) ? h.release() : h.commit(states.get(key)))));
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
    alert: {
      ...firing.alert,
      labels: redactMap(alert.labels),
      annotations: redactMap(alert.annotations),
      ...(alert.endsAt !== '' ? { endsAt: alert.endsAt } : {}),
    },
  };
}
