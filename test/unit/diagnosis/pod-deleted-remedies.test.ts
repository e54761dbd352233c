/**
 * A container stopped by its pod's deletion: nothing to change (issue #28 items 1 and 5). Where the
 * pod's DisruptionTarget condition says who ended it, the first step is `no-change`: its title names
 * who, its commands confirm the replacement runs. Where nothing in the pod says who (a rollout, a
 * scale-down and a `kubectl delete` look the same), it stays a diagnostic step whose title says which
 * fact decides; the incident, which reads the owner's revisions, says "a rollout replaced it"
 * (test/unit/incidents/deleted-by-rollout.test.ts).
 */
import type { IPod } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { diagnoseFixture } from './shared-setup.ts';

const withDisruption = (reason: string | undefined) => (p: IPod) => {
  if (p.status === undefined) return;
  const others = (p.status.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget');
  p.status.conditions = reason === undefined ? others : [...others, { type: 'DisruptionTarget', status: 'True', reason, message: 'evicting' }];
};

describe('a pod stopped by its deletion', () => {
  it('DisruptionTarget EvictionByEvictionAPI (a drain) → nothing to change: the rollout status and the pods confirm the replacement', () => {
    const d = diagnoseFixture('sigterm-pod-deleting-drain-signal-field');
    expect(d.cause).toMatchObject({ id: 'sigterm', detail: 'pod-deleting' });
    expect(d.remedies).toEqual([
      {
        kind: 'no-change',
        title: 'Evicted through the Eviction API (a node drain or an autoscaler): nothing to change; confirm its replacement runs',
        commands: ['kubectl rollout status deployment/ledger-writer -n payments --timeout=5m', 'kubectl get pods -n payments -l app=ledger-writer -o wide'],
      },
    ]);
    // The Fix runs the rollout's status already: the verify steps do not say it again.
    expect(d.verify).not.toContain('kubectl rollout status deployment/ledger-writer -n payments --timeout=5m');
    expect(d.verify.length).toBeGreaterThan(0);
  });

  it.each([
    ['DeletionByTaintManager', 'taint manager'],
    ['PreemptionByScheduler', 'Preempted by the scheduler'],
    ['SomethingNew', 'DisruptionTarget condition says (SomethingNew)'],
  ])('DisruptionTarget %s → nothing to change, and the title says who', (reason, words) => {
    const d = diagnoseFixture('sigterm-pod-deleting-rollout', withDisruption(reason));
    expect(d.remedies[0]?.kind).toBe('no-change');
    expect(d.remedies[0]?.title).toContain(words);
  });

  it('no DisruptionTarget → who deleted it is not in the pod: a diagnostic step that says the owner’s newer revision decides, and reads it', () => {
    const d = diagnoseFixture('sigterm-pod-deleting-drain-signal-field', withDisruption(undefined));
    expect(d.cause).toMatchObject({ id: 'sigterm', detail: 'pod-deleting' });
    expect(d.remedies[0]?.kind).toBe('diagnostic');
    expect(d.remedies[0]?.title).toContain('a revision of deployment/ledger-writer newer than this pod');
    expect(d.remedies[0]?.commands).toEqual([
      'kubectl rollout history deployment/ledger-writer -n payments',
      `kubectl get replicaset ledger-writer-kgrghgnbbn -n payments -o jsonpath='{.metadata.annotations.deployment\\.kubernetes\\.io/revision}{"\\n"}'`,
      'kubectl get pods -n payments -l app=ledger-writer -o wide',
    ]);
  });

  it('a DisruptionTarget that is not True says nothing of who', () => {
    const d = diagnoseFixture('sigterm-pod-deleting-drain-signal-field', (p) => {
      for (const c of p.status?.conditions ?? []) if (c.type === 'DisruptionTarget') c.status = 'False';
    });
    expect(d.remedies[0]?.kind).toBe('diagnostic');
  });
});
