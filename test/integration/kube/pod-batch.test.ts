/**
 * Pod reads queued behind the shared limiter share one `list pods` per ReplicaSet or StatefulSet
 * (src/kube/pod-batch.ts), counted and checked by the fake API server over TLS: what the list costs,
 * that each pod is the one its own get returns, and that every pod the list cannot answer for itself
 * (gone, refused list) still gets its own answer, a 404 its own message.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Evidence } from '../../../src/diagnosis/evidence.ts';
import { gatherForAlerts } from '../../../src/kube/gather-for-alerts.ts';
import { KubeReadError } from '../../../src/kube/kube-error.ts';
import { createKubeReader, type KubeApiReader } from '../../../src/kube/reader.ts';
import { deploymentScenario, setScenario } from '../../fixtures/kube/workloads.ts';
import { type FakeKubeApi, startFakeKubeApi } from '../../support/fake-kube-api.ts';

const now = new Date('2026-12-01T10:00:00Z');
const revisions = [{ image: 'registry.acme.io/app:1.1', minutesAgo: 20 }];
const web = deploymentScenario({ namespace: 'shop', name: 'web', replicas: 7, revisions, crashing: 6, now });
const cart = deploymentScenario({ namespace: 'shop', name: 'cart', replicas: 2, revisions, crashing: 2, now });
const db = setScenario({ kind: 'StatefulSet', namespace: 'shop', name: 'db', replicas: 4, revisions, crashing: 4, now });
const scenarios = [web, cart, db];

let api: FakeKubeApi;
const readers: KubeApiReader[] = [];
const reader = (maxInFlight: number): KubeApiReader => {
  const r = createKubeReader({ kubeconfigPath: api.kubeconfigPath, timeoutMs: 5000, maxInFlight });
  readers.push(r);
  return r;
};

beforeAll(async () => {
  api = await startFakeKubeApi({
    latencyMs: 20,
    objects: scenarios.flatMap((s) => s.objects),
    pods: scenarios.flatMap((s) => s.pods),
    events: scenarios.flatMap((s) => s.events),
    logs: scenarios.flatMap((s) => s.logs),
  });
});
afterEach(async () => {
  await Promise.all(readers.splice(0).map((r) => r.close()));
});
afterAll(async () => {
  await api.close();
});

const podCalls = () =>
  api.requests
    .filter((r) => r.resource === 'pods')
    .map((r) => (r.path.endsWith('/pods') ? `list ${r.query['labelSelector']}` : `get ${r.path.split('/').at(-1)}`));
const hashOf = (pod: string): string => pod.split('-').at(-2) ?? '';
/** What a get answers for the pod, for comparison: the object as the API holds it. */
const asStored = (name: string): unknown => {
  const pod = scenarios.flatMap((s) => s.pods).find((p) => (p['metadata'] as { name: string }).name === name) as V1Pod;
  return { metadata: pod.metadata, spec: pod.spec, status: pod.status };
};
const comparable = (pod: V1Pod): unknown => ({ metadata: pod.metadata, spec: pod.spec, status: pod.status });

describe('pod reads that queue share a list', () => {
  it("a ReplicaSet's pods: the first read alone (its slot was free), the five queued behind it in one list by pod-template-hash", async () => {
    const r = reader(1);
    api.resetRequests();
    const pods = await Promise.all(web.crashing.map((name) => r.readPod('shop', name)));
    expect(podCalls()).toEqual([`get ${web.crashing[0]}`, `list pod-template-hash=${hashOf(web.crashing[0] as string)}`]);
    expect(api.requests.find((q) => q.path.endsWith('/pods'))?.query['limit']).toBe('100');
    pods.forEach((pod, i) => {
      expect(comparable(pod)).toEqual(asStored(web.crashing[i] as string));
    });
  });

  it("a StatefulSet's pods: one list naming exactly the queued pods", async () => {
    const r = reader(1);
    api.resetRequests();
    const pods = await Promise.all(db.crashing.map((name) => r.readPod('shop', name)));
    expect(podCalls()).toEqual(['get db-0', 'list statefulset.kubernetes.io/pod-name in (db-1,db-2,db-3)']);
    expect(pods.map((p) => p.metadata?.name)).toEqual(db.crashing);
  });

  it('pods of two ReplicaSets queue in two batches; a pod asked for twice is read once', async () => {
    const r = reader(1);
    api.resetRequests();
    const names = [web.crashing[0], cart.crashing[0], web.crashing[1], cart.crashing[1], web.crashing[1]] as string[];
    const pods = await Promise.all(names.map((name) => r.readPod('shop', name)));
    expect(pods.map((p) => p.metadata?.name)).toEqual(names);
    expect(podCalls()).toEqual([`get ${web.crashing[0]}`, `list pod-template-hash=${hashOf(cart.crashing[0] as string)}`, `get ${web.crashing[1]}`]);
  });

  it('with a free slot a read is the same get as ever', async () => {
    const r = reader(10);
    api.resetRequests();
    await Promise.all(web.crashing.slice(0, 3).map((name) => r.readPod('shop', name)));
    expect(podCalls()).toEqual(web.crashing.slice(0, 3).map((n) => `get ${n}`));
  });

  it('a pod the list does not hold (deleted since the alert) gets its own 404; the others come from the list', async () => {
    const gone = web.crashing[5] as string;
    api.deletePod('shop', gone);
    try {
      const r = reader(1);
      api.resetRequests();
      const reads = await Promise.allSettled(web.crashing.map((name) => r.readPod('shop', name)));
      expect(reads.slice(0, 5).every((s) => s.status === 'fulfilled')).toBe(true);
      const failed = reads[5];
      expect(failed?.status).toBe('rejected');
      const error = (failed as PromiseRejectedResult).reason as KubeReadError;
      expect(error).toBeInstanceOf(KubeReadError);
      expect(error.kind).toBe('not-found');
      expect(error.message).toBe(`pods "${gone}" not found`);
      expect(podCalls()).toEqual([`get ${web.crashing[0]}`, `list pod-template-hash=${hashOf(gone)}`, `get ${gone}`]);
    } finally {
      api.setPod(web.pods[5] as object);
    }
  });

  it('a list the API refuses (403 on list pods) costs each queued pod its own get, and each is read', async () => {
    const r = reader(1);
    api.resetRequests();
    // A RoleBinding that grants `get pods` and not `list` in this namespace (k8s.io/apiserver forbiddenMessage, no name for a list).
    const message =
      'pods is forbidden: User "system:serviceaccount:crashtriage:crashtriage" cannot list resource "pods" in API group "" in the namespace "shop"';
    api.failNext(/\/namespaces\/shop\/pods$/, { status: 403, message }, 1);
    const pods = await Promise.all(web.crashing.slice(0, 4).map((name) => r.readPod('shop', name)));
    expect(pods.map((p) => p.metadata?.name)).toEqual(web.crashing.slice(0, 4));
    expect(podCalls()).toEqual([
      `get ${web.crashing[0]}`,
      `list pod-template-hash=${hashOf(web.crashing[0] as string)}`,
      ...web.crashing.slice(1, 4).map((n) => `get ${n}`),
    ]);
  });

  it('a list cut off by the connection fails every queued pod as their gets would have, without more calls', async () => {
    const r = reader(1);
    api.resetRequests();
    api.failNext(/\/namespaces\/shop\/pods$/, 'reset', 1);
    const reads = await Promise.allSettled(web.crashing.slice(0, 4).map((name) => r.readPod('shop', name)));
    expect(reads[0]?.status).toBe('fulfilled');
    for (const read of reads.slice(1)) {
      expect(read.status).toBe('rejected');
      expect(((read as PromiseRejectedResult).reason as KubeReadError).kind).toBe('connection');
    }
    expect(podCalls()).toHaveLength(2);
  });
});

describe('evidence from a batched read', () => {
  const targets = [...web.crashing, ...db.crashing].map((pod) => ({ namespace: 'shop', pod, container: 'app' }));
  const stable = (e: Evidence): unknown => ({ ...e, now: undefined });

  it("every alert's evidence is the same as its pod read alone, with fewer pod calls", async () => {
    api.resetRequests();
    const alone = await gatherForAlerts({ kube: reader(100) }, targets, now);
    expect(podCalls()).toHaveLength(targets.length);
    api.resetRequests();
    const batched = await gatherForAlerts({ kube: reader(2) }, targets, now);
    expect(podCalls().length).toBeLessThan(targets.length);
    expect(batched.map(stable)).toEqual(alone.map(stable));
    expect(batched.every((e) => e.problems.length === 0 && e.log !== undefined && e.events.length > 0)).toBe(true);
  });
});
