/**
 * Evidence for every alert of one webhook payload, reading each pod, its events and each container's
 * log once: the stock rules fire KubePodCrashLooping and KubePodNotReady together for one crash loop
 * (docs/architecture.md "The alerts it takes"), and several containers of one pod may alert at once. Coalescing is per batch, so a
 * later payload always sees fresh state.
 */
import type { Evidence } from '../diagnosis/evidence.ts';
import { type GatherDeps, gatherEvidence } from './gather-evidence.ts';
import type { KubeReader } from './reader.ts';
import type { KubeTarget } from './target.ts';

/** Evidence in the order of `targets`; never rejects (failures are in each `problems`). */
export function gatherForAlerts(deps: GatherDeps, targets: readonly KubeTarget[], now: Date): Promise<Evidence[]> {
  const kube = coalescingReader(deps.kube);
  return Promise.all(targets.map((target) => gatherEvidence({ ...deps, kube }, target, now)));
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
  };
}
