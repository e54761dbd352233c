/**
 * The two wrappers every request's reads go through (src/kube/gather-for-alerts.ts): the per-request
 * limiter, and the coalescing that makes each distinct read once per request. Checked for each of the
 * reader's eight reads, so a read added to `KubeReader` but not routed through them fails here.
 */
import type { CoreV1Event, V1Node, V1PersistentVolumeClaim, V1Pod, V1Service, V1StorageClass } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { coalescingReader, limitedReader } from '../../../src/kube/gather-for-alerts.ts';
import { createLimiter } from '../../../src/kube/limiter.ts';
import type { KubeReader, LogRequest } from '../../../src/kube/reader.ts';

/** A reader at the port whose every call waits until the test releases it; it records each call. */
function heldReader() {
  const calls: string[] = [];
  const releases: (() => void)[] = [];
  const held = <T>(call: string, value: T): Promise<T> => {
    calls.push(call);
    return new Promise<T>((resolve) => releases.push(() => resolve(value)));
  };
  const reader: KubeReader = {
    readPod: (ns, name) => held(`pod ${ns}/${name}`, { metadata: { name } } as V1Pod),
    listPodEvents: (ns, pod) => held(`events ${ns}/${pod}`, [] as CoreV1Event[]),
    readPreviousLog: (ns, pod, c, r) => held(`log ${ns}/${pod}/${c} ${r.tailLines}/${r.limitBytes}`, 'previous'),
    readCurrentLog: (ns, pod, c, r) => held(`current-log ${ns}/${pod}/${c} ${r.tailLines}/${r.limitBytes}`, 'current'),
    readNode: (name) => held(`node ${name}`, { metadata: { name } } as V1Node),
    listServices: (ns, s) => held(`services ${ns ?? '*'} ${s.fieldSelector ?? ''}${s.labelSelector ?? ''}`, [] as V1Service[]),
    readClaim: (ns, name) => held(`claim ${ns}/${name}`, { metadata: { name } } as V1PersistentVolumeClaim),
    listStorageClasses: () => held('storageclasses', [] as V1StorageClass[]),
  };
  const releaseAll = () => {
    for (const release of releases.splice(0)) release();
  };
  return { reader, calls, releaseAll };
}

const request: LogRequest = { tailLines: 200, limitBytes: 65536 };

/** Each of the eight reads, called once, through `kube`. */
const everyRead = (kube: KubeReader) => [
  kube.readPod('shop', 'api-1'),
  kube.listPodEvents('shop', 'api-1'),
  kube.readPreviousLog('shop', 'api-1', 'app', request),
  kube.readCurrentLog('shop', 'api-1', 'app', request),
  kube.readNode('node-a'),
  kube.listServices(undefined, { fieldSelector: 'metadata.name=redis' }),
  kube.readClaim('shop', 'data'),
  kube.listStorageClasses(),
];

describe('limitedReader', () => {
  it('holds every one of the eight reads to the limiter: with one slot, one call at a time', async () => {
    const { reader, calls, releaseAll } = heldReader();
    const pending = everyRead(limitedReader(reader, createLimiter(1)));
    const started: number[] = [];
    for (let i = 0; i < 8; i++) {
      await new Promise((r) => setImmediate(r));
      started.push(calls.length);
      releaseAll();
    }
    expect(started).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    await Promise.all(pending);
    expect(calls).toEqual([
      'pod shop/api-1',
      'events shop/api-1',
      'log shop/api-1/app 200/65536',
      'current-log shop/api-1/app 200/65536',
      'node node-a',
      'services * metadata.name=redis',
      'claim shop/data',
      'storageclasses',
    ]);
  });
});

describe('coalescingReader', () => {
  it('makes each of the eight reads once however many ask, and hands each asker the answer', async () => {
    const { reader, calls, releaseAll } = heldReader();
    const kube = coalescingReader(reader);
    const first = everyRead(kube);
    const second = everyRead(kube);
    releaseAll();
    const [a, b] = await Promise.all([Promise.all(first), Promise.all(second)]);
    expect(calls).toHaveLength(8);
    expect(b).toEqual(a);
    expect(a[2]).toBe('previous');
    expect(a[3]).toBe('current');
  });

  it('tells reads apart by everything they ask: another pod, container, log bound, node, selector or claim is read again', async () => {
    const { reader, calls, releaseAll } = heldReader();
    const kube = coalescingReader(reader);
    everyRead(kube);
    const others = [
      kube.readPod('shop', 'api-2'),
      kube.listPodEvents('other', 'api-1'),
      kube.readPreviousLog('shop', 'api-1', 'sidecar', request),
      kube.readPreviousLog('shop', 'api-1', 'app', { ...request, tailLines: 50 }),
      kube.readCurrentLog('shop', 'api-1', 'app', { ...request, limitBytes: 1024 }),
      kube.readNode('node-b'),
      kube.listServices('shop', { fieldSelector: 'metadata.name=redis' }),
      kube.listServices('kube-system', { labelSelector: 'k8s-app=kube-dns' }),
      kube.readClaim('shop', 'logs'),
      kube.readClaim('other', 'data'),
    ];
    releaseAll();
    await Promise.all(others);
    expect(calls).toHaveLength(8 + others.length);
  });
});
