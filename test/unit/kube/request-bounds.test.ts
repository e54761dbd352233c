/**
 * One webhook request's share of the API: a per-request cap on calls in flight, so that one group's
 * hanging reads leave room for another group's, and an evidence deadline after which the alert is
 * delivered with a timeout problem instead of waiting.
 */
import { describe, expect, it } from 'vitest';
import { gatherForAlerts, limitedReader } from '../../../src/kube/gather-for-alerts.ts';
import { createLimiter } from '../../../src/kube/limiter.ts';
import type { KubeReader } from '../../../src/kube/reader.ts';
import { inRequestScope } from '../../../src/request-scope.ts';
import { kubeFixture } from '../../fixtures/kube/index.ts';
import { fakeReader } from './fake-reader.ts';

const crash = kubeFixture('deployment-crashloop');
const target = { namespace: crash.namespace, pod: crash.podName, container: crash.container };

/** Wraps a reader: calls about pods whose name starts with `hangPrefix` never answer; counts calls in flight. */
function hangingFor(inner: KubeReader, hangPrefix: string): KubeReader & { inFlight: () => number; peak: () => number } {
  let inFlight = 0;
  let peak = 0;
  const track = async <T>(pod: string, call: () => Promise<T>): Promise<T> => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    try {
      if (pod.startsWith(hangPrefix)) await new Promise(() => undefined);
      return await call();
    } finally {
      inFlight--;
    }
  };
  return {
    readPod: (ns, name) => track(name, () => inner.readPod(ns, name)),
    listPodEvents: (ns, pod) => track(pod, () => inner.listPodEvents(ns, pod)),
    readPreviousLog: (ns, pod, c, r) => track(pod, () => inner.readPreviousLog(ns, pod, c, r)),
    readCurrentLog: (ns, pod, c, r) => track(pod, () => inner.readCurrentLog(ns, pod, c, r)),
    readNode: (name) => track(name, () => inner.readNode(name)),
    listServices: (ns, selector) => track(ns ?? '', () => inner.listServices(ns, selector)),
    readClaim: (ns, name) => track(name, () => inner.readClaim(ns, name)),
    listStorageClasses: () => track('storageclasses', () => inner.listStorageClasses()),
    inFlight: () => inFlight,
    peak: () => peak,
  };
}

describe('request bounds', () => {
  it('evidence not read by the deadline becomes a timeout problem; the alert is not lost', async () => {
    const reader = hangingFor(fakeReader(['deployment-crashloop']), 'slow-');
    const now = new Date();
    const [late, onTime] = await gatherForAlerts({ kube: reader }, [{ ...target, pod: 'slow-pod' }, target], now, { deadline: now.getTime() + 300 });
    expect(late?.target).toEqual({ namespace: crash.namespace, pod: 'slow-pod', container: crash.container });
    expect(late?.problems).toEqual([expect.objectContaining({ source: 'kube', kind: 'timeout', message: expect.stringContaining('REQUEST_BUDGET_MS') })]);
    expect(onTime?.pod?.name).toBe(crash.podName);
    expect(onTime?.problems.filter((p) => p.kind === 'timeout')).toEqual([]);
  });

  it('one request never has more than its share of calls in flight', async () => {
    const reader = hangingFor(fakeReader(['deployment-crashloop']), 'slow-');
    const targets = Array.from({ length: 12 }, (_, i) => ({ ...target, pod: `slow-${i}` }));
    const now = new Date();
    await gatherForAlerts({ kube: reader }, targets, now, { maxInFlight: 3, deadline: now.getTime() + 200 });
    expect(reader.peak()).toBe(3);
  });

  it("a group whose reads hang leaves room for another group's: the second is read as if alone", async () => {
    const reader = hangingFor(fakeReader(['deployment-crashloop']), 'slow-');
    // The process-wide cap (KUBE_MAX_IN_FLIGHT) and the per-request share of it.
    const shared = limitedReader(reader, createLimiter(4));
    const now = new Date();
    const hanging = gatherForAlerts(
      { kube: shared },
      Array.from({ length: 10 }, (_, i) => ({ ...target, pod: `slow-${i}` })),
      now,
      { maxInFlight: 2, deadline: now.getTime() + 2000 },
    );
    const started = performance.now();
    const [evidence] = await gatherForAlerts({ kube: shared }, [target], now, { maxInFlight: 2, deadline: now.getTime() + 2000 });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(evidence?.pod?.name).toBe(crash.podName);
    expect(reader.inFlight()).toBeLessThanOrEqual(4);
    const late = await hanging;
    expect(late.every((e) => e.problems.some((p) => p.kind === 'timeout'))).toBe(true);
  });
  it('ten groups whose reads hang hold the shared cap, and a calm group is still read as if alone', async () => {
    const reader = hangingFor(fakeReader(['deployment-crashloop']), 'slow-');
    // As the service wires it (reader.ts): hanging calls leave their slot after slowAfterMs.
    const shared = limitedReader(reader, createLimiter(4, { slowAfterMs: 100, maxSlow: 16 }));
    const now = new Date();
    const bounds = { maxInFlight: 2, deadline: now.getTime() + 3000 };
    const hanging = Array.from({ length: 10 }, (_, g) =>
      inRequestScope(() =>
        gatherForAlerts(
          { kube: shared },
          Array.from({ length: 10 }, (_, i) => ({ ...target, pod: `slow-${g}-${i}` })),
          now,
          bounds,
        ),
      ),
    );
    await new Promise((r) => setTimeout(r, 50));
    const started = performance.now();
    const [evidence] = await inRequestScope(() => gatherForAlerts({ kube: shared }, [target], now, bounds));
    expect(performance.now() - started).toBeLessThan(1500);
    expect(evidence?.pod?.name).toBe(crash.podName);
    // The cap and the slow lane bound what is in flight, hanging or not.
    expect(reader.peak()).toBeLessThanOrEqual(4 + 16);
    const late = await Promise.all(hanging);
    expect(late.flat().every((e) => e.problems.some((p) => p.kind === 'timeout'))).toBe(true);
  });
});
