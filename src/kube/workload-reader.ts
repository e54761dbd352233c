/**
 * Reads of the objects that own pods and keep their history: Deployments and their ReplicaSets,
 * StatefulSets and DaemonSets and their ControllerRevisions, Jobs (whose owner names a CronJob).
 * Read verbs only (`get`/`list` in apps/v1 and batch/v1); Secrets are never read.
 */
import type { AppsV1Api, BatchV1Api, V1ControllerRevision, V1DaemonSet, V1Deployment, V1Job, V1ReplicaSet, V1StatefulSet } from '@kubernetes/client-node';

export type WorkloadResource = 'deployments' | 'replicasets' | 'statefulsets' | 'daemonsets' | 'controllerrevisions' | 'jobs';

/** What the workload step reads. Implementations throw `KubeReadError` on failure. */
export interface WorkloadReader {
  readDeployment(namespace: string, name: string): Promise<V1Deployment>;
  listReplicaSets(namespace: string, labelSelector: string | undefined): Promise<V1ReplicaSet[]>;
  readStatefulSet(namespace: string, name: string): Promise<V1StatefulSet>;
  readDaemonSet(namespace: string, name: string): Promise<V1DaemonSet>;
  listControllerRevisions(namespace: string, labelSelector: string | undefined): Promise<V1ControllerRevision[]>;
  readJob(namespace: string, name: string): Promise<V1Job>;
}

/** One API call through the reader's limiter, deadline and metrics. */
export type ApiCall = <T>(resource: WorkloadResource, fn: () => Promise<T>) => Promise<T>;

export function createWorkloadReader(apps: AppsV1Api, batch: BatchV1Api, call: ApiCall): WorkloadReader {
  const selector = (labelSelector: string | undefined): { labelSelector?: string } => (labelSelector === undefined ? {} : { labelSelector });
  return {
    readDeployment: (namespace, name) => call('deployments', () => apps.readNamespacedDeployment({ namespace, name })),
    listReplicaSets: (namespace, labelSelector) =>
      call('replicasets', async () => (await apps.listNamespacedReplicaSet({ namespace, ...selector(labelSelector) })).items),
    readStatefulSet: (namespace, name) => call('statefulsets', () => apps.readNamespacedStatefulSet({ namespace, name })),
    readDaemonSet: (namespace, name) => call('daemonsets', () => apps.readNamespacedDaemonSet({ namespace, name })),
    listControllerRevisions: (namespace, labelSelector) =>
      call('controllerrevisions', async () => (await apps.listNamespacedControllerRevision({ namespace, ...selector(labelSelector) })).items),
    readJob: (namespace, name) => call('jobs', () => batch.readNamespacedJob({ namespace, name })),
  };
}
