/** Stage 2 alone: what is read for each alert, in which order, and what stands in for a late read. */
import { describe, expect, it } from 'vitest';
import type { WebhookAlert } from '../../../src/alertmanager/payload.ts';
import { readCluster } from '../../../src/pipeline/read.ts';
import { crashLoopAlert } from '../../fixtures/alertmanager/payloads.ts';
import { documentOf, evidenceOf } from './stage-fixtures.ts';

describe('read stage', () => {
  it("starts the owner's read before asking for the evidence, and confirms it with the pod read", async () => {
    const steps: string[] = [];
    const alert = crashLoopAlert();
    const pod = { name: 'payment-svc-7b9f6d-xk2p', namespace: 'payments', owner: { kind: 'ReplicaSet', name: 'payment-svc-7b9f6d' } };
    const result = await readCluster(
      { toRead: [alert], fromMemory: [] },
      {
        clock: Date.now,
        evidence: {
          gather: async (alerts: readonly WebhookAlert[]) => {
            steps.push('evidence');
            return alerts.map((a) => ({ ...evidenceOf(a), pod: pod as never }));
          },
        },
        workloads: {
          start: () => {
            steps.push('owner');
            return { confirm: async () => ({ workload: { kind: 'Deployment', name: 'payment-svc' }, namespace: 'payments', revisions: [], problems: [] }) };
          },
          forget: () => steps.push('forget'),
        },
      },
      undefined,
    );
    expect(steps).toEqual(['owner', 'evidence']);
    expect(result.read).toHaveLength(1);
    expect(await result.read[0]?.workload).toMatchObject({ workload: { name: 'payment-svc' } });
  });

  it("a resolved pod's read that misses the deadline resolves as late, with a problem", async () => {
    const firing = documentOf();
    const alert = crashLoopAlert({ status: 'resolved' });
    const result = await readCluster(
      { toRead: [], fromMemory: [{ alert, item: { document: { ...firing, status: 'resolved' } } }] },
      {
        clock: Date.now,
        evidence: { gather: async () => [] },
        resolvedPods: { read: () => new Promise(() => undefined) },
      },
      Date.now() + 20,
    );
    expect(result.resolved[0]?.document.resolution?.state).toBe('unknown');
    expect(result.resolved[0]?.document.problems.at(-1)?.source).toBe('pod');
  });

  it('refuses an evidence source that answers for fewer alerts than it was asked', async () => {
    await expect(
      readCluster({ toRead: [crashLoopAlert()], fromMemory: [] }, { clock: Date.now, evidence: { gather: async () => [] } }, undefined),
    ).rejects.toThrow('evidence source returned 0 results for 1 alerts');
  });
});
