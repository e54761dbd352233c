/**
 * Owners and their revisions through the real client against the fake API server's apps/v1 and
 * batch/v1 paths: what each kind costs (one round: the owner beside its namespace's history), what
 * the facts say, what a missing permission says, and the per-workload memo.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { podFacts } from '../../../src/kube/pod-facts.ts';
import { createKubeReader, type KubeApiReader } from '../../../src/kube/reader.ts';
import { NAMESPACE_LIST_LIMIT, readWorkloadFacts } from '../../../src/kube/workload-facts.ts';
import { createWorkloadSource } from '../../../src/kube/workload-source.ts';
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
/** The facts of the owner the pod names, as the workload source reads them once confirmed. */
const factsOf = (raw: object) => {
  const p = pod(raw);
  return readWorkloadFacts(reader.workloads, p.namespace, p.owner ?? { kind: 'Pod', name: p.name });
};
const asked = () => api.requests.map((r) => `${r.resource} ${r.query['labelSelector'] ?? ''} ${r.query['limit'] ?? ''}`.trim()).sort();

/** Another Deployment of the namespace: its ReplicaSet is in the namespace's list, never in checkout's revisions. */
const cart = deploymentScenario({ namespace: 'shop', name: 'cart', replicas: 1, revisions: [{ image: 'cart:1', minutesAgo: 90 }], crashing: 0, now: NOW });

beforeAll(async () => {
  api = await startFakeKubeApi({ objects: [...checkout.objects, ...cart.objects, ...db.objects, ...agent.objects, job] });
  reader = createKubeReader({ kubeconfigPath: api.kubeconfigPath, timeoutMs: 5000 });
});
afterAll(async () => {
  await reader.close();
  await api.close();
});

describe('workload facts through the real client', () => {
  it("Deployment: two reads side by side, readiness from its status, its own ReplicaSets of the namespace's as revisions with their templates", async () => {
    api.setLatency(100);
    api.resetRequests();
    const facts = await factsOf(checkout.pods[0] as object).finally(() => api.setLatency(0));
    expect(asked()).toEqual(['deployments', `replicasets  ${NAMESPACE_LIST_LIMIT}`]);
    const [owner, list] = [api.requests.find((r) => r.resource === 'deployments'), api.requests.find((r) => r.resource === 'replicasets')];
    expect(list?.arrivedAt).toBeLessThan(owner?.answeredAt ?? 0);
    expect(owner?.arrivedAt).toBeLessThan(list?.answeredAt ?? 0);
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
    // More ReplicaSets in the namespace than the first round lists: the owner's selector lists its own.
    const filler = Array.from({ length: NAMESPACE_LIST_LIMIT }, (_, i) => ({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: `batch-${String(i).padStart(3, '0')}`, namespace: 'shop', labels: { app: 'batch' } },
    }));
    const crowded = await startFakeKubeApi({ objects: [...checkout.objects.filter((o) => o['kind'] !== 'Deployment'), withExpressions, ...filler] });
    const crowdedReader = createKubeReader({ kubeconfigPath: crowded.kubeconfigPath, timeoutMs: 5000 });
    try {
      const facts = await readWorkloadFacts(crowdedReader.workloads, 'shop', { kind: 'Deployment', name: 'checkout' });
      expect(facts.podSelector).toBe('app=checkout,pod-template-hash,track notin (canary)');
      expect(crowded.requests.map((r) => `${r.resource} ${r.query['labelSelector'] ?? ''} ${r.query['limit'] ?? ''}`.trim()).sort()).toEqual([
        'deployments',
        'replicasets  200',
        'replicasets app=checkout,pod-template-hash,track notin (canary)',
      ]);
      expect(facts.revisions.map((r) => r.revision)).toEqual([6, 7, 8]);
    } finally {
      await crowdedReader.close();
      await crowded.close();
    }
  });

  it('StatefulSet and DaemonSet: their ControllerRevisions, readiness from each kind status', async () => {
    const sts = await factsOf(db.pods[0] as object);
    expect(sts.ready).toEqual({ ready: 1, desired: 3 });
    expect(sts.revisions.map((r) => [r.revision, r.template?.containers[0]?.image])).toEqual([
      [1, 'postgres:16.4'],
      [2, 'postgres:17.0'],
    ]);
    const ds = await factsOf(agent.pods[0] as object);
    expect(ds.workload).toEqual({ kind: 'DaemonSet', name: 'log-agent' });
    expect(ds.ready).toEqual({ ready: 2, desired: 4 });
    expect(ds.revisions).toHaveLength(1);
  });

  it('Job: one read; the CronJob that owns it is the workload', async () => {
    api.resetRequests();
    const facts = await factsOf(cronPod);
    expect(facts.workload).toEqual({ kind: 'CronJob', name: 'nightly-report' });
    expect(api.requests.map((r) => r.resource)).toEqual(['jobs']);
  });

  it('a bare pod costs nothing', async () => {
    api.resetRequests();
    const facts = await factsOf({ metadata: { name: 'debug', namespace: 'default' } });
    expect(facts).toEqual({ workload: { kind: 'Pod', name: 'debug' }, namespace: 'default', revisions: [], problems: [] });
    expect(api.requests).toEqual([]);
  });

  it('a missing permission is a problem naming the verb and resource to grant', async () => {
    const forbidding = await startFakeKubeApi({ objects: checkout.objects, forbidden: ['replicasets'] });
    const limited = createKubeReader({ kubeconfigPath: forbidding.kubeconfigPath, timeoutMs: 5000 });
    const facts = await readWorkloadFacts(limited.workloads, 'shop', { kind: 'Deployment', name: 'checkout' }).finally(async () => {
      await limited.close();
      await forbidding.close();
    });
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
});

describe('the workload source: started from the labels, confirmed by the pod, remembered per workload', () => {
  const labelsOf = (raw: object) => {
    const p = pod(raw);
    return { namespace: p.namespace, pod: p.name };
  };
  /** What an alert about `raw` costs: the reads started from its labels, then confirmed by the pod. */
  const through = (source: ReturnType<typeof createWorkloadSource>, raw: object) => source.start(labelsOf(raw)).confirm(pod(raw));

  it('reads each workload once for all its pods, concurrent or later within the time to live', async () => {
    let now = 0;
    const source = createWorkloadSource(reader.workloads, { ttlMs: 30_000, clock: () => now });
    api.resetRequests();
    await Promise.all(db.pods.map((p) => through(source, p)));
    now = 29_000;
    await through(source, db.pods[1] as object);
    expect(asked()).toEqual(['controllerrevisions  200', 'statefulsets']);
    now = 30_000;
    await through(source, db.pods[1] as object);
    expect(api.requests).toHaveLength(4);
  });

  it('a resolve forgets the workload: its next alert reads it again', async () => {
    const source = createWorkloadSource(reader.workloads);
    await through(source, db.pods[0] as object);
    api.resetRequests();
    await through(source, db.pods[1] as object);
    expect(api.requests).toEqual([]);
    source.forget('data', { kind: 'StatefulSet', name: 'ledger' });
    await through(source, db.pods[1] as object);
    expect(asked()).toEqual(['controllerrevisions  200', 'statefulsets']);
  });

  it('a pod of a revision the remembered facts do not list (a rollout since) reads the workload again', async () => {
    const source = createWorkloadSource(reader.workloads);
    await through(source, checkout.pods[0] as object);
    const rolledOut = structuredClone(checkout.pods[1]) as { metadata: { name: string; labels: Record<string, string>; ownerReferences: { name: string }[] } };
    rolledOut.metadata.labels['pod-template-hash'] = 'z9x8w7v6q';
    rolledOut.metadata.ownerReferences[0]!.name = 'checkout-z9x8w7v6q';
    rolledOut.metadata.name = 'checkout-z9x8w7v6q-b2c4d';
    api.resetRequests();
    const facts = await through(source, rolledOut);
    expect(asked()).toEqual(['deployments', 'replicasets  200']);
    expect(facts.workload).toEqual({ kind: 'Deployment', name: 'checkout' });
  });

  it('holds at most maxWorkloads: the oldest is read again', async () => {
    const source = createWorkloadSource(reader.workloads, { maxWorkloads: 2 });
    for (const raw of [db.pods[0], agent.pods[0], checkout.pods[0]]) await through(source, raw as object);
    api.resetRequests();
    await through(source, agent.pods[1] as object);
    await through(source, checkout.pods[1] as object);
    expect(api.requests).toEqual([]);
    await through(source, db.pods[1] as object);
    expect(asked()).toEqual(['controllerrevisions  200', 'statefulsets']);
  });

  it("a wrong guess is dropped: the pod's own owner is read, and only its facts are given", async () => {
    const source = createWorkloadSource(reader.workloads);
    // Named like a StatefulSet's pod (ledger-0), owned by the DaemonSet log-agent.
    const misnamed = structuredClone(agent.pods[0]) as { metadata: { name: string; namespace: string } };
    misnamed.metadata.name = 'ledger-0';
    misnamed.metadata.namespace = 'data';
    api.resetRequests();
    const read = source.start({ namespace: 'data', pod: 'ledger-0' });
    const facts = await read.confirm(pod({ ...misnamed, metadata: { ...misnamed.metadata, namespace: 'monitoring' } }));
    expect(facts.workload).toEqual({ kind: 'DaemonSet', name: 'log-agent' });
    expect(facts.problems).toEqual([]);
    expect(JSON.stringify(facts)).not.toContain('ledger');
    // The guess's reads (the StatefulSet ledger and the data namespace's revisions), then the right ones.
    expect(api.requests.map((r) => r.path).sort()).toEqual([
      '/apis/apps/v1/namespaces/data/controllerrevisions',
      '/apis/apps/v1/namespaces/data/statefulsets/ledger',
      '/apis/apps/v1/namespaces/monitoring/controllerrevisions',
      '/apis/apps/v1/namespaces/monitoring/daemonsets/log-agent',
    ]);
  });
});
