/**
 * Whether evidence gathering reads the pod's claims and the cluster's StorageClasses: only for a pod
 * the scheduler turns down because a claim it mounts is not bound (its PodScheduled condition says
 * so, the same text as the FailedScheduling event), and then only the claims it mounts. Pure.
 */
import type { PodFacts } from './evidence.ts';

/** At most this many claims are read: a pod mounts one or two; a long list is not worth a call each. */
const MAX_CLAIMS = 4;

const UNBOUND = /unbound immediate PersistentVolumeClaims|didn't find available persistent volumes to bind/;

/** The names of the claims to read, or none when the scheduler does not say a claim is unbound. */
export function claimQuery(pod: PodFacts): string[] {
  const unscheduled = pod.conditions.some((c) => c.type === 'PodScheduled' && c.status === 'False' && UNBOUND.test(c.message ?? ''));
  if (!unscheduled) return [];
  return [...new Set(pod.volumes.flatMap((v) => (v.claimName === undefined ? [] : [v.claimName])))].slice(0, MAX_CLAIMS);
}
