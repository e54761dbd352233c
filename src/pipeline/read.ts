/**
 * Stage 2, read: within the evidence share of the request's deadline, the cluster is read for the
 * alerts to read (pod, logs, events; the owner started on the alert's word beside them) and for the
 * pods of alerts resolved from memory (how each resolved). Reads that fail or run late become
 * problems on the document, never errors.
 */
import type { WebhookAlert } from '../alertmanager/payload.ts';
import { raceDeadline } from '../deadline.ts';
import type { Evidence } from '../diagnosis/evidence.ts';
import { decideResolution, firingFacts, type ResolveRead, replacementSelector } from '../incidents/resolution.ts';
import type { WorkloadFacts } from '../incidents/workload.ts';
import type { ClaimedPods } from './claim.ts';
import type { PipelineDeps } from './ports.ts';
import type { Pending } from './request.ts';

/** An alert read from the cluster, its owner's read under way. */
export interface ReadAlert {
  alert: WebhookAlert;
  found: Evidence;
  workload?: Promise<WorkloadFacts>;
}

export interface ReadResult {
  read: ReadAlert[];
  /** The alerts resolved from memory, each with its resolution (how the pod is now). */
  resolved: Pending[];
}

export type ReadDeps = Pick<PipelineDeps, 'evidence' | 'workloads' | 'resolvedPods'> & { clock: () => number };

export async function readCluster(claimed: Pick<ClaimedPods, 'toRead' | 'fromMemory'>, deps: ReadDeps, deadline: number | undefined): Promise<ReadResult> {
  const { toRead, fromMemory } = claimed;
  const { clock } = deps;
  const resolveReads = fromMemory.map(({ alert, item }) => ({ item, read: startResolveRead(alert, item, deps, deadline) }));
  // The owner's reads start now, on the alert's word, in the same round as the pod's.
  const owners = toRead.map((alert) => (deps.workloads === undefined || alert.status !== 'firing' ? undefined : deps.workloads.start(alert.labels)));
  const evidence = toRead.length === 0 ? [] : await deps.evidence.gather(toRead, deadline === undefined ? {} : { deadline });
  // The pods of resolved alerts were read alongside the evidence, within the same share of the deadline.
  const reads = await Promise.all(
    resolveReads.map(async ({ item, read }) => {
      if (read === undefined) return { item, read };
      if (deadline === undefined) return { item, read: await read };
      const raced = await raceDeadline(read, deadline, clock);
      return { item, read: raced.kind === 'done' ? raced.value : ({ kind: 'late' } as const) };
    }),
  );
  const resolved = reads.map(({ item, read }) => {
    if (read === undefined) return item;
    const decision = decideResolution(read, firingFacts(item.document), new Date(clock()));
    const document = {
      ...item.document,
      resolution: decision.resolution,
      problems: decision.problem === undefined ? item.document.problems : [...item.document.problems, decision.problem],
    };
    return { ...item, document };
  });
  const read = toRead.map((alert, i): ReadAlert => {
    const found = evidence[i];
    if (found === undefined) throw new Error(`evidence source returned ${evidence.length} results for ${toRead.length} alerts`);
    const owner = found.pod?.owner;
    if (alert.status === 'resolved' && owner !== undefined && found.pod !== undefined) deps.workloads?.forget(alert.labels, found.pod.namespace, owner);
    const workload = found.pod === undefined ? undefined : owners[i]?.confirm(found.pod);
    return workload === undefined ? { alert, found } : { alert, found, workload };
  });
  return { read, resolved };
}

/** The resolved alert's workload is read afresh next time; its pod is read now, when there is a reader and a pod. */
function startResolveRead(alert: WebhookAlert, item: Pending, deps: ReadDeps, deadline: number | undefined): Promise<ResolveRead> | undefined {
  const { target } = item.document;
  const { namespace, pod, owner } = target;
  if (owner !== undefined) deps.workloads?.forget(alert.labels, namespace, owner);
  const ownerSelector = replacementSelector(target);
  const options = {
    ...(ownerSelector === undefined ? {} : { ownerSelector }),
    ...(deadline === undefined ? {} : { deadline }),
  };
  if (deps.resolvedPods === undefined || namespace === '' || pod === '') return undefined;
  return deps.resolvedPods
    .read(alert.labels, namespace, pod, options)
    .catch((err: unknown): ResolveRead => ({ kind: 'failed', message: err instanceof Error ? err.message : String(err) }));
}
