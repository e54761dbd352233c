/** What the stage tests share: an alert's evidence as a cluster read would give it, and its document. */
import { buildDocument } from '../../../src/alertmanager/document.ts';
import type { WebhookAlert } from '../../../src/alertmanager/payload.ts';
import { diagnose } from '../../../src/diagnosis/diagnose.ts';
import type { DiagnosisDocument } from '../../../src/diagnosis/document.ts';
import type { Evidence } from '../../../src/diagnosis/evidence.ts';
import { crashLoopAlert } from '../../fixtures/alertmanager/payloads.ts';

export function evidenceOf(alert: WebhookAlert): Evidence {
  return {
    now: '2026-11-25T12:00:00Z',
    target: { namespace: alert.labels['namespace'] ?? '', pod: alert.labels['pod'] ?? '' },
    events: [],
    problems: [{ source: 'pod', kind: 'forbidden', message: 'forbidden: cannot get pods', missingPermission: 'get pods' }],
  };
}

export function documentOf(alert: WebhookAlert = crashLoopAlert()): DiagnosisDocument {
  const evidence = evidenceOf(alert);
  return buildDocument(alert, evidence, diagnose(evidence));
}

/** The KubePodNotReady alert of the fixture's pod: it names no container. */
export function notReady(): WebhookAlert {
  const a = crashLoopAlert({ fingerprint: 'bbbb', labels: { alertname: 'KubePodNotReady' } });
  delete (a.labels as Record<string, string | undefined>)['container'];
  return a;
}

/** Pod n of the Deployment `payment-svc`, with an alert of its own. */
export function podAlert(n: number): WebhookAlert {
  return crashLoopAlert({ fingerprint: `f${n}`, labels: { pod: `payment-svc-7b9f6d-p${n}` } });
}
