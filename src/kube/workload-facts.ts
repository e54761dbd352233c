/**
 * A workload as `WorkloadFacts`: the owner's readiness and its revisions with their pod templates.
 * One round of reads: a Deployment is read beside a list of its namespace's ReplicaSets, a
 * StatefulSet or DaemonSet beside its namespace's ControllerRevisions, each kept when the owner
 * controls it (by uid), so that the history needs no selector from the owner first; only a namespace
 * with more than `NAMESPACE_LIST_LIMIT` of them costs a second list, by the owner's selector. A Job
 * is one read (its owner names the CronJob). Never rejects: what failed is in `problems`.
 * Which workload to read, and how often, is workload-source.ts's job.
 */
import type { V1LabelSelector, V1ObjectMeta, V1PodTemplateSpec } from '@kubernetes/client-node';
import type { Problem } from '../diagnosis/evidence.ts';
import type { PodTemplateFacts, RevisionFacts, WorkloadFacts, WorkloadRef } from '../incidents/workload.ts';
import { containerFacts } from './container-facts.ts';
import { classifyKubeError } from './kube-error.ts';
import { labelSelectorString } from './label-selector.ts';
import { isoTime } from './time.ts';
import { volumeFacts } from './volume-facts.ts';
import type { ListPage, ListQuery, WorkloadReader } from './workload-reader.ts';

const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';

/**
 * The most ReplicaSets or ControllerRevisions listed across a namespace in the first round: at a few
 * kB each (a pod template and managed fields), 200 stay well under the reader's 4 MiB response bound
 * and cover `revisionHistoryLimit` 10 for 20 workloads.
 */
export const NAMESPACE_LIST_LIMIT = 200;

type Selected = { metadata?: V1ObjectMeta; spec?: { selector?: V1LabelSelector } };

export async function readWorkloadFacts(reader: WorkloadReader, namespace: string, owner: WorkloadRef): Promise<WorkloadFacts> {
  const facts: WorkloadFacts = { workload: owner, namespace, revisions: [], problems: [] };
  const failed = (what: string) => (err: unknown) => {
    facts.problems.push(ownerProblem(what, err, namespace));
    return undefined;
  };
  /** The owner and the objects of its history, read side by side; undefined when the owner could not be read. */
  const withHistory = async <O extends Selected, H extends { metadata?: V1ObjectMeta }>(
    what: string,
    history: string,
    read: () => Promise<O>,
    list: (query: ListQuery) => Promise<ListPage<H>>,
  ): Promise<{ owner: O; items: H[] } | undefined> => {
    let listError: unknown;
    const [object, page] = await Promise.all([
      read().catch(failed(what)),
      list({ limit: NAMESPACE_LIST_LIMIT }).catch((err: unknown) => {
        listError = err;
        return undefined;
      }),
    ]);
    if (object === undefined) return undefined;
    setPodSelector(facts, object.spec?.selector);
    if (page === undefined) {
      failed(history)(listError);
      return { owner: object, items: [] };
    }
    let items = page.items;
    if (page.truncated) {
      const labelSelector = labelSelectorString(object.spec?.selector);
      items = (await list(labelSelector === undefined ? {} : { labelSelector }).catch(failed(history)))?.items ?? [];
    }
    return { owner: object, items: ownedBy(items, object.metadata) };
  };
  switch (owner.kind) {
    case 'Deployment': {
      const read = await withHistory(
        `deployment/${owner.name}`,
        `the ReplicaSets of deployment/${owner.name}`,
        () => reader.readDeployment(namespace, owner.name),
        (query) => reader.listReplicaSets(namespace, query),
      );
      if (read === undefined) return facts;
      facts.ready = { ready: read.owner.status?.readyReplicas ?? 0, desired: read.owner.spec?.replicas ?? 1 };
      facts.revisions = read.items.map((rs) =>
        revision(Number(rs.metadata?.annotations?.[REVISION_ANNOTATION]), rs.metadata, rs.spec?.template, rs.status?.readyReplicas),
      );
      break;
    }
    case 'StatefulSet':
    case 'DaemonSet': {
      const kind = owner.kind;
      const read = await withHistory(
        `${kind.toLowerCase()}/${owner.name}`,
        `the ControllerRevisions of ${kind.toLowerCase()}/${owner.name}`,
        (): Promise<Selected & { status?: unknown }> =>
          kind === 'StatefulSet' ? reader.readStatefulSet(namespace, owner.name) : reader.readDaemonSet(namespace, owner.name),
        (query) => reader.listControllerRevisions(namespace, query),
      );
      if (read === undefined) return facts;
      const status = read.owner.status as { readyReplicas?: number; numberReady?: number; desiredNumberScheduled?: number } | undefined;
      facts.ready =
        kind === 'StatefulSet'
          ? { ready: status?.readyReplicas ?? 0, desired: (read.owner.spec as { replicas?: number } | undefined)?.replicas ?? 1 }
          : { ready: status?.numberReady ?? 0, desired: status?.desiredNumberScheduled ?? 0 };
      facts.revisions = read.items.map((cr) =>
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
