/**
 * Owners and their revisions through the real client against the fake API server's apps/v1 and
 * batch/v1 paths: what each kind costs, what the facts say, and what a missing permission says.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { podFacts } from '../../../src/kube/pod-facts.ts';
import { createKubeReader, type KubeApiReader } from '../../../src/kube/reader.ts';
import { createWorkloadSource, readWorkloadFacts } from '../../../src/kube/workload-facts.ts';
import { deploymentScenario, setScenario } from '../../fixtures/kube/workloads.ts';
import { type FakeKubeApi, startFakeKubeApi } from '../../support/fake-kube-api.ts';

const NOW = new Date('2026-11-30T13:00:00Z');
const checkout = deploymentScenario({
  namespace: 'shop',
  name: 'checkout',
  replicas: 3,
  firstRevision: 6,
  revisions: [
    { image: 'registry.acme.io/checkout:2.2.0', minutesAgo: 60 * 24 * 9 },
    { image: 'registry.acme.io/checkout:2.3.0', minutesAgo: 60 * 24 * 2 },
    { image: 'registry.acme.io/checkout:2.4.0', env: ['PAYMENTS_URL'], minutesAgo: 7 },
  ],
  crashing: 3,
  now: NOW,
});
const db = setScenario({
  kind: 'StatefulSet',
  namespace: 'data',
  name: 'ledger',
  replicas: 3,
  revisions: [
    { image: 'postgres:16.4', minutesAgo: 5000 },
    { image: 'postgres:17.0', minutesAgo: 12 },
  ],
  crashing: 2,
  now: NOW,
});
const agent = setScenario({
  kind: 'DaemonSet',
  namespace: 'monitoring',
  name: 'log-agent',
  replicas: 4,
  revisions: [{ image: 'fluent-bit:3.1', minutesAgo: 300 }],
  crashing: 2,
  now: NOW,
});
const cronPod = {
  metadata: {
    name: 'nightly-report-28912345-8kq2m',
    namespace: 'batch',
    ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'nightly-report-28912345', uid: 'j1', controller: true }],
  },
  spec: { containers: [{ name: 'report', image: 'report:1' }] },
};
const job = {
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: {
    name: 'nightly-report-28912345',
    namespace: 'batch',
    uid: 'j1',
    ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly-report', uid: 'c1', controller: true, blockOwnerDeletion: true }],
  },
  spec: { template: { spec: { containers: [{ name: 'report', image: 'report:1' }], restartPolicy: 'Never' } } },
  status: { active: 1 },
};

let api: FakeKubeApi;
let reader: KubeApiReader;
const pod = (raw: object) => podFacts(raw as never);

beforeAll(async () => {
  api = await startFakeKubeApi({ objects: [...checkout.objects, ...db.objects, ...agent.objects, job] });
  reader = createKubeReader({ kubeconfigPath: api.kubeconfigPath, timeoutMs: 5000 });
});
afterAll(async () => {
  await reader.close();
  await api.close();
});

describe('workload facts through the real client', () => {
  it('Deployment: two reads, readiness from its status, the ReplicaSets as revisions with their templates', async () => {
    api.resetRequests();
    const facts = await readWorkloadFacts(reader.workloads, pod(checkout.pods[0] as object));
    expect(api.requests.map((r) => `${r.resource} ${r.query['labelSelector'] ?? ''}`.trim())).toEqual(['deployments', 'replicasets app=checkout']);
    expect(facts.workload).toEqual({ kind: 'Deployment', name: 'checkout' });
    expect(facts.podSelector).toBe('app=checkout');
    expect(facts.ready).toEqual({ ready: 0, desired: 3 });
    expect(facts.revisions.map((r) => [r.revision, r.template?.containers[0]?.image])).toEqual([
      [6, 'registry.acme.io/checkout:2.2.0'],
      [7, 'registry.acme.io/checkout:2.3.0'],
      [8, 'registry.acme.io/checkout:2.4.0'],
    ]);
    expect(facts.problems).toEqual([]);
  });

  it('a selector with matchExpressions is sent whole, and the server applies it to the ReplicaSets', async () => {
    const deployment = checkout.objects.find((o) => o['kind'] === 'Deployment') as { spec: { selector: Record<string, unknown> } };
    const withExpressions = structuredClone(deployment);
    withExpressions.spec.selector = {
      matchLabels: { app: 'checkout' },
      matchExpressions: [
        { key: 'pod-template-hash', operator: 'Exists' },
        { key: 'track', operator: 'NotIn', values: ['canary'] },
      ],
    };
    api.setObject(withExpressions);
    try {
      api.resetRequests();
      const facts = await readWorkloadFacts(reader.workloads, pod(checkout.pods[0] as object));
      expect(facts.podSelector).toBe('app=checkout,pod-template-hash,track notin (canary)');
      expect(api.requests.map((r) => r.query['labelSelector'])).toEqual([undefined, 'app=checkout,pod-template-hash,track notin (canary)']);
      expect(facts.revisions.map((r) => r.revision)).toEqual([6, 7, 8]);
    } finally {
      api.setObject(deployment);
    }
  });

  it('StatefulSet and DaemonSet: their ControllerRevisions, readiness from each kind status', async () => {
    const sts = await readWorkloadFacts(reader.workloads, pod(db.pods[0] as object));
    expect(sts.ready).toEqual({ ready: 1, desired: 3 });
    expect(sts.revisions.map((r) => [r.revision, r.template?.containers[0]?.image])).toEqual([
      [1, 'postgres:16.4'],
      [2, 'postgres:17.0'],
    ]);
    const ds = await readWorkloadFacts(reader.workloads, pod(agent.pods[0] as object));
    expect(ds.workload).toEqual({ kind: 'DaemonSet', name: 'log-agent' });
    expect(ds.ready).toEqual({ ready: 2, desired: 4 });
    expect(ds.revisions).toHaveLength(1);
  });

  it('Job: one read; the CronJob that owns it is the workload', async () => {
    api.resetRequests();
    const facts = await readWorkloadFacts(reader.workloads, pod(cronPod));
    expect(facts.workload).toEqual({ kind: 'CronJob', name: 'nightly-report' });
    expect(api.requests.map((r) => r.resource)).toEqual(['jobs']);
  });

  it('a bare pod costs nothing', async () => {
    api.resetRequests();
    const facts = await readWorkloadFacts(reader.workloads, pod({ metadata: { name: 'debug', namespace: 'default' } }));
    expect(facts).toEqual({ workload: { kind: 'Pod', name: 'debug' }, namespace: 'default', revisions: [], problems: [] });
    expect(api.requests).toEqual([]);
  });

  it('a missing permission is a problem naming the verb and resource to grant', async () => {
    api.forbid('replicasets');
    const facts = await readWorkloadFacts(reader.workloads, pod(checkout.pods[0] as object));
    expect(facts.revisions).toEqual([]);
    expect(facts.problems).toEqual([
      {
        source: 'kube',
        kind: 'forbidden',
        missingPermission: 'list replicasets.apps',
        message: 'forbidden: the service account cannot list replicasets.apps in namespace "shop"; grant it to read the ReplicaSets of deployment/checkout',
      },
    ]);
  });

  it('reads each workload once for all its pods, concurrent or later within the time to live', async () => {
    let now = 0;
    const source = createWorkloadSource(reader.workloads, { ttlMs: 60_000, clock: () => now });
    api.resetRequests();
    await Promise.all(db.pods.map((p) => source(pod(p))));
    now = 30_000;
    await source(pod(db.pods[1] as object));
    expect(api.requests).toHaveLength(2);
    now = 61_000;
    await source(pod(db.pods[1] as object));
    expect(api.requests).toHaveLength(4);
  });
});
