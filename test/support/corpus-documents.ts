/**
 * Every case of the diagnosis corpus as the document a sink receives: the fixture's evidence, the
 * pure diagnosis, and a kube-prometheus-stack style KubePodCrashLooping alert around it (severity,
 * cluster, summary/description and runbook_url as the mixin's rule sets them).
 */

import { join } from 'node:path';
import { loadCases } from '../../bench/accuracy-cases.ts';
import { buildDocument } from '../../src/alertmanager/document.ts';
import type { WebhookAlert } from '../../src/alertmanager/payload.ts';
import { diagnose } from '../../src/diagnosis/diagnose.ts';
import type { DiagnosisDocument } from '../../src/diagnosis/document.ts';
import type { Evidence } from '../../src/diagnosis/evidence.ts';
import { type DiagnosisFixture, fixtures, toEvidence } from '../fixtures/diagnosis/index.ts';

export const CORPUS_EXTERNAL_URL = 'https://alertmanager.example.com';

export function corpusAlert(f: DiagnosisFixture, status: 'firing' | 'resolved' = 'firing'): WebhookAlert {
  return alertAbout(f.name, toEvidence(f), status);
}

/** The mixin's KubePodCrashLooping alert about the evidence's pod, its fingerprint made from `name`. */
export function alertAbout(name: string, evidence: Evidence, status: 'firing' | 'resolved' = 'firing'): WebhookAlert {
  const namespace = evidence.target.namespace ?? 'default';
  const pod = evidence.target.pod ?? 'unknown';
  return {
    status,
    labels: {
      alertname: 'KubePodCrashLooping',
      namespace,
      pod,
      ...(evidence.target.container === undefined ? {} : { container: evidence.target.container }),
      severity: 'warning',
      cluster: 'prod-eu-1',
    },
    annotations: {
      summary: 'Pod is crash looping.',
      description: `Pod ${namespace}/${pod} is in waiting state (reason: "CrashLoopBackOff").`,
      runbook_url: 'https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping',
    },
    startsAt: '2026-04-09T14:03:10Z',
    endsAt: status === 'resolved' ? '2026-04-09T14:50:40Z' : '0001-01-01T00:00:00Z',
    generatorURL: 'https://prometheus.example.com/graph?g0.expr=kube_pod_container_status_waiting_reason&g0.tab=1',
    fingerprint: `f${name.length.toString(16)}${Buffer.from(name).toString('hex').slice(0, 14)}`,
  };
}

export interface CorpusDocument {
  fixture: DiagnosisFixture;
  document: DiagnosisDocument;
}

export function corpusDocuments(): CorpusDocument[] {
  return fixtures.map((fixture) => {
    const evidence = toEvidence(fixture);
    return { fixture, document: buildDocument(corpusAlert(fixture), evidence, diagnose(evidence)) };
  });
}

export interface BenchCaseDocument {
  id: string;
  /** The facts the message must mention (case.json `expected.facts`): the deciding fact is among them. */
  facts: string[];
  document: DiagnosisDocument;
}

/** Every case of bench/cases/ (the fixture corpus and the held-out cases) as the document a sink receives. */
export function benchCaseDocuments(): BenchCaseDocument[] {
  return loadCases(join(import.meta.dirname, '..', '..', 'bench', 'cases')).map((c) => ({
    id: c.id,
    facts: c.expected.facts,
    document: buildDocument(alertAbout(c.id, c.evidence), c.evidence, diagnose(c.evidence)),
  }));
}
