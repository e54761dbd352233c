/**
 * Reads of the objects that own pods and keep their history: Deployments and their ReplicaSets,
 * StatefulSets and DaemonSets and their ControllerRevisions, Jobs (whose owner names a CronJob).
 * Read verbs only (`get`/`list` in apps/v1 and batch/v1); Secrets are never read.
 */
import type { V1ControllerRevision, V1DaemonSet, V1Deployment, V1Job, V1ReplicaSet, V1StatefulSet } from '@kubernetes/client-node';
import { apiPath, type KubeRest } from './rest.ts';

export type WorkloadResource = 'deployments' | 'replicasets' | 'statefulsets' | 'daemonsets' | 'controllerrevisions' | 'jobs';

/** A list call's bounds: a label selector, and at most `limit` items. */
export interface ListQuery {
  labelSelector?: string;
  limit?: number;
}

/** One page of a list; `truncated` when the API server has more (its `continue` token). */
export interface ListPage<T> {
  items: T[];
  truncated: boolean;
}

/** What the workload step reads. Implementations throw `KubeReadError` on failure. */
export interface WorkloadReader {
  readDeployment(namespace: string, name: string): Promise<V1Deployment>;
  listReplicaSets(namespace: string, query: ListQuery): Promise<ListPage<V1ReplicaSet>>;
  readStatefulSet(namespace: string, name: string): Promise<V1StatefulSet>;
  readDaemonSet(namespace: string, name: string): Promise<V1DaemonSet>;
  listControllerRevisions(namespace: string, query: ListQuery): Promise<ListPage<V1ControllerRevision>>;
  readJob(namespace: string, name: string): Promise<V1Job>;
}

/** One API call through the reader's limiter, deadline and metrics. */
export type ApiCall = <T>(resource: WorkloadResource, fn: () => Promise<T>) => Promise<T>;

export function createWorkloadReader(rest: KubeRest, call: ApiCall): WorkloadReader {
  const apps = (namespace: string, ...segments: string[]): string => apiPath('/apis/apps/v1/namespaces', namespace, ...segments);
  const read = <T>(resource: WorkloadResource, path: string): Promise<T> => call(resource, () => rest.get<T>(path));
  const list = <T>(resource: WorkloadResource, path: string, query: ListQuery): Promise<ListPage<T>> =>
    call(resource, async () => {
      const page = await rest.get<{ items: T[]; metadata?: { continue?: string } }>(path, { labelSelector: query.labelSelector, limit: query.limit });
      const next = page.metadata?.continue;
      return { items: page.items, truncated: next !== undefined && next !== '' };
    });
  return {
    readDeployment: (namespace, name) => read('deployments', apps(namespace, 'deployments', name)),
    listReplicaSets: (namespace, query) => list('replicasets', apps(namespace, 'replicasets'), query),
    readStatefulSet: (namespace, name) => read('statefulsets', apps(namespace, 'statefulsets', name)),
    readDaemonSet: (namespace, name) => read('daemonsets', apps(namespace, 'daemonsets', name)),
    listControllerRevisions: (namespace, query) => list('controllerrevisions', apps(namespace, 'controllerrevisions'), query),
    readJob: (namespace, name) => read('jobs', apiPath('/apis/batch/v1/namespaces', namespace, 'jobs', name)),
  };
}
