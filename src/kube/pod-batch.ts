/**
 * Pod reads that would wait for a slot of the shared limiter (limiter.ts) wait together: the pods of
 * one ReplicaSet or one StatefulSet whose reads queue up in a storm are read by one `list pods` when
 * the first of them gets its slot, instead of one `get pods` each.
 *
 * Why the pod and not the events or the log: the log is one container's and only its own read says
 * what that instance wrote; events can only be listed per object or per namespace (a field selector
 * has no "in"), and a storm's namespace holds thousands of them. A ReplicaSet's pods share a label
 * their names carry (`pod-template-hash`, the name's second-to-last part) and a StatefulSet's pods
 * each have their name as a label (`statefulset.kubernetes.io/pod-name`), so one list by label
 * returns the pods a batch asks for, and is bounded: a StatefulSet's by its members, a ReplicaSet's
 * by `BATCH_LIST_LIMIT`.
 *
 * What stays as it was:
 * - freshness: a batch is closed and listed when its first member's turn comes, after every member's
 *   alert arrived, so each pod is as fresh as its own get would have been, and never older;
 * - a lone read: with a free slot the batch closes at once with one member and is the same `get pods`;
 * - each pod's own answer: a member the list does not hold (gone, renamed, beyond the limit, a name
 *   that only looked conventional) and every member of a list the API refused for its own reasons
 *   (403 on `list`, 404, an answer too large) is read by its own `get`, one round later, so that a
 *   404 or a 403 is the pod's own; a failure any get would have met too (timeout, connection, TLS,
 *   credentials) is every member's.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { classifyKubeError } from './kube-error.ts';
import { ownersFromPodName } from './owner-guess.ts';

/** At a few kB a pod (its spec, status and managed fields), 100 stay well under the reader's 4 MiB response bound. */
export const BATCH_LIST_LIMIT = 100;

export interface PodBatchDeps {
  /** Runs `task` when the shared limiter gives it a slot: at once (synchronously) when one is free. */
  slot<T>(task: () => Promise<T>): Promise<T>;
  /** One `get pods`, in a slot already held. */
  get(namespace: string, name: string): Promise<V1Pod>;
  /** One `list pods` by label selector, in a slot already held. */
  list(namespace: string, labelSelector: string, limit: number): Promise<{ pods: V1Pod[] }>;
}

/** Which pods may share a list, and the selector that lists them. */
export interface PodGroup {
  key: string;
  selector(members: readonly string[]): string;
}

/** The group a pod's name puts it in, by the controllers' naming conventions (owner-guess.ts); none for other names. */
export function podGroupOf(pod: string): PodGroup | undefined {
  const [owner] = ownersFromPodName(pod);
  if (owner?.kind === 'Deployment' && owner.templateHash !== undefined) {
    const selector = `pod-template-hash=${owner.templateHash}`;
    return { key: `rs\0${owner.templateHash}`, selector: () => selector };
  }
  if (owner?.kind === 'StatefulSet') {
    return { key: `sts\0${owner.name}`, selector: (members) => `statefulset.kubernetes.io/pod-name in (${[...members].sort().join(',')})` };
  }
  return undefined;
}

/** Failures that do not depend on what was asked for: a get would have met them too. */
const SHARED_FAILURES = new Set(['timeout', 'connection', 'tls', 'unauthorized']);

/** One pod a batch will answer: every alert asking for it shares `promise`. */
interface Member {
  promise: Promise<V1Pod>;
  settle(read: Promise<V1Pod>): void;
}

function newMember(): Member {
  let settle: (read: Promise<V1Pod>) => void = () => {};
  const promise = new Promise<V1Pod>((resolve) => {
    settle = resolve;
  });
  return { promise, settle };
}

interface Batch {
  group: PodGroup;
  members: Map<string, Member>;
}

export function createPodBatcher(deps: PodBatchDeps): (namespace: string, name: string) => Promise<V1Pod> {
  /** Batches still waiting for their slot, by namespace and group. */
  const open = new Map<string, Batch>();

  const alone = (namespace: string, name: string): Promise<V1Pod> => deps.slot(() => deps.get(namespace, name));

  const run = async (namespace: string, key: string, batch: Batch): Promise<void> => {
    // Closed: a pod asked for from now on waits for the next batch.
    if (open.get(key) === batch) open.delete(key);
    const members = [...batch.members];
    if (members.length === 1) {
      const [name, member] = members[0] as [string, Member];
      const read = deps.get(namespace, name);
      member.settle(read);
      // The slot is held until the answer is in, as for any call.
      await read.catch(() => {});
      return;
    }
    let pods: Map<string, V1Pod> | undefined;
    try {
      const page = await deps.list(namespace, batch.group.selector(members.map(([name]) => name)), BATCH_LIST_LIMIT);
      pods = new Map(page.pods.map((p) => [p.metadata?.name ?? '', p]));
    } catch (err) {
      if (SHARED_FAILURES.has(classifyKubeError(err, 0).kind)) {
        for (const [, member] of members) member.settle(Promise.reject(err));
        return;
      }
    }
    for (const [name, member] of members) {
      const pod = pods?.get(name);
      // A fallback starts after this task has given its slot back, so it never waits on its own batch.
      member.settle(pod === undefined ? Promise.resolve().then(() => alone(namespace, name)) : Promise.resolve(pod));
    }
  };

  return (namespace, name) => {
    const group = podGroupOf(name);
    if (group === undefined) return alone(namespace, name);
    const key = `${namespace}\0${group.key}`;
    const waiting = open.get(key);
    const batch = waiting ?? { group, members: new Map<string, Member>() };
    let member = batch.members.get(name);
    if (member === undefined) {
      member = newMember();
      batch.members.set(name, member);
    }
    if (waiting === undefined) {
      open.set(key, batch);
      // Every failure reaches the members through `settle`; the slot's own promise has nothing more to say.
      deps.slot(() => run(namespace, key, batch)).catch(() => {});
    }
    return member.promise;
  };
}
