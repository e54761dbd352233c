/**
 * Builds the diagnosis document (docs/architecture.md) around one alert: the alert's identity, the target, the
 * pure diagnosis and what could not be read.
 */

import type { AlertRef, Diagnosis, DiagnosisDocument } from '../diagnosis/document.ts';
import type { Evidence } from '../diagnosis/evidence.ts';
import { redact, redactMap } from '../diagnosis/redact.ts';
import type { WebhookAlert } from './payload.ts';
import { UNSET_TIME } from './payload.ts';

/** Labels and annotations are forwarded to every sink: they pass the same redactor as the diagnosis. */
export function alertRef(alert: WebhookAlert): AlertRef {
  const ref: AlertRef = {
    name: alert.labels['alertname'] ?? '',
    fingerprint: alert.fingerprint,
    startsAt: alert.startsAt,
    labels: keptLabels(alert.labels),
    annotations: keptLabels(alert.annotations),
  };
  if (alert.endsAt !== '' && alert.endsAt !== UNSET_TIME && alert.status === 'resolved') ref.endsAt = alert.endsAt;
  if (alert.generatorURL !== '') ref.generatorURL = redact(alert.generatorURL);
  return ref;
}

export function buildDocument(alert: WebhookAlert, evidence: Evidence, diagnosis: Diagnosis): DiagnosisDocument {
  const owner = evidence.pod?.owner;
  const document: DiagnosisDocument = {
    version: 1,
    status: alert.status,
    alert: alertRef(alert),
    target: {
      namespace: evidence.pod?.namespace ?? evidence.target.namespace ?? alert.labels['namespace'] ?? '',
      pod: evidence.pod?.name ?? evidence.target.pod ?? alert.labels['pod'] ?? '',
      container: evidence.container?.name ?? evidence.target.container ?? alert.labels['container'] ?? '',
      ...(owner !== undefined ? { owner } : {}),
      ...(evidence.container !== undefined ? { image: evidence.container.image, restarts: evidence.container.restartCount } : {}),
      ...(evidence.pod?.nodeName !== undefined ? { node: evidence.pod.nodeName } : {}),
      ...containerState(evidence),
    },
    cause: diagnosis.cause,
    evidence: diagnosis.evidence,
    remedies: diagnosis.remedies,
    verify: diagnosis.verify,
    findings: diagnosis.findings,
    problems: evidence.problems.map(({ source, kind, message }) => ({ source, kind, message: redact(message) })),
  };
  if (diagnosis.logs !== undefined) document.logs = diagnosis.logs;
  if (diagnosis.memory !== undefined) document.memory = diagnosis.memory;
  return document;
}

/** Readiness, the last exit and the container's role in its pod: the first message's state line and header. */
function containerState(evidence: Evidence): Pick<DiagnosisDocument['target'], 'ready' | 'lastExit' | 'previousRun' | 'containerRole'> {
  const c = evidence.container;
  if (c === undefined) return {};
  const run = c.state?.kind === 'terminated' ? c.state : c.lastState?.kind === 'terminated' ? c.lastState : undefined;
  const role = c.init
    ? c.restartPolicy === 'Always'
      ? 'sidecar'
      : 'init'
    : (evidence.pod?.containers.length ?? 1) > 1 && evidence.pod?.containers[0]?.name !== c.name
      ? 'additional'
      : undefined;
  return {
    ready: c.ready,
    previousRun: c.lastState?.kind === 'terminated',
    ...(run === undefined
      ? {}
      : {
          lastExit: {
            exitCode: run.exitCode,
            ...(run.reason === undefined ? {} : { reason: run.reason }),
            ...(run.runSeconds === undefined ? {} : { ranSeconds: run.runSeconds }),
          },
        }),
    ...(role === undefined ? {} : { containerRole: role }),
  };
}

/** Label and annotation values longer than this are cut when kept and forwarded (a description can be the whole body limit). */
export const MAX_LABEL_VALUE_CHARS = 2048;
/** At most this many labels (or annotations) are kept; Alertmanager's own alerts have a dozen. */
export const MAX_LABELS = 64;

/** Redacted, and bounded in size: what the document keeps of an alert's labels or annotations. */
export function keptLabels(map: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(redactMap(map)).slice(0, MAX_LABELS)) {
    out[name.slice(0, 256)] =
      value.length > MAX_LABEL_VALUE_CHARS ? `${value.slice(0, MAX_LABEL_VALUE_CHARS)}… (cut at ${MAX_LABEL_VALUE_CHARS} characters)` : value;
  }
  return out;
}
