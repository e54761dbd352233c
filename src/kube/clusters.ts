/**
 * Several clusters behind one receiver: an alert's cluster label (CLUSTER_LABEL, default `cluster`)
 * selects the kubeconfig context of that name, or the one the config file maps it to. An alert
 * without the label, or naming CLUSTER_NAME, uses the default credentials (the current context, or
 * the service account in a pod). With several clusters configured (more than one kubeconfig context,
 * or a kube.clusters map), an alert naming a cluster with no context is never read from another
 * cluster: its evidence carries the problem instead. With one cluster only (a pod's service account,
 * or a kubeconfig of one context), the label cannot choose anything and every alert is read from it:
 * Prometheus' external labels put a `cluster` label on every alert of a single-cluster install too.
 * Readers are made on first use and kept.
 */

import type { V1Pod } from '@kubernetes/client-node';
import { raceDeadline } from '../deadline.ts';
import type { Evidence, Problem } from '../diagnosis/evidence.ts';
import type { ListedPod, OwnerPodsRead, ResolveRead } from '../incidents/resolution.ts';
import type { WorkloadRef } from '../incidents/workload.ts';
import type { GatherDeps, RequestBounds } from './gather-evidence.ts';
import { gatherForAlerts } from './gather-for-alerts.ts';
import { loadKubeConfig } from './kube-config.ts';
import { KubeReadError } from './kube-error.ts';
import { podFacts } from './pod-facts.ts';
import { createKubeReader, type KubeApiReader, type KubeReaderOptions } from './reader.ts';
import { targetFromLabels } from './target.ts';
import { isoTime } from './time.ts';
import { createWorkloadSource, type OwnerRead, type WorkloadSource } from './workload-source.ts';

type Labels = Readonly<Record<string, string>>;

export interface ClusterOptions {
  clusterLabel: string;
  clusterName?: string;
  /** Cluster label value → kubeconfig context. */
  clusters: Readonly<Record<string, string>>;
  /** How every reader is made; `context` is the default's. */
  reader: KubeReaderOptions;
}

interface Cluster {
  reader: KubeApiReader;
  workloads: WorkloadSource;
}

export interface ClusterReaders {
  /** The default cluster's reader (made at start, so that a broken kubeconfig fails at start). */
  readonly primary: KubeApiReader;
  gather(alerts: readonly { labels: Labels }[], log: GatherDeps['log'], now: Date, bounds?: RequestBounds): Promise<Evidence[]>;
  /** Starts reading the owner of the alert's pod beside the pod read (workload-source.ts), in the alert's cluster. */
  startWorkload(labels: Labels): OwnerRead;
  /** The alert resolved: its workload's remembered facts are dropped. */
  forgetWorkload(labels: Labels, namespace: string, workload: WorkloadRef): void;
  /**
   * The pod of a resolved alert, read once (`get pods`); when it is gone or being deleted and
   * `options.ownerSelector` is known, its owner's pods too (one bounded `list pods`, raced
   * against `options.deadline`). A failure is a value, never a rejection.
   */
  readResolved(labels: Labels, namespace: string, pod: string, options?: ResolveOptions): Promise<ResolveRead>;
  close(): Promise<void>;
}

export interface ResolveOptions {
  /** The owner's pod selector (`kubectl get pods -l` syntax), from the firing document. */
  ownerSelector?: string;
  /** ms since the epoch: an owner's list not answered by then counts as late. */
  deadline?: number;
}

/**
 * The most pods listed when looking for a replacement: the list is in name order, not age, so a
 * larger owner is looked at in part (and the message says so); 100 pods of a few kB each keep the
 * answer well under the reader's response bound.
 */
export const REPLACEMENT_LIST_LIMIT = 100;

export function createClusterReaders(options: ClusterOptions): ClusterReaders {
  const make = (reader: KubeApiReader): Cluster => ({ reader, workloads: createWorkloadSource(reader.workloads) });
  const primary = make(createKubeReader(options.reader));
  const contexts = new Set(options.reader.inCluster === true ? [] : safeContexts(options.reader));
  const byContext = new Map<string, Cluster | Problem>();
  const severalClusters = Object.keys(options.clusters).length > 0 || contexts.size > 1;

  /** The cluster for an alert, or the problem that says why it has none. */
  const pick = (labels: Labels): Cluster | Problem => {
    const name = labels[options.clusterLabel]?.trim();
    if (name === undefined || name === '' || name === options.clusterName) return primary;
    const context = options.clusters[name] ?? (contexts.has(name) ? name : undefined);
    if (context === undefined) return severalClusters ? noContext(name, options.clusterLabel) : primary;
    if (context === options.reader.context) return primary;
    let cluster = byContext.get(context);
    if (cluster === undefined) {
      try {
        cluster = make(createKubeReader({ ...options.reader, context }));
      } catch (err) {
        cluster = { source: 'kube', kind: 'other', message: `cannot use kubeconfig context "${context}" for cluster "${name}": ${(err as Error).message}` };
      }
      byContext.set(context, cluster);
    }
    return cluster;
  };

  return {
    primary: primary.reader,
    async gather(alerts, log, now, bounds = {}) {
      const out: Evidence[] = new Array(alerts.length);
      const groups = new Map<Cluster, number[]>();
      alerts.forEach((alert, i) => {
        const cluster = pick(alert.labels);
        if (isProblem(cluster)) {
          out[i] = problemEvidence(alert.labels, cluster, now);
          return;
        }
        groups.set(cluster, [...(groups.get(cluster) ?? []), i]);
      });
      await Promise.all(
        [...groups].map(async ([cluster, indexes]) => {
          const targets = indexes.map((i) => targetFromLabels((alerts[i] as { labels: Labels }).labels));
          const evidence = await gatherForAlerts({ kube: cluster.reader, ...(log === undefined ? {} : { log }) }, targets, now, bounds);
          indexes.forEach((index, k) => {
            out[index] = evidence[k] as Evidence;
          });
        }),
      );
      return out;
    },
    startWorkload(labels) {
      const cluster = pick(labels);
      if (!isProblem(cluster)) return cluster.workloads.start(labels);
      // The evidence already says why this cluster cannot be read.
      return { confirm: async (pod) => ({ workload: pod.owner ?? { kind: 'Pod', name: pod.name }, namespace: pod.namespace, revisions: [], problems: [] }) };
    },
    forgetWorkload(labels, namespace, workload) {
      const cluster = pick(labels);
      if (!isProblem(cluster)) cluster.workloads.forget(namespace, workload);
    },
    async readResolved(labels, namespace, pod, options = {}) {
      const cluster = pick(labels);
      if (isProblem(cluster)) return { kind: 'failed', ...(cluster.kind === undefined ? {} : { problemKind: cluster.kind }), message: cluster.message };
      let read: ResolveRead;
      try {
        read = { kind: 'pod', pod: podFacts(await cluster.reader.readPod(namespace, pod)) };
      } catch (err) {
        if (err instanceof KubeReadError && err.status === 404) read = { kind: 'gone' };
        else if (err instanceof KubeReadError) return { kind: 'failed', problemKind: err.kind, message: err.message };
        else throw err;
      }
      const going = read.kind === 'gone' || (read.kind === 'pod' && read.pod.deletionTimestamp !== undefined);
      if (!going || options.ownerSelector === undefined) return read;
      return { ...read, owner: await listOwnerPods(cluster.reader, namespace, options.ownerSelector, options.deadline) };
    },
    async close() {
      await Promise.all([primary, ...byContext.values()].map((c) => (isProblem(c) ? undefined : c.reader.close())));
    },
  };
}

async function listOwnerPods(reader: KubeApiReader, namespace: string, selector: string, deadline: number | undefined): Promise<OwnerPodsRead> {
  const work = reader.listPodsLimited(namespace, selector, REPLACEMENT_LIST_LIMIT).then(
    ({ pods, truncated }): OwnerPodsRead => ({ kind: 'listed', truncated, pods: pods.map(listedPod) }),
    (err: unknown): OwnerPodsRead => {
      if (err instanceof KubeReadError) return { kind: 'failed', problemKind: err.kind, message: err.message };
      throw err;
    },
  );
  if (deadline === undefined) return work;
  const raced = await raceDeadline(work, deadline);
  return raced.kind === 'done' ? raced.value : { kind: 'late' };
}

function listedPod(pod: V1Pod): ListedPod {
  const createdAt = isoTime(pod.metadata?.creationTimestamp);
  return createdAt === undefined ? { pod: podFacts(pod) } : { pod: podFacts(pod), createdAt };
}

function isProblem(value: Cluster | Problem): value is Problem {
  return 'message' in value;
}

function noContext(name: string, label: string): Problem {
  return {
    source: 'kube',
    kind: 'other',
    message: `no kubeconfig context for cluster "${name}" (alert label ${label}), so nothing was read: add a context named "${name}", map the cluster to a context under kube.clusters in the config file, or set CLUSTER_NAME=${name} if it is the cluster crashtriage runs in`,
  };
}

function problemEvidence(labels: Labels, problem: Problem, now: Date): Evidence {
  const t = targetFromLabels(labels);
  const target: Evidence['target'] = {};
  if (t.namespace !== undefined) target.namespace = t.namespace;
  if (t.pod !== undefined) target.pod = t.pod;
  if (t.container !== undefined) target.container = t.container;
  if (t.alertReason !== undefined) target.alertReason = t.alertReason;
  return { now: now.toISOString(), target, events: [], problems: [problem] };
}

/** The kubeconfig's context names; none when it cannot be read (the primary reader already said why). */
function safeContexts(options: KubeReaderOptions): string[] {
  try {
    return [...loadKubeConfig(options).contexts];
  } catch {
    return [];
  }
}
