/**
 * Owner facts for alerts, started in the first round and read once per workload in a short while.
 * `start` begins the reads of the owner the alert's labels make likely (owner-guess.ts) while the
 * pod is being read; `confirm` checks that guess against the pod's ownerReferences: a right guess
 * costs no extra round, a wrong one is dropped (its facts, or its failures, never reach the
 * message) and the pod's real owner is read then.
 *
 * The memo: at most `maxWorkloads` workloads (default 256), each for `ttlMs` (default 30 s) from the
 * start of its read, oldest dropped first; in-flight reads are shared, failed ones not kept. An
 * entry is dropped when an alert of the workload resolves (`forget`) and re-read when a pod runs a
 * revision it does not list (a rollout since it was read). 256 workloads of ten revisions with their
 * pod templates are a few MiB.
 */
import type { PodFacts } from '../diagnosis/evidence.ts';
import { podRevisionName, type WorkloadFacts, type WorkloadRef } from '../incidents/workload.ts';
import { guessOwner } from './owner-guess.ts';
import { readWorkloadFacts } from './workload-facts.ts';
import type { WorkloadReader } from './workload-reader.ts';

export const OWNER_MEMO_DEFAULTS = { ttlMs: 30_000, maxWorkloads: 256 } as const;

export interface OwnerRead {
  /** The facts of the pod's own owner (never rejects; failures are in `problems`). */
  confirm(pod: PodFacts): Promise<WorkloadFacts>;
}

export interface WorkloadSource {
  /** Starts the likely owner's reads from the alert's labels, before its pod is read. */
  start(labels: Readonly<Record<string, string>>): OwnerRead;
  /** The workload's facts are read afresh next time (its alert resolved). */
  forget(namespace: string, workload: WorkloadRef): void;
}

interface Entry {
  at: number;
  facts: Promise<WorkloadFacts>;
}

export function createWorkloadSource(reader: WorkloadReader, options: { ttlMs?: number; maxWorkloads?: number; clock?: () => number } = {}): WorkloadSource {
  const ttlMs = options.ttlMs ?? OWNER_MEMO_DEFAULTS.ttlMs;
  const maxWorkloads = options.maxWorkloads ?? OWNER_MEMO_DEFAULTS.maxWorkloads;
  const clock = options.clock ?? Date.now;
  const memo = new Map<string, Entry>();
  const keyOf = (namespace: string, workload: WorkloadRef): string => `${namespace}\0${workload.kind}\0${workload.name}`;

  const fresh = (key: string): Entry | undefined => {
    const entry = memo.get(key);
    if (entry !== undefined && clock() - entry.at < ttlMs) return entry;
    memo.delete(key);
    return undefined;
  };
  const read = (namespace: string, workload: WorkloadRef): Promise<WorkloadFacts> => {
    const key = keyOf(namespace, workload);
    const facts = readWorkloadFacts(reader, namespace, workload);
    memo.delete(key);
    memo.set(key, { at: clock(), facts });
    // Map order is insertion order: the first key is the oldest read.
    for (const oldest of memo.keys()) {
      if (memo.size <= maxWorkloads) break;
      memo.delete(oldest);
    }
    void facts.then((f) => {
      if (f.problems.length > 0 && memo.get(key)?.facts === facts) memo.delete(key);
    });
    return facts;
  };

  return {
    start(labels) {
      const guess = guessOwner(labels);
      /** What this alert started (`mine`) or found in the memo, by workload key. */
      const heads = new Map<string, { facts: Promise<WorkloadFacts>; mine: boolean }>();
      if (guess !== undefined) {
        const keyed = guess.owners.map((owner) => ({ owner, key: keyOf(guess.namespace, owner) }));
        const hits = keyed.flatMap(({ key }) => {
          const entry = fresh(key);
          return entry === undefined ? [] : [{ key, facts: entry.facts }];
        });
        // One known workload settles an ambiguous name (a DaemonSet's pod is not also read as a Job's).
        if (hits.length > 0) for (const { key, facts } of hits) heads.set(key, { facts, mine: false });
        else for (const { owner, key } of keyed) heads.set(key, { facts: read(guess.namespace, owner), mine: true });
      }
      return {
        async confirm(pod) {
          const owner = pod.owner;
          const key = owner === undefined ? undefined : keyOf(pod.namespace, owner);
          // A wrong guess of this alert's leaves the memo, so that it takes no real workload's place.
          for (const [guessed, { facts, mine }] of heads) if (mine && guessed !== key && memo.get(guessed)?.facts === facts) memo.delete(guessed);
          if (owner === undefined || key === undefined)
            return { workload: { kind: 'Pod', name: pod.name }, namespace: pod.namespace, revisions: [], problems: [] };
          const remembered = heads.has(key) ? undefined : fresh(key);
          const head = heads.get(key) ?? (remembered === undefined ? undefined : { facts: remembered.facts, mine: false });
          if (head === undefined) return read(pod.namespace, owner);
          const facts = await head.facts;
          return head.mine || !outdated(facts, pod) ? facts : read(pod.namespace, owner);
        },
      };
    },
    forget(namespace, workload) {
      memo.delete(keyOf(namespace, workload));
    },
  };
}

/** Remembered facts that do not list the revision the pod runs: the workload rolled out since they were read. */
function outdated(facts: WorkloadFacts, pod: PodFacts): boolean {
  if (facts.revisions.length === 0) return false;
  const revision = podRevisionName(pod, facts.workload);
  return revision !== undefined && !facts.revisions.some((r) => r.name === revision);
}
