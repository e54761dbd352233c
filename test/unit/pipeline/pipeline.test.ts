/** The pipeline with hand-written fakes of its ports (evidence source, deliverer) and the real diagnosis. */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { WebhookAlert } from '../../../src/alertmanager/payload.ts';
import { diagnose } from '../../../src/diagnosis/diagnose.ts';
import type { Evidence } from '../../../src/diagnosis/evidence.ts';
import type { ResolveRead } from '../../../src/incidents/resolution.ts';
import { podFacts } from '../../../src/kube/pod-facts.ts';
import { createMetrics } from '../../../src/metrics.ts';
import type { DeliveryBatch, DeliveryOutcome } from '../../../src/notify/notifier.ts';
import { createPipeline } from '../../../src/pipeline/pipeline.ts';
import type { ResolvedPodSource } from '../../../src/pipeline/ports.ts';
import { pipelineState } from '../../../src/state/pipeline-state.ts';
import { crashLoopAlert, webhookPayload } from '../../fixtures/alertmanager/payloads.ts';

const log = pino({ level: 'silent' });

function fakes(outcome: DeliveryOutcome = { kind: 'delivered', permanentFailures: [] }, resolvedPods?: ResolvedPodSource) {
  const outcomes: DeliveryOutcome[] = [];
  const read: WebhookAlert[][] = [];
  const delivered: DeliveryBatch[] = [];
  const evidence = {
    async gather(alerts: readonly WebhookAlert[]): Promise<Evidence[]> {
      read.push([...alerts]);
      return alerts.map((a) => ({
        now: '2026-11-25T12:00:00Z',
        target: { namespace: a.labels['namespace'] ?? '', pod: a.labels['pod'] ?? '' },
        events: [],
        problems: [{ source: 'pod', kind: 'forbidden', message: 'forbidden: cannot get pods', missingPermission: 'get pods' }],
      }));
    },
  };
  const notifier = {
    async deliver(batch: DeliveryBatch): Promise<DeliveryOutcome> {
      delivered.push(batch);
      return outcomes.shift() ?? outcome;
    },
  };
  const pipeline = createPipeline({
    evidence,
    diagnose,
    notifier,
    metrics: createMetrics({ defaultMetrics: false }),
    state: pipelineState(),
    ...(resolvedPods === undefined ? {} : { resolvedPods }),
  });
  return { pipeline, read, delivered, outcomes };
}

const notReady = (): WebhookAlert => {
  const a = crashLoopAlert({ fingerprint: 'bbbb', labels: { alertname: 'KubePodNotReady' } });
  delete (a.labels as Record<string, string | undefined>)['container'];
  return a;
};

describe('pipeline', () => {
  it('sends one message for KubePodCrashLooping and KubePodNotReady of one pod', async () => {
    const f = fakes();
    const outcome = await f.pipeline.process(webhookPayload([notReady(), crashLoopAlert()]), log);
    expect(outcome).toEqual({ kind: 'delivered', alerts: 2 });
    expect(f.delivered).toHaveLength(1);
    expect(f.delivered[0]?.documents.map((d) => d.alert.name)).toEqual(['KubePodCrashLooping']);
  });

  it('delivers an alert whose evidence could not be read, with the problem in the document', async () => {
    const f = fakes();
    await f.pipeline.process(webhookPayload(), log);
    const doc = f.delivered[0]?.documents[0];
    expect(doc?.cause.id).toBe('unknown');
    expect(doc?.problems).toEqual([{ source: 'pod', kind: 'forbidden', message: 'forbidden: cannot get pods' }]);
  });

  it('resolves from the remembered firing diagnosis without reading the API again', async () => {
    const f = fakes();
    await f.pipeline.process(webhookPayload(), log);
    const resolved = crashLoopAlert({ status: 'resolved', endsAt: '2026-11-25T11:00:00Z' });
    await f.pipeline.process(webhookPayload([resolved]), log);
    expect(f.read).toHaveLength(1);
    const doc = f.delivered[1]?.documents[0];
    expect(doc).toMatchObject({ status: 'resolved', alert: { endsAt: '2026-11-25T11:00:00Z' }, cause: { id: 'unknown' } });
  });

  it('redacts the labels and annotations of the resolved alert as of the firing one', async () => {
    const f = fakes();
    await f.pipeline.process(webhookPayload(), log);
    const resolved = crashLoopAlert({
      status: 'resolved',
      endsAt: '2026-11-25T11:00:00Z',
      labels: { db_password: 'FakeResolvedPw1' },
      annotations: { description: 'retry with postgres://app:FakeResolvedPw2@db:5432/app' },
    });
    await f.pipeline.process(webhookPayload([resolved]), log);
    const doc = f.delivered[1]?.documents[0];
    expect(doc?.alert.labels['db_password']).toBe('***');
    expect(doc?.alert.annotations['description']).toBe('retry with postgres://app:***@db:5432/app');
  });

  it('asks for a retry when the notifier could not deliver', async () => {
    const f = fakes({ kind: 'retry-later', failures: [{ sink: 'slack', fingerprint: 'a3f1c2d4e5b6a7c8', reason: 'HTTP 503' }], permanentFailures: [] });
    const outcome = await f.pipeline.process(webhookPayload(), log);
    expect(outcome).toMatchObject({ kind: 'retry-later', failures: [{ sink: 'slack' }] });
  });

  it('keeps the firing diagnosis when the resolve could not be delivered, so that the resend reuses it', async () => {
    const f = fakes();
    await f.pipeline.process(webhookPayload(), log);
    const resolved = crashLoopAlert({ status: 'resolved', endsAt: '2026-11-25T11:00:00Z' });
    f.outcomes.push({ kind: 'retry-later', failures: [{ sink: 'slack', fingerprint: resolved.fingerprint, reason: 'HTTP 503' }], permanentFailures: [] });
    expect(await f.pipeline.process(webhookPayload([resolved]), log)).toMatchObject({ kind: 'retry-later' });
    expect(await f.pipeline.process(webhookPayload([resolved]), log)).toEqual({ kind: 'delivered', alerts: 1 });
    expect(f.read).toHaveLength(1);
    expect(f.delivered.map((b) => b.documents.map((d) => `${d.status} ${d.cause.id}`))).toEqual([
      ['firing unknown'],
      ['resolved unknown'],
      ['resolved unknown'],
    ]);
    // Delivered now: the pod's state keeps only a mark of the resolve, so a resend of it (the other
    // replica, a restart) is answered without reading or sending; a resolve of a later firing is read.
    expect(await f.pipeline.process(webhookPayload([resolved]), log)).toEqual({ kind: 'delivered', alerts: 1 });
    expect(f.read).toHaveLength(1);
    expect(f.delivered).toHaveLength(3);
    await f.pipeline.process(webhookPayload([{ ...resolved, startsAt: '2026-11-25T12:00:00Z' }]), log);
    expect(f.read).toHaveLength(2);
  });

  it('does not fold into a lead whose firing message could not be delivered', async () => {
    const f = fakes();
    f.outcomes.push({ kind: 'retry-later', failures: [{ sink: 'slack', fingerprint: 'a3f1c2d4e5b6a7c8', reason: 'HTTP 503' }], permanentFailures: [] });
    await f.pipeline.process(webhookPayload([crashLoopAlert()]), log);
    // A KubePodNotReady of the same pod arriving on its own now leads: nothing was announced yet.
    await f.pipeline.process(webhookPayload([notReady()]), log);
    expect(f.delivered[1]?.documents.map((d) => d.alert.name)).toEqual(['KubePodNotReady']);
  });

  it('takes concurrent requests about one pod in turn, so that one alert leads', async () => {
    const f = fakes();
    await Promise.all([f.pipeline.process(webhookPayload([crashLoopAlert()]), log), f.pipeline.process(webhookPayload([notReady()]), log)]);
    expect(f.delivered.map((b) => b.documents.map((d) => d.alert.name))).toEqual([['KubePodCrashLooping']]);
  });

  it('releases what it claimed when the evidence source fails, so that the next request is not stuck', async () => {
    let fail = true;
    const pipeline = createPipeline({
      evidence: {
        async gather(alerts) {
          if (fail) throw new Error('boom');
          return alerts.map(() => ({ now: '2026-11-25T12:00:00Z', target: {}, events: [], problems: [] }));
        },
      },
      diagnose,
      notifier: { deliver: async () => ({ kind: 'delivered', permanentFailures: [] }) },
      metrics: createMetrics({ defaultMetrics: false }),
      state: pipelineState(),
    });
    await expect(pipeline.process(webhookPayload(), log)).rejects.toThrow('boom');
    fail = false;
    expect(await pipeline.process(webhookPayload(), log)).toEqual({ kind: 'delivered', alerts: 1 });
  });
});

describe('pipeline with memory history', () => {
  it('hands each diagnosis to the history source and delivers what it returns, with its problem', async () => {
    const seen: string[] = [];
    const delivered: DeliveryBatch[] = [];
    const pipeline = createPipeline({
      evidence: {
        async gather(alerts: readonly WebhookAlert[]): Promise<Evidence[]> {
          return alerts.map(() => ({ now: '2026-11-25T12:00:00Z', target: { namespace: 'payments', pod: 'p' }, events: [], problems: [] }));
        },
      },
      diagnose,
      notifier: {
        async deliver(batch: DeliveryBatch): Promise<DeliveryOutcome> {
          delivered.push(batch);
          return { kind: 'delivered', permanentFailures: [] };
        },
      },
      metrics: createMetrics({ defaultMetrics: false }),
      state: pipelineState(),
      history: {
        async enrich(_evidence, diagnosis) {
          seen.push(diagnosis.cause.id);
          return {
            diagnosis: { ...diagnosis, evidence: [...diagnosis.evidence, { source: 'metrics', text: 'memory, last 6 h: ▁▂▃' }] },
            problem: { source: 'prometheus', kind: 'timeout', message: 'could not read the memory history: no answer from Prometheus within 2000 ms' },
            ms: 12,
          };
        },
      },
    });
    await pipeline.process(webhookPayload(), log);
    expect(seen).toEqual(['unknown']);
    const doc = delivered[0]?.documents[0];
    expect(doc?.evidence.at(-1)).toEqual({ source: 'metrics', text: 'memory, last 6 h: ▁▂▃' });
    expect(doc?.problems).toEqual([
      { source: 'prometheus', kind: 'timeout', message: 'could not read the memory history: no answer from Prometheus within 2000 ms' },
    ]);
  });

  describe('on resolve, the pod is read once to say how it resolved', () => {
    const runningPod = (startedAt: Date): ResolveRead => ({
      kind: 'pod',
      pod: podFacts({
        metadata: { name: 'payment-svc-7b9f6d-xk2p', namespace: 'payments' },
        spec: { containers: [{ name: 'payment-svc', image: 'payments/svc:2.1' }] },
        status: {
          phase: 'Running',
          containerStatuses: [{ name: 'payment-svc', image: 'payments/svc:2.1', imageID: '', ready: true, restartCount: 4, state: { running: { startedAt } } }],
        },
      }),
    });

    it('reads the pod of the alert in its labels and puts the outcome on the resolved document', async () => {
      const asked: [string, string, string | undefined][] = [];
      const f = fakes(undefined, {
        async read(labels, namespace, pod) {
          asked.push([namespace, pod, labels['alertname']]);
          return runningPod(new Date(Date.now() - 12 * 60_000));
        },
      });
      await f.pipeline.process(webhookPayload(), log);
      expect(asked).toEqual([]);
      await f.pipeline.process(webhookPayload([crashLoopAlert({ status: 'resolved', endsAt: '2026-11-25T11:00:00Z' })]), log);
      expect(asked).toEqual([['payments', 'payment-svc-7b9f6d-xk2p', 'KubePodCrashLooping']]);
      expect(f.read).toHaveLength(1);
      expect(f.delivered[1]?.documents[0]?.resolution).toEqual({ state: 'healthy', text: 'Running for 12m' });
    });

    it('a read that has not answered by the deadline still resolves, with the problem shown', async () => {
      const f = fakes(undefined, { read: () => new Promise<ResolveRead>(() => {}) });
      await f.pipeline.process(webhookPayload(), log);
      const started = Date.now();
      const outcome = await f.pipeline.process(webhookPayload([crashLoopAlert({ status: 'resolved' })]), log, { deadline: started + 300 });
      expect(outcome).toEqual({ kind: 'delivered', alerts: 1 });
      const doc = f.delivered[1]?.documents[0];
      expect(doc?.resolution?.state).toBe('unknown');
      expect(doc?.problems.at(-1)).toEqual({
        source: 'pod',
        kind: 'timeout',
        message: 'pod payment-svc-7b9f6d-xk2p could not be read on resolve before the request deadline',
      });
      // The firing document remembered for the next resolve is not changed by this one.
      expect(f.delivered[0]?.documents[0]?.problems.some((p) => p.message.includes('on resolve'))).toBe(false);
    });

    it('a reader that throws still resolves, with its message as the problem', async () => {
      const f = fakes(undefined, { read: () => Promise.reject(new Error('socket hang up')) });
      await f.pipeline.process(webhookPayload(), log);
      await f.pipeline.process(webhookPayload([crashLoopAlert({ status: 'resolved' })]), log);
      const doc = f.delivered[1]?.documents[0];
      expect(doc?.resolution?.state).toBe('unknown');
      expect(doc?.problems.at(-1)?.message).toBe('pod payment-svc-7b9f6d-xk2p could not be read on resolve: socket hang up');
    });

    it("asks for the owner's pods through the selector read at firing, and names the replacement", async () => {
      const asked: unknown[] = [];
      const firingPod = podFacts({
        metadata: {
          name: 'payment-svc-7b9f6d-xk2p',
          namespace: 'payments',
          labels: { app: 'payment-svc', 'pod-template-hash': '7b9f6d' },
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'payment-svc-7b9f6d', uid: 'rs1', controller: true }],
        },
        spec: { containers: [{ name: 'payment-svc', image: 'payments/svc:2.1' }] },
        status: { phase: 'Running', containerStatuses: [{ name: 'payment-svc', image: 'payments/svc:2.1', imageID: '', ready: false, restartCount: 4 }] },
      });
      const replacement = podFacts({
        metadata: {
          name: 'payment-svc-7b9f6d-q8w2e',
          namespace: 'payments',
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'payment-svc-7b9f6d', uid: 'rs1', controller: true }],
          labels: { 'pod-template-hash': '7b9f6d' },
        },
        spec: { containers: [{ name: 'payment-svc', image: 'payments/svc:2.1' }] },
        status: {
          phase: 'Running',
          containerStatuses: [
            {
              name: 'payment-svc',
              image: 'payments/svc:2.1',
              imageID: '',
              ready: true,
              restartCount: 0,
              state: { running: { startedAt: new Date(Date.now() - 180_000) } },
            },
          ],
        },
      });
      const delivered: DeliveryBatch[] = [];
      const steps: string[] = [];
      const pipeline = createPipeline({
        evidence: {
          gather: async (alerts) => {
            steps.push('evidence');
            return alerts.map(() => ({
              now: new Date().toISOString(),
              target: { namespace: 'payments', pod: firingPod.name },
              pod: firingPod,
              events: [],
              problems: [],
            }));
          },
        },
        workloads: {
          start: (labels) => {
            steps.push(`owner of ${labels['pod']}`);
            return {
              confirm: async () => ({
                workload: { kind: 'Deployment', name: 'payment-svc' },
                namespace: 'payments',
                revisions: [],
                problems: [],
                podSelector: 'app=payment-svc',
              }),
            };
          },
          forget: (_labels, namespace, workload) => steps.push(`forget ${namespace} ${workload.kind}/${workload.name}`),
        },
        resolvedPods: {
          async read(_labels, _namespace, _pod, options) {
            asked.push(options);
            return { kind: 'gone', owner: { kind: 'listed', truncated: false, pods: [{ pod: replacement, createdAt: new Date().toISOString() }] } };
          },
        },
        diagnose,
        notifier: {
          async deliver(batch) {
            delivered.push(batch);
            return { kind: 'delivered', permanentFailures: [] };
          },
        },
        metrics: createMetrics({ defaultMetrics: false }),
        state: pipelineState(),
      });
      await pipeline.process(webhookPayload([crashLoopAlert({ startsAt: new Date(Date.now() - 3_600_000).toISOString() })]), log);
      expect(delivered[0]?.documents[0]?.target.ownerSelector).toBe('app=payment-svc');
      const deadline = Date.now() + 5_000;
      await pipeline.process(webhookPayload([crashLoopAlert({ status: 'resolved' })]), log, { deadline });
      expect(asked).toEqual([{ ownerSelector: 'app=payment-svc', deadline: expect.any(Number) }]);
      expect((asked[0] as { deadline: number }).deadline).toBeLessThan(deadline);
      expect(delivered[1]?.documents[0]?.resolution).toEqual({ state: 'replaced', text: 'replaced by pod payment-svc-7b9f6d-q8w2e (Running for 3m, ready)' });
      // The owner's read started before the evidence was asked for; the resolve made the workload read afresh next time.
      expect(steps).toEqual(['owner of payment-svc-7b9f6d-xk2p', 'evidence', 'forget payments Deployment/payment-svc']);
    });

    it('a resolve with no firing message to reuse decides from the evidence it reads', async () => {
      const f = fakes();
      await f.pipeline.process(webhookPayload([crashLoopAlert({ status: 'resolved' })]), log);
      const doc = f.delivered[0]?.documents[0];
      expect(doc?.status).toBe('resolved');
      expect(doc?.resolution?.state).toBe('unknown');
    });
  });
});
