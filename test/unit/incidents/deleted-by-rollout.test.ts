/**
 * A pod stopped by its deletion, once the incident has the owner's revisions (issue #28 items 1 and 5):
 * a revision newer than the pod's says a rollout replaced it, so the first step says so, with nothing
 * to change and the rollout's status to confirm it. The pod on the newest revision (a scale-down or a
 * `kubectl delete`), revisions not read, or another cause keep the diagnosis' first step.
 */
import { describe, expect, it } from 'vitest';
import type { DiagnosisDocument } from '../../../src/diagnosis/document.ts';
import { decideIncident } from '../../../src/incidents/incident.ts';
import type { WorkloadFacts } from '../../../src/incidents/workload.ts';
import { corpusDocuments } from '../../support/corpus-documents.ts';

const NOW = '2026-04-09T14:10:00Z';
const workload = { kind: 'Deployment', name: 'storefront-api' };

function corpus(name: string): DiagnosisDocument {
  const c = corpusDocuments().find((x) => x.fixture.name === name);
  if (c === undefined) throw new Error(`no corpus case ${name}`);
  return c.document;
}

const facts = (newest: number): WorkloadFacts => ({
  workload,
  namespace: 'web',
  ready: { ready: 2, desired: 3 },
  revisions: [
    { revision: 6, name: 'storefront-api-gtqfkmjlsc', createdAt: '2026-04-01T10:00:00Z' },
    ...(newest > 6 ? [{ revision: newest, name: 'storefront-api-7d9c8b6f5', createdAt: '2026-04-09T14:04:00Z' }] : []),
  ],
  podSelector: 'app=storefront-api',
  problems: [],
});

const decide = (document: DiagnosisDocument, f: WorkloadFacts | undefined, podRevision = 'storefront-api-gtqfkmjlsc') =>
  decideIncident(undefined, { document, workload, now: NOW, podRevision, ...(f === undefined ? {} : { facts: f }) }).document;

describe('a deleted pod and its owner’s revisions', () => {
  const deleting = corpus('sigterm-pod-deleting-rollout');

  it('the diagnosis alone cannot tell who deleted it: its first step is diagnostic', () => {
    expect(deleting.cause.detail).toBe('pod-deleting');
    expect(deleting.remedies[0]?.kind).toBe('diagnostic');
  });

  it('a revision newer than the pod’s → a rollout replaced it: nothing to change, the rollout’s status and the pods confirm it', () => {
    const d = decide(deleting, facts(7));
    expect(d.remedies).toEqual([
      {
        kind: 'no-change',
        title: 'Rollout to revision 7 replaced it (this pod ran revision 6): nothing to change; confirm the rollout completes',
        commands: ['kubectl rollout status deployment/storefront-api -n web --timeout=5m', 'kubectl get pods -n web -l app=storefront-api -o wide'],
      },
    ]);
    expect(deleting.verify).toContain('kubectl rollout status deployment/storefront-api -n web --timeout=5m');
    expect(d.verify).not.toContain('kubectl rollout status deployment/storefront-api -n web --timeout=5m');
  });

  it('the pod runs the newest revision (a scale-down, a kubectl delete) → the diagnostic step stays', () => {
    expect(decide(deleting, facts(6)).remedies).toEqual(deleting.remedies);
  });

  it('the revisions not read, or the pod’s revision unknown → the diagnostic step stays', () => {
    expect(decide(deleting, undefined).remedies).toEqual(deleting.remedies);
    expect(decide(deleting, facts(7), 'storefront-api-unknown').remedies).toEqual(deleting.remedies);
  });

  it('another cause on an older revision is not "replaced by a rollout"', () => {
    const crash = corpus('sigterm-readiness-only');
    expect(decide(crash, facts(7)).remedies[0]?.kind).toBe(crash.remedies[0]?.kind);
    expect(decide(crash, facts(7)).remedies[0]?.title).not.toContain('Rollout to revision');
  });
});
