/**
 * The init container that keeps a pod from starting its app containers. The app container then only
 * waits in `PodInitializing` and says nothing about why, so an alert naming it (or naming no
 * container) is diagnosed on the init container instead: the one crash-looping
 * (`Init:CrashLoopBackOff`), failing to start, or still running long after it should have finished.
 * Init containers run one at a time in spec order, so the first unfinished one is the one blocking.
 */
import type { ContainerFacts, PodFacts } from '../diagnosis/evidence.ts';

/** True while the pod's app containers cannot start: Initialized is False, or they wait in PodInitializing. */
function initializing(pod: PodFacts): boolean {
  const initialized = pod.conditions.find((c) => c.type === 'Initialized');
  if (initialized !== undefined) return initialized.status === 'False';
  return pod.containers.some((c) => c.state?.kind === 'waiting' && c.state.reason === 'PodInitializing');
}

/** A regular init container is done when it exited 0; a sidecar (restartPolicy Always) once it runs. */
function finished(c: ContainerFacts): boolean {
  if (c.restartPolicy === 'Always') return c.state?.kind === 'running';
  return c.state?.kind === 'terminated' && c.state.exitCode === 0;
}

export function blockingInitContainer(pod: PodFacts): ContainerFacts | undefined {
  if (pod.initContainers.length === 0 || !initializing(pod)) return undefined;
  return pod.initContainers.find((c) => !finished(c));
}
