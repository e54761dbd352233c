/** Stage 3 alone: the alert read becomes its document, with the owner's problems and selector. */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/diagnosis/diagnose.ts';
import { createMetrics } from '../../../src/metrics.ts';
import { diagnoseAll } from '../../../src/pipeline/diagnose.ts';
import { crashLoopAlert } from '../../fixtures/alertmanager/payloads.ts';
import { evidenceOf } from './stage-fixtures.ts';

const log = pino({ level: 'silent' });
const deps = () => ({ diagnose, metrics: createMetrics({ defaultMetrics: false }), clock: () => Date.parse('2026-11-25T12:00:00Z') });

describe('diagnose stage', () => {
  it("builds the document with the owner's problems and keeps its pod selector for the resolve", async () => {
    const alert = crashLoopAlert();
    const found = evidenceOf(alert);
    const workload = Promise.resolve({
      workload: { kind: 'Deployment', name: 'payment-svc' },
      namespace: 'payments',
      revisions: [],
      podSelector: 'app=payment-svc',
      problems: [{ source: 'kube' as const, kind: 'forbidden' as const, message: 'forbidden: cannot list replicasets' }],
    });
    const [item] = await diagnoseAll([{ alert, found, workload }], new Map([[alert, 'pod-key']]), deps(), log);
    expect(item?.podKey).toBe('pod-key');
    expect(item?.facts?.workload).toEqual({ kind: 'Deployment', name: 'payment-svc' });
    expect(item?.document.cause.id).toBe('unknown');
    expect(item?.document.problems.map((p) => p.message)).toEqual(['forbidden: cannot get pods', 'forbidden: cannot list replicasets']);
    // No owner on the target (the pod was not read): nothing to find a replacement by.
    expect(item?.document.target.ownerSelector).toBeUndefined();
  });

  it('says how a resolve read afresh ended, from the evidence it read', async () => {
    const alert = crashLoopAlert({ status: 'resolved' });
    const [item] = await diagnoseAll([{ alert, found: evidenceOf(alert) }], new Map(), deps(), log);
    expect(item?.document.status).toBe('resolved');
    expect(item?.document.resolution?.state).toBe('unknown');
  });

  it('hands the diagnosis to the memory history and keeps its problem', async () => {
    const alert = crashLoopAlert();
    const [item] = await diagnoseAll(
      [{ alert, found: evidenceOf(alert) }],
      new Map(),
      {
        ...deps(),
        history: {
          enrich: async (_e, diagnosis) => ({ diagnosis, problem: { source: 'prometheus', kind: 'timeout', message: 'no answer from Prometheus' } }),
        },
      },
      log,
    );
    expect(item?.document.problems.at(-1)).toEqual({ source: 'prometheus', kind: 'timeout', message: 'no answer from Prometheus' });
  });
});
