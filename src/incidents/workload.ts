/**
 * The workload behind crashing pods, as plain data read by `src/kube` (the owner, its status and its
 * revisions with their pod templates) and decided on by the pure functions in this room.
 * Pod templates keep names only where the API holds values that may be secrets (env, args).
 */
import type { ContainerFacts, Problem, VolumeFacts } from '../diagnosis/evidence.ts';

export interface WorkloadRef {
  /** `Deployment`, `StatefulSet`, `DaemonSet`, `CronJob`, `Job`, `ReplicaSet`, `Pod` (a bare pod), or any other controller kind. */
  kind: string;
  name: string;
}

export interface PodTemplateFacts {
  containers: ContainerFacts[];
  initContainers: ContainerFacts[];
  volumes: VolumeFacts[];
}

export interface RevisionFacts {
  /** The revision number (`deployment.kubernetes.io/revision`, or the ControllerRevision's `revision`). */
  revision: number;
  /** The ReplicaSet's or ControllerRevision's name; pods name it (owner or `controller-revision-hash`). */
  name: string;
  createdAt?: string;
  template?: PodTemplateFacts;
  /** Pods of this revision that are ready now (ReplicaSets only). */
  readyReplicas?: number;
}

export interface WorkloadFacts {
  workload: WorkloadRef;
  namespace: string;
  /** From the owner's status: ready pods and the pods it wants. */
  ready?: { ready: number; desired: number };
  /** Oldest first. Empty when the kind has none (Job, CronJob, bare pod) or they could not be read. */
  revisions: RevisionFacts[];
  /**
   * The label selector of the pod's own controller (the Job, for a CronJob's pod), in `kubectl get
   * pods -l` syntax: where its other pods, and the one that replaces it, are listed.
   */
  podSelector?: string;
  /** What could not be read about the owner, and why. */
  problems: Problem[];
}

/** `deployment/checkout`, as kubectl names it. */
export function workloadName(workload: WorkloadRef): string {
  return `${workload.kind.toLowerCase()}/${workload.name}`;
}

/**
 * The revision a pod belongs to: its ReplicaSet for a Deployment's pod, else the
 * `controller-revision-hash` label, which a StatefulSet sets to the ControllerRevision's name and a
 * DaemonSet to the hash alone (the ControllerRevision is then `<daemonset>-<hash>`).
 */
export function podRevisionName(
  pod: { controllerRef?: { kind: string; name: string }; labels: Readonly<Record<string, string>> },
  workload: WorkloadRef,
): string | undefined {
  if (pod.controllerRef?.kind === 'ReplicaSet') return pod.controllerRef.name;
  const hash = pod.labels['controller-revision-hash'];
  if (hash === undefined || hash === '') return undefined;
  return hash.startsWith(`${workload.name}-`) ? hash : `${workload.name}-${hash}`;
}
