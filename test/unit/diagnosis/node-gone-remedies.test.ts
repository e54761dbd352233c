/**
 * A pod its node ended (lost, shut down) leads with deleting the Failed record only where the evidence
 * shows that is all that is left (issue #28 items 1 and 3): the pod is Failed and a ReplicaSet or Job
 * replaces it. A pod still Running on a lost node, a StatefulSet's pod (its controller recreates it)
 * and a bare pod (nothing replaces it) keep the node check first.
 */
import { describe, expect, it } from 'vitest';
import { diagnoseFixture } from './shared-setup.ts';

describe.each(['pod-terminated-node-lost', 'pod-terminated-node-shutdown'])('%s', (name) => {
  it('Failed, of a Deployment → delete the Failed pod first, naming the ReplicaSet that replaces it', () => {
    const d = diagnoseFixture(name);
    expect(d.cause.id).toBe('pod-terminated');
    expect(d.remedies[0]).toMatchObject({ kind: 'remedy', title: expect.stringContaining("'s ReplicaSet replaces it") });
    expect(d.remedies[0]?.commands[0]).toMatch(/^kubectl delete pod \S+ -n \S+$/);
  });

  it('a StatefulSet’s pod → its controller recreates it: the node check first', () => {
    const d = diagnoseFixture(name, (p) => {
      for (const o of p.metadata?.ownerReferences ?? []) {
        o.kind = 'StatefulSet';
        o.name = 'kafka';
      }
    });
    expect(d.remedies[0]?.kind).toBe('diagnostic');
  });

  it('a bare pod → nothing replaces it: the node check first', () => {
    const d = diagnoseFixture(name, (p) => {
      if (p.metadata !== undefined) p.metadata.ownerReferences = [];
    });
    expect(d.remedies[0]?.kind).toBe('diagnostic');
  });
});

it('a lost node’s pod not Failed (it may still run there) → no deletion first', () => {
  const d = diagnoseFixture('pod-terminated-node-lost', (p) => {
    if (p.status !== undefined) p.status.phase = 'Unknown';
  });
  if (d.cause.id === 'pod-terminated') expect(d.remedies[0]?.kind).toBe('diagnostic');
  expect(d.remedies[0]?.title ?? '').not.toContain('Delete the Failed pod');
});
