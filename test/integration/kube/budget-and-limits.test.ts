/**
 * Call budget, coalescing, the in-flight cap and bounded memory, counted by the fake API server.
 * The node read (one more call, only for evictions and unrecorded SIGKILLs) is counted in
 * node-and-lifecycle.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatherEvidence } from '../../../src/kube/gather-evidence.ts';
import { gatherForAlerts } from '../../../src/kube/gather-for-alerts.ts';
import { createKubeReader, type KubeApiReader } from '../../../src/kube/reader.ts';
import type { KubeTarget } from '../../../src/kube/target.ts';
import { KUBE_SCENARIO_NAMES, KUBE_SCENARIOS } from '../../fixtures/kube/index.ts';
import { type FakeKubeApi, startFakeKubeApi } from '../../support/fake-kube-api.ts';
import { scenarioObjects } from '../../support/kube-fixtures.ts';

const NOW = new Date('2025-03-14T10:30:00Z');
let api: FakeKubeApi;
let reader: KubeApiReader;

beforeAll(async () => {
  api = await startFakeKubeApi(scenarioObjects(KUBE_SCENARIO_NAMES));
  reader = createKubeReader({ kubeconfigPath: api.kubeconfigPath, timeoutMs: 5000 });
});
afterAll(async () => {
  await reader.close();
  await api.close();
});

describe('call budget', () => {
  it.each(KUBE_SCENARIO_NAMES)('%s: at most 4 calls, 3 when the container has a previous instance', async (scenario) => {
    const { namespace, pod, container } = KUBE_SCENARIOS[scenario];
    for (const target of [
      { namespace, pod, container },
      { namespace, pod },
    ] as KubeTarget[]) {
      api.resetRequests();
      await gatherEvidence({ kube: reader }, target, NOW);
      expect(api.requests.length).toBeLessThanOrEqual(4);
      // None of these shows an eviction or an unrecorded SIGKILL: the node is not read.
      expect(api.requests.filter((r) => r.resource === 'nodes')).toEqual([]);
      if (target.container !== undefined || scenario.includes('crashloop')) expect(api.requests.length).toBeGreaterThanOrEqual(3);
    }
  });

  it('the normal case (alert names a crash-looping container) costs exactly 3 calls', async () => {
    api.resetRequests();
    await gatherEvidence({ kube: reader }, { namespace: 'default', pod: 'web-7d4b9c8f6-x2kqp', container: 'app' }, NOW);
    expect(api.requests.map((r) => r.resource).sort()).toEqual(['events', 'pods', 'pods/log']);
  });
});

describe('coalescing', () => {
  it('KubePodCrashLooping + KubePodNotReady for one pod, twice each → 3 calls in all', async () => {
    api.resetRequests();
    const crash = { namespace: 'default', pod: 'web-7d4b9c8f6-x2kqp', container: 'app', alertReason: 'CrashLoopBackOff' };
    const notReady = { namespace: 'default', pod: 'web-7d4b9c8f6-x2kqp' };
    const out = await gatherForAlerts({ kube: reader }, [crash, notReady, crash, notReady], NOW);
    expect(out.every((e) => e.container?.name === 'app' && e.log !== undefined)).toBe(true);
    expect(api.requests.map((r) => r.resource).sort()).toEqual(['events', 'pods', 'pods/log']);
  });

  it('two containers of one pod → one pod read, one events list, one log per container', async () => {
    api.resetRequests();
    const t = { namespace: 'media', pod: 'imgproc-6c9d8f7b5-h7j2p' };
    await gatherForAlerts(
      { kube: reader },
      [
        { ...t, container: 'worker' },
        { ...t, container: 'log-shipper' },
      ],
      NOW,
    );
    const counts = Object.groupBy(api.requests, (r) => r.resource);
    expect(counts.pods).toHaveLength(1);
    expect(counts.events).toHaveLength(1);
    expect(counts['pods/log']?.map((r) => r.query['container']).sort()).toEqual(['log-shipper', 'worker']);
  });
});

describe('in-flight cap', () => {
  it('60 alerts on 20 pods with a cap of 4 → the server never sees more than 4 at once', async () => {
    const slow = await startFakeKubeApi({ ...scenarioObjects(KUBE_SCENARIO_NAMES), latencyMs: 15 });
    const capped = createKubeReader({ kubeconfigPath: slow.kubeconfigPath, timeoutMs: 5000, maxInFlight: 4 });
    try {
      const targets = Array.from({ length: 60 }, (_, i) => {
        const s = KUBE_SCENARIOS[KUBE_SCENARIO_NAMES[i % KUBE_SCENARIO_NAMES.length]!];
        // 20 distinct pods: half exist, half are gone (404s count against the cap as well).
        return { namespace: s.namespace, pod: i % 20 < 10 ? s.pod : `${s.pod}-gone${i % 20}`, container: s.container };
      });
      // Separate batches, so coalescing does not hide the concurrency.
      await Promise.all([
        gatherForAlerts({ kube: capped }, targets.slice(0, 30), new Date()),
        gatherForAlerts({ kube: capped }, targets.slice(30), new Date()),
      ]);
      expect(slow.requests.length).toBeGreaterThan(40);
      expect(slow.maxInFlight).toBe(4);
    } finally {
      await capped.close();
      await slow.close();
    }
  });
});

describe('bounded memory', () => {
  it('an 8 MiB previous log → the evidence holds ≤ limitBytes and the server sent ≤ 2 × limitBytes', async () => {
    const target = { namespace: 'default', pod: 'web-7d4b9c8f6-x2kqp', container: 'app' };
    const line = (i: number): string => `${new Date(1741947961000 + i).toISOString()} INFO request ${i} ${'k=v '.repeat(240)}\n`;
    const lines: string[] = [];
    let size = 0;
    for (let i = 0; size < 8 * 1024 * 1024; i++) {
      lines.push(line(i));
      size += lines[i]!.length;
    }
    lines.push('FATAL: out of retries, exiting\n');
    api.setLog({ ...target, previous: lines.join('') });
    api.resetRequests();
    const limitBytes = 64 * 1024;
    const evidence = await gatherEvidence({ kube: reader, log: { limitBytes } }, target, NOW);
    const held = Buffer.byteLength(evidence.log?.lines.join('\n') ?? '');
    expect(held).toBeGreaterThan(0);
    expect(held).toBeLessThanOrEqual(limitBytes);
    expect(evidence.log?.truncated).toBe(true);
    // The kubelet window cut the end of the 200-line tail; the second read reaches the last line.
    expect(evidence.log?.lines.at(-1)).toBe('FATAL: out of retries, exiting');
    const logCalls = api.requests.filter((r) => r.resource === 'pods/log');
    expect(logCalls).toHaveLength(2);
    expect(logCalls.reduce((sum, r) => sum + r.bytesSent, 0)).toBeLessThanOrEqual(2 * limitBytes);
    expect(api.requests.length).toBe(4);
  });
});
