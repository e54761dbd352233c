/**
 * A pod's workload as `WorkloadFacts`: the owner's readiness and its revisions with their pod
 * templates. A Deployment costs two reads (the Deployment, then its ReplicaSets by its selector), a
 * StatefulSet or DaemonSet two (itself, then its ControllerRevisions), a Job one (its owner names
 * the CronJob); a bare pod none. `createWorkloadSource` makes those reads once per workload in a
 * short while, however many of its pods alert. Never rejects: what failed is in `problems`.
 */
import type { V1LabelSelector, V1ObjectMeta, V1PodTemplateSpec } from '@kubernetes/client-node';
import type { PodFacts, Problem } from '../diagnosis/evidence.ts';
import type { PodTemplateFacts, RevisionFacts, WorkloadFacts, WorkloadRef } from '../incidents/workload.ts';
import { containerFacts } from './container-facts.ts';
import { classifyKubeError } from './kube-error.ts';
import { labelSelectorString } from './label-selector.ts';
import { isoTime } from './time.ts';
import { volumeFacts } from './volume-facts.ts';
import type { WorkloadReader } from './workload-reader.ts';

const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';

export async function readWorkloadFacts(reader: WorkloadReader, pod: PodFacts): Promise<WorkloadFacts> {
  const namespace = pod.namespace;
  const owner = pod.owner;
  const facts: WorkloadFacts = { workload: owner ?? { kind: 'Pod', name: pod.name }, namespace, revisions: [], problems: [] };
  if (owner === undefined) return facts;
  const failed = (what: string) => (err: unknown) => {
    facts.problems.push(ownerProblem(what, err, namespace));
    return undefined;
  };
  switch (owner.kind) {
    case 'Deployment': {
      const deployment = await reader.readDeployment(namespace, owner.name).catch(failed(`deployment/${owner.name}`));
      if (deployment === undefined) return facts;
      facts.ready = { ready: deployment.status?.readyReplicas ?? 0, desired: deployment.spec?.replicas ?? 1 };
      setPodSelector(facts, deployment.spec?.selector);
      const sets = await reader
        .listReplicaSets(namespace, labelSelectorString(deployment.spec?.selector))
        .catch(failed(`the ReplicaSets of deployment/${owner.name}`));
      facts.revisions = ownedBy(sets ?? [], deployment.metadata).map((rs) =>
        revision(Number(rs.metadata?.annotations?.[REVISION_ANNOTATION]), rs.metadata, rs.spec?.template, rs.status?.readyReplicas),
      );
      break;
    }
    case 'StatefulSet':
    case 'DaemonSet': {
      const set =
        owner.kind === 'StatefulSet'
          ? await reader.readStatefulSet(namespace, owner.name).catch(failed(`statefulset/${owner.name}`))
          : await reader.readDaemonSet(namespace, owner.name).catch(failed(`daemonset/${owner.name}`));
      if (set === undefined) return facts;
      const status = set.status as { readyReplicas?: number; numberReady?: number; desiredNumberScheduled?: number } | undefined;
      facts.ready =
        owner.kind === 'StatefulSet'
          ? { ready: status?.readyReplicas ?? 0, desired: (set.spec as { replicas?: number } | undefined)?.replicas ?? 1 }
          : { ready: status?.numberReady ?? 0, desired: status?.desiredNumberScheduled ?? 0 };
      setPodSelector(facts, set.spec?.selector);
      const revisions = await reader
        .listControllerRevisions(namespace, labelSelectorString(set.spec?.selector))
        .catch(failed(`the ControllerRevisions of ${owner.kind.toLowerCase()}/${owner.name}`));
      facts.revisions = ownedBy(revisions ?? [], set.metadata).map((cr) =>
        revision(cr.revision, cr.metadata, (cr.data as { spec?: { template?: V1PodTemplateSpec } } | undefined)?.spec?.template),
      );
      break;
    }
    case 'Job': {
      const job = await reader.readJob(namespace, owner.name).catch(failed(`job/${owner.name}`));
      setPodSelector(facts, job?.spec?.selector);
      const cronJob = job?.metadata?.ownerReferences?.find((r) => r.controller === true && r.kind === 'CronJob');
      if (cronJob !== undefined) facts.workload = { kind: 'CronJob', name: cronJob.name };
      break;
    }
    default:
      break;
  }
  facts.revisions.sort((a, b) => a.revision - b.revision);
  return facts;
}

/** Reads each workload at most once per `ttlMs` (concurrent callers share one read); failed reads are not kept. */
export function createWorkloadSource(
  reader: WorkloadReader,
  options: { ttlMs?: number; clock?: () => number } = {},
): (pod: PodFacts) => Promise<WorkloadFacts> {
  const ttlMs = options.ttlMs ?? 60_000;
  const clock = options.clock ?? Date.now;
  const cache = new Map<string, { at: number; facts: Promise<WorkloadFacts> }>();
  return (pod) => {
    const now = clock();
    for (const [key, entry] of cache) if (now - entry.at >= ttlMs) cache.delete(key);
    const workload: WorkloadRef = pod.owner ?? { kind: 'Pod', name: pod.name };
    const key = JSON.stringify([pod.namespace, workload.kind, workload.name]);
    const hit = cache.get(key);
    if (hit !== undefined) return hit.facts;
    const facts = readWorkloadFacts(reader, pod);
    cache.set(key, { at: now, facts });
    void facts.then((f) => {
      if (f.problems.length > 0 && cache.get(key)?.facts === facts) cache.delete(key);
    });
    return facts;
  };
}

function setPodSelector(facts: WorkloadFacts, selector: V1LabelSelector | undefined): void {
  const text = labelSelectorString(selector);
  if (text !== undefined) facts.podSelector = text;
}

function ownedBy<T extends { metadata?: V1ObjectMeta }>(items: T[], owner: V1ObjectMeta | undefined): T[] {
  return items.filter((item) =>
    (item.metadata?.ownerReferences ?? []).some((r) => r.controller === true && (owner?.uid === undefined ? r.name === owner?.name : r.uid === owner.uid)),
  );
}

function revision(number: number, meta: V1ObjectMeta | undefined, template: V1PodTemplateSpec | undefined, readyReplicas?: number): RevisionFacts {
  const out: RevisionFacts = { revision: Number.isFinite(number) ? number : 0, name: meta?.name ?? '' };
  const createdAt = isoTime(meta?.creationTimestamp);
  if (createdAt !== undefined) out.createdAt = createdAt;
  if (template?.spec !== undefined) out.template = templateFacts(template);
  if (readyReplicas !== undefined) out.readyReplicas = readyReplicas;
  return out;
}

/** The same conversion as a running pod's spec: env values and args stay out of anything shown. */
export function templateFacts(template: V1PodTemplateSpec): PodTemplateFacts {
  const spec = template.spec;
  return {
    containers: (spec?.containers ?? []).map((c) => containerFacts(c, undefined, false)),
    initContainers: (spec?.initContainers ?? []).map((c) => containerFacts(c, undefined, true)),
    volumes: (spec?.volumes ?? []).map(volumeFacts),
  };
}

function ownerProblem(what: string, err: unknown, namespace: string): Problem {
  const error = classifyKubeError(err, 0);
  if (error.kind === 'forbidden' && error.missingPermission !== undefined) {
    return {
      source: 'kube',
      kind: 'forbidden',
      message: `forbidden: the service account cannot ${error.missingPermission} in namespace "${namespace}"; grant it to read ${what}`,
      missingPermission: error.missingPermission,
    };
  }
  return { source: 'kube', kind: error.kind, message: `could not read ${what}: ${error.message}` };
}
