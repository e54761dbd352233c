/**
 * The read on resolve through the real reader against the fake API over TLS: the pod once, and,
 * when it is gone or being deleted, one bounded list of its owner's pods, raced against the deadline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClusterReaders, createClusterReaders, REPLACEMENT_LIST_LIMIT } from '../../../src/kube/clusters.ts';
import { type FakeKubeApi, startFakeKubeApi } from '../../support/fake-kube-api.ts';

const rs = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'checkout-5c7d9', uid: 'rs-1', controller: true }];
const pod = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    namespace: 'shop',
    name,
    labels: { app: 'checkout', 'pod-template-hash': '5c7d9' },
    ownerReferences: rs,
    creationTimestamp: '2026-11-30T09:58:00Z',
    ...extra,
  },
  spec: { containers: [{ name: 'app', image: 'shop/checkout:1' }] },
  status: { phase: 'Running' },
});

let api: FakeKubeApi;
let clusters: ClusterReaders;

beforeAll(async () => {
  api = await startFakeKubeApi({ pods: [pod('checkout-5c7d9-new01'), pod('checkout-5c7d9-going', { deletionTimestamp: '2026-11-30T09:59:00Z' })] });
  clusters = createClusterReaders({ clusterLabel: 'cluster', clusters: {}, reader: { kubeconfigPath: api.kubeconfigPath, timeoutMs: 5000 } });
});
afterAll(async () => {
  await clusters.close();
  await api.close();
});

const paths = () => api.requests.map((r) => `${r.path}${r.query['labelSelector'] === undefined ? '' : ` ${r.query['labelSelector']} ${r.query['limit']}`}`);

describe('readResolved', () => {
  it('a gone pod: one get (404), then one list of the owner by its selector', async () => {
    api.resetRequests();
    const read = await clusters.readResolved({}, 'shop', 'checkout-5c7d9-old00', { ownerSelector: 'app=checkout' });
    expect(read.kind).toBe('gone');
    expect(read.kind === 'gone' && read.owner?.kind === 'listed' ? read.owner.pods.map((p) => [p.pod.name, p.createdAt]) : []).toEqual([
      ['checkout-5c7d9-going', '2026-11-30T09:58:00Z'],
      ['checkout-5c7d9-new01', '2026-11-30T09:58:00Z'],
    ]);
    expect(paths()).toEqual(['/api/v1/namespaces/shop/pods/checkout-5c7d9-old00', `/api/v1/namespaces/shop/pods app=checkout ${REPLACEMENT_LIST_LIMIT}`]);
  });

  it('a pod being deleted is listed for too; a running one, or no selector known, costs only the get', async () => {
    api.resetRequests();
    const going = await clusters.readResolved({}, 'shop', 'checkout-5c7d9-going', { ownerSelector: 'app=checkout' });
    expect(going.kind === 'pod' && going.owner?.kind).toBe('listed');
    await clusters.readResolved({}, 'shop', 'checkout-5c7d9-new01', { ownerSelector: 'app=checkout' });
    const unknown = await clusters.readResolved({}, 'shop', 'checkout-5c7d9-old00', {});
    expect(unknown).toEqual({ kind: 'gone' });
    expect(api.requests.filter((r) => r.path === '/api/v1/namespaces/shop/pods')).toHaveLength(1);
  });

  it('a list that hangs past the deadline is late; one the API refuses is failed; the gone pod is still said', async () => {
    api.failNext(/^\/api\/v1\/namespaces\/shop\/pods$/, 'hang');
    const late = await clusters.readResolved({}, 'shop', 'checkout-5c7d9-old00', {
      ownerSelector: 'app=checkout',
      deadline: Date.now() + 300,
    });
    expect(late).toEqual({ kind: 'gone', owner: { kind: 'late' } });
    api.failNext(/^\/api\/v1\/namespaces\/shop\/pods$/, {
      status: 403,
      message: 'pods is forbidden: User "system:serviceaccount:crashtriage:crashtriage" cannot list resource "pods"',
    });
    const refused = await clusters.readResolved({}, 'shop', 'checkout-5c7d9-old00', { ownerSelector: 'app=checkout' });
    expect(refused.kind === 'gone' && refused.owner).toMatchObject({ kind: 'failed', problemKind: 'forbidden' });
  });
});
