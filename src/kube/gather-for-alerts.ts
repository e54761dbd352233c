/**
 * Evidence for every alert of one webhook payload, reading each pod, its events and each container's
 * log once: the stock rules fire KubePodCrashLooping and KubePodNotReady together for one crash loop
 * (docs/architecture.md "The alerts it takes"), and several containers of one pod may alert at once. Coalescing is per batch, so a
 * later payload always sees fresh state.
 *
 * Bounded per request: at most `maxInFlight` of its calls at once (the reader's own limiter bounds all
 * requests together), and evidence that is not read by the request's evidence deadline is replaced by
 * a timeout problem: the alert is still delivered, as it would be in an API outage, within the budget
 * that Alertmanager waits for.
 */
import { raceDeadline } from '../deadline.ts';
import type { Evidence } from '../diagnosis/evidence.ts';
import { evidenceTarget, type GatherDeps, gatherEvidence, type RequestBounds } from './gather-evidence.ts';
import { createLimiter, type Limiter } from './limiter.ts';
import type { KubeReader } from './reader.ts';
import type { KubeTarget } from './target.ts';

/** Evidence in the order of `targets`; never rejects (failures are in each `problems`). */
export function gatherForAlerts(deps: GatherDeps, targets: readonly KubeTarget[], now: Date, bounds: RequestBounds = {}): Promise<Evidence[]> {
  const limited = bounds.maxInFlight === undefined ? deps.kube : limitedReader(deps.kube, createLimiter(bounds.maxInFlight));
  const kube = coalescingReader(limited);
  return Promise.all(
    targets.map(async (target) => {
      const work = gatherEvidence({ ...deps, kube }, target, now);
      if (bounds.deadline === undefined) return work;
      const raced = await raceDeadline(work, bounds.deadline);
      return raced.kind === 'done' ? raced.value : lateEvidence(target, now, bounds.deadline);
    }),
  );
}

/** An alert whose reads did not finish in time: delivered with what is missing and why. */
function lateEvidence(target: KubeTarget, now: Date, deadline: number): Evidence {
  const seconds = Math.max(0, (deadline - now.getTime()) / 1000).toFixed(1);
  return {
    now: now.toISOString(),
    target: evidenceTarget(target),
    events: [],
    problems: [
      {
        source: 'kube',
        kind: 'timeout',
        message: `the Kubernetes API did not answer within this request's ${seconds} s for reading (REQUEST_BUDGET_MS): the pod, its log and its events are not in this message`,
      },
    ],
  };
}

/** Every call through one limiter: the per-request share of the API. */
export function limitedReader(kube: KubeReader, limiter: Limiter): KubeReader {
  return {
    readPod: (namespace, name) => limiter.run(() => kube.readPod(namespace, name)),
    listPodEvents: (namespace, pod) => limiter.run(() => kube.listPodEvents(namespace, pod)),
    readPreviousLog: (namespace, pod, container, request) => limiter.run(() => kube.readPreviousLog(namespace, pod, container, request)),
    readCurrentLog: (namespace, pod, container, request) => limiter.run(() => kube.readCurrentLog(namespace, pod, container, request)),
    readNode: (name) => limiter.run(() => kube.readNode(name)),
    listServices: (namespace, selector) => limiter.run(() => kube.listServices(namespace, selector)),
    readClaim: (namespace, name) => limiter.run(() => kube.readClaim(namespace, name)),
    listStorageClasses: () => limiter.run(() => kube.listStorageClasses()),
  };
}

/** A reader that makes each distinct read once and hands every caller the same promise. */
export function coalescingReader(kube: KubeReader): KubeReader {
  const reads = new Map<string, Promise<unknown>>();
  const once = <T>(key: string, read: () => Promise<T>): Promise<T> => {
    let promise = reads.get(key) as Promise<T> | undefined;
    if (promise === undefined) {
      promise = read();
      reads.set(key, promise);
    }
    return promise;
  };
  return {
    readPod: (namespace, name) => once(`pod\0${namespace}\0${name}`, () => kube.readPod(namespace, name)),
    listPodEvents: (namespace, pod) => once(`events\0${namespace}\0${pod}`, () => kube.listPodEvents(namespace, pod)),
    readPreviousLog: (namespace, pod, container, request) =>
      once(`log\0${namespace}\0${pod}\0${container}\0${request.tailLines}\0${request.limitBytes}`, () =>
        kube.readPreviousLog(namespace, pod, container, request),
      ),
    readCurrentLog: (namespace, pod, container, request) =>
      once(`current-log\0${namespace}\0${pod}\0${container}\0${request.tailLines}\0${request.limitBytes}`, () =>
        kube.readCurrentLog(namespace, pod, container, request),
      ),
    readNode: (name) => once(`node\0${name}`, () => kube.readNode(name)),
    listServices: (namespace, selector) =>
      once(`services\0${namespace ?? ''}\0${selector.fieldSelector ?? ''}\0${selector.labelSelector ?? ''}`, () => kube.listServices(namespace, selector)),
    readClaim: (namespace, name) => once(`claim\0${namespace}\0${name}`, () => kube.readClaim(namespace, name)),
    listStorageClasses: () => once('storageclasses', () => kube.listStorageClasses()),
  };
}
