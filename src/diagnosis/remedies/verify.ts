/** How to verify the fix: the rollout, the pods, their events. */
import type { Clues } from '../clues.ts';
import type { CauseId } from '../document.ts';
import { shq } from '../shell.ts';
import { ns, type Workload } from './workload.ts';

/** Labels that change with every revision and so cannot select the new pods. */
const VOLATILE = new Set([
  'pod-template-hash',
  'controller-revision-hash',
  'pod-template-generation',
  'batch.kubernetes.io/controller-uid',
  'controller-uid',
  'statefulset.kubernetes.io/pod-name',
  'apps.kubernetes.io/pod-index',
]);
const PREFERRED = ['app.kubernetes.io/name', 'app.kubernetes.io/instance', 'app', 'k8s-app', 'name', 'component', 'job-name'];

/** A selector for the workload's pods across revisions, or undefined when the labels give none. */
export function podSelector(labels: Record<string, string>): string | undefined {
  const stable = Object.entries(labels).filter(([k]) => !VOLATILE.has(k));
  const preferred = stable.filter(([k]) => PREFERRED.includes(k)).slice(0, 2);
  const chosen = preferred.length > 0 ? preferred : stable.slice(0, 3);
  return chosen.length === 0 ? undefined : chosen.map(([k, v]) => `${k}=${v}`).join(',');
}

export function verifySteps(clues: Clues, w: Workload, cause: CauseId): string[] {
  const out: string[] = [];
  // A task moved to a Job completes instead of rolling out; a workload kept with a long-lived
  // command rolls out as usual. Say which check belongs to which fix. A sidecar (an init container)
  // and a DaemonSet's per-node task are not moved to a Job (remedies/program.ts).
  const toJob = cause === 'exit-zero' && !w.init && w.kind !== 'DaemonSet';
  if (toJob) out.push(`kubectl get jobs ${ns(w)} -w  # moved to a Job: COMPLETIONS reaches 1/1`);
  if (w.rolls) out.push(`kubectl rollout status ${w.ref} ${ns(w)} --timeout=5m${toJob ? '  # kept running with a long-lived command' : ''}`);
  const selector = w.bare ? undefined : podSelector(clues.pod?.labels ?? {});
  out.push(selector === undefined ? `kubectl get pod ${shq(clues.podName)} ${ns(w)} -w` : `kubectl get pods ${ns(w)} -l ${shq(selector)} -w`);
  const jsonpath = `{range .items[*]}{.metadata.name}{" restarts="}{.status.containerStatuses[?(@.name=="${w.container}")].restartCount}{" last="}{.status.containerStatuses[?(@.name=="${w.container}")].lastState.terminated.reason}{"\\n"}{end}`;
  if (cause === 'oom-killed' || cause === 'runtime-oom' || cause === 'sigkill') {
    out.push(
      `kubectl get pods ${ns(w)}${selector === undefined ? '' : ` -l ${shq(selector)}`} -o jsonpath=${shq(jsonpath)}  # restarts stop climbing, no OOMKilled`,
    );
  }
  out.push(`kubectl get events ${ns(w)} --field-selector involvedObject.name=${shq(clues.podName)}`);
  if (cause === 'liveness-probe') out.push('# no new "Liveness probe failed" / "failed liveness probe" events after the change');
  return out;
}
