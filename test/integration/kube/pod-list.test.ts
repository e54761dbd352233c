/**
 * `list pods` by label selector through the real client against the fake API server over TLS: the
 * PodList shape, selector semantics, `limit` with `metadata.continue` paging, and the 400 Status a
 * malformed selector gets.
 */
import { CoreV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeReadError } from '../../../src/kube/kube-error.ts';
import { createKubeReader, type KubeApiReader } from '../../../src/kube/reader.ts';
import { type FakeKubeApi, startFakeKubeApi } from '../../support/fake-kube-api.ts';

const pod = (namespace: string, name: string, labels: Record<string, string>): V1Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { namespace, name, labels, creationTimestamp: new Date('2026-11-30T09:00:00Z') },
  spec: { containers: [{ name: 'app', image: 'shop/app:1' }] },
  status: { phase: 'Running' },
});

const PODS = [
  pod('shop', 'checkout-5c7d9-e', { app: 'checkout', 'pod-template-hash': '5c7d9' }),
  pod('shop', 'checkout-5c7d9-a', { app: 'checkout', 'pod-template-hash': '5c7d9' }),
  pod('shop', 'checkout-6f8e1-c', { app: 'checkout', 'pod-template-hash': '6f8e1', track: 'canary' }),
  pod('shop', 'cart-77aa1-b', { app: 'cart' }),
  pod('shop', 'checkout-5c7d9-d', { app: 'checkout', 'pod-template-hash': '5c7d9' }),
  pod('other', 'checkout-5c7d9-z', { app: 'checkout' }),
];

let api: FakeKubeApi;
let reader: KubeApiReader;
let core: CoreV1Api;

beforeAll(async () => {
  api = await startFakeKubeApi({ pods: PODS });
  reader = createKubeReader({ kubeconfigPath: api.kubeconfigPath, timeoutMs: 5000 });
  const kc = new KubeConfig();
  kc.loadFromFile(api.kubeconfigPath);
  core = kc.makeApiClient(CoreV1Api);
});
afterAll(async () => {
  await reader.close();
  await api.close();
});

const names = (pods: V1Pod[]): string[] => pods.map((p) => p.metadata?.name ?? '');

describe('list pods by label selector (fake API, real client)', () => {
  it('answers a PodList of the namespace, in name order, with set-based selectors applied', async () => {
    const list = await core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=checkout,track notin (canary)' });
    expect(list.kind).toBe('PodList');
    expect(list.apiVersion).toBe('v1');
    expect(list.metadata?.resourceVersion).toBe('48213400');
    expect(names(list.items)).toEqual(['checkout-5c7d9-a', 'checkout-5c7d9-d', 'checkout-5c7d9-e']);
    expect(list.metadata?._continue).toBeUndefined();
    expect(names((await core.listNamespacedPod({ namespace: 'shop', labelSelector: 'track' })).items)).toEqual(['checkout-6f8e1-c']);
    expect(names((await core.listNamespacedPod({ namespace: 'shop', labelSelector: '!pod-template-hash' })).items)).toEqual(['cart-77aa1-b']);
  });

  it('honours limit and pages on with the continue token, as the API server does', async () => {
    const first = await core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=checkout', limit: 2 });
    expect(names(first.items)).toEqual(['checkout-5c7d9-a', 'checkout-5c7d9-d']);
    const token = first.metadata?._continue;
    expect(token).toEqual(expect.any(String));
    const second = await core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=checkout', limit: 2, _continue: token as string });
    expect(names(second.items)).toEqual(['checkout-5c7d9-e', 'checkout-6f8e1-c']);
    expect(second.metadata?._continue).toBeUndefined();
    // The reader's bounded list says when the API had more.
    expect(await reader.listPodsLimited('shop', 'app=checkout', 2).then((r) => ({ n: r.pods.length, truncated: r.truncated }))).toEqual({
      n: 2,
      truncated: true,
    });
    expect(await reader.listPodsLimited('shop', 'app=checkout', 10).then((r) => ({ n: r.pods.length, truncated: r.truncated }))).toEqual({
      n: 4,
      truncated: false,
    });
    expect(api.requests.at(-1)?.query).toEqual({ labelSelector: 'app=checkout', limit: '10' });
  });

  it('answers a malformed selector with a 400 Status, which the reader reports as a bad request', async () => {
    const error = await reader.listPodsLimited('shop', 'app:monolith', 10).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(KubeReadError);
    expect((error as KubeReadError).status).toBe(400);
    expect((error as KubeReadError).kind).toBe('bad-request');
    expect((error as KubeReadError).message).toContain(
      'Unable to find "/v1, Resource=pods" that match label selector "app:monolith", field selector "": unable to parse requirement: <nil>: Invalid value: "app:monolith"',
    );
    expect(api.requests.at(-1)?.status).toBe(400);
  });
});
