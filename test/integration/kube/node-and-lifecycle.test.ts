/**
 * The node read and the current log through the real client against the fake API server over TLS:
 * GET /api/v1/nodes/{name} as the API serves it (cluster-scoped; 404 and 403 `Status` bodies), read
 * only when the pod shows an eviction or an unrecorded SIGKILL, and counted at the server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatherEvidence } from '../../../src/kube/gather-evidence.ts';
import { createKubeReader, type KubeApiReader } from '../../../src/kube/reader.ts';
import { fixtures } from '../../fixtures/diagnosis/index.ts';
import { type FakeKubeApi, startFakeKubeApi } from '../../support/fake-kube-api.ts';

const NOW = new Date('2026-04-09T14:05:00Z');
const NODE = 'ip-10-0-3-17.eu-west-1.compute.internal';

function fixture(name: string) {
  const f = fixtures.find((x) => x.name === name);
  if (f?.pod?.metadata?.name === undefined || f.pod.metadata.namespace === undefined) throw new Error(`no fixture ${name}`);
  return { f, target: { namespace: f.pod.metadata.namespace, pod: f.pod.metadata.name } };
}

const evicted = fixture('evicted-node-memory-pressure');
const killed = fixture('sigkill-node-memory-pressure');
const firstRun = fixture('sigterm-pod-deleting-rollout');

let api: FakeKubeApi;
let reader: KubeApiReader;

beforeAll(async () => {
  api = await startFakeKubeApi({
    pods: [evicted.f.pod ?? {}, killed.f.pod ?? {}, firstRun.f.pod ?? {}],
    events: [...evicted.f.events, ...killed.f.events, ...firstRun.f.events],
    logs: [
      { ...killed.target, container: 'cart-cache', previous: 'serving\n' },
      { ...firstRun.target, container: 'storefront-api', current: 'received SIGTERM, draining\n' },
    ],
  });
  reader = createKubeReader({ kubeconfigPath: api.kubeconfigPath, timeoutMs: 5000 });
});
afterAll(async () => {
  await reader.close();
  await api.close();
});

describe('the node read', () => {
  it('an evicted pod → GET /api/v1/nodes/{name} once; its conditions (RFC 3339 times as the API writes them) in the evidence', async () => {
    api.setNode(evicted.f.node ?? {});
    api.resetRequests();
    const evidence = await gatherEvidence({ kube: reader }, evicted.target, NOW);
    const nodeCalls = api.requests.filter((r) => r.resource === 'nodes');
    expect(nodeCalls.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([`GET /api/v1/nodes/${NODE} 200`]);
    expect(evidence.node?.conditions.find((c) => c.type === 'MemoryPressure')).toMatchObject({ status: 'True', lastTransitionTime: '2026-04-09T14:00:40Z' });
    expect(evidence.pod?.reason).toBe('Evicted');
    expect(api.requests.length).toBeLessThanOrEqual(5);
  });

  it('403 → the Status message says "at the cluster scope" and the problem names get nodes', async () => {
    const denied = await startFakeKubeApi({ pods: [killed.f.pod ?? {}], forbidden: ['nodes'] });
    const r = createKubeReader({ kubeconfigPath: denied.kubeconfigPath, timeoutMs: 5000 });
    try {
      const evidence = await gatherEvidence({ kube: r }, killed.target, NOW);
      const problem = evidence.problems.find((p) => p.source === 'node');
      expect(problem).toMatchObject({ kind: 'forbidden', missingPermission: 'get nodes' });
      expect(problem?.message).toContain('at the cluster scope');
      expect(evidence.container?.name).toBe('cart-cache');
    } finally {
      await r.close();
      await denied.close();
    }
  });

  it('404 (the node is gone) → a node not-found problem; the pod evidence is kept', async () => {
    const bare = await startFakeKubeApi({ pods: [killed.f.pod ?? {}] });
    const r = createKubeReader({ kubeconfigPath: bare.kubeconfigPath, timeoutMs: 5000 });
    try {
      const evidence = await gatherEvidence({ kube: r }, { ...killed.target, container: 'cart-cache' }, NOW);
      expect(bare.requests.find((x) => x.resource === 'nodes')?.status).toBe(404);
      expect(evidence.problems.filter((p) => p.source === 'node').map((p) => p.kind)).toEqual(['not-found']);
      expect(evidence.pod).toBeDefined();
    } finally {
      await r.close();
      await bare.close();
    }
  });
});

describe('the current log', () => {
  it('a container with no previous instance → GET …/log without previous=true; previous: false in the evidence', async () => {
    api.resetRequests();
    const evidence = await gatherEvidence({ kube: reader }, firstRun.target, NOW);
    const logs = api.requests.filter((r) => r.resource === 'pods/log');
    expect(logs).toHaveLength(1);
    expect(logs[0]?.query['previous']).not.toBe('true');
    expect(evidence.log).toMatchObject({ container: 'storefront-api', previous: false, lines: ['received SIGTERM, draining'] });
    expect(api.requests.some((r) => r.resource === 'nodes')).toBe(false);
    expect(evidence.problems).toEqual([]);
  });
});
