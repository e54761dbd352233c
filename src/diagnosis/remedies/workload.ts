/**
 * How to change the thing that owns the pod: `deployment/payment-svc` for controllers, the pod itself
 * for a bare pod. Pod templates of Jobs and fields of bare pods are immutable, so those are recreated.
 */
import type { Clues } from '../clues.ts';
import { showsWholeLog } from '../log-excerpt.ts';
import { shq } from '../shell.ts';
import { doubleQuotedJson } from './user-values.ts';

export interface Workload {
  kind: string;
  name: string;
  namespace: string;
  /** `deployment/payment-svc`, `pod/payment-svc-xk2p`. */
  ref: string;
  container: string;
  /** The container is an init container (patches go to `initContainers`). */
  init: boolean;
  /** Index of the container in its list, for JSON patches. */
  index: number;
  /** Can be patched in place and rolls out (Deployment, StatefulSet, DaemonSet). */
  rolls: boolean;
  /** `kubectl set resources/env/image` and strategic patches of the template apply. */
  patchable: boolean;
  /** JSON pointer to the pod spec in this kind. */
  podSpecPath: string;
  bare: boolean;
  /** The diagnosed pod's name. */
  pod: string;
}

const ROLLING = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);
// Pods are owned by Jobs, never directly by CronJobs (ownerFacts keeps the Job), so no CronJob case.
const PATCHABLE = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController']);

export function workloadOf(clues: Clues): Workload {
  const owner = clues.pod?.owner;
  const kind = owner?.kind ?? 'Pod';
  const name = owner?.name ?? clues.podName;
  const init = clues.container?.init === true;
  const list = init ? clues.pod?.initContainers : clues.pod?.containers;
  const index = Math.max(0, list?.findIndex((c) => c.name === clues.containerName) ?? 0);
  return {
    kind,
    name,
    namespace: clues.namespace,
    ref: `${kind.toLowerCase()}/${name}`,
    container: clues.containerName,
    init,
    index,
    rolls: ROLLING.has(kind),
    patchable: PATCHABLE.has(kind),
    podSpecPath: owner === undefined ? '/spec' : '/spec/template/spec',
    bare: owner === undefined,
    pod: clues.podName,
  };
}

/** The API server answered 404 for the pod (it was replaced): read its events and its successors, not it. */
export const podGone = (clues: Clues): boolean => clues.evidence.problems.some((p) => p.source === 'pod' && p.kind === 'not-found');

/**
 * Which of the container's logs a read by hand gets, as the kubelet keeps it: the previous run's only
 * when it recorded one (lastState.terminated; else the API server answers "previous terminated
 * container … not found"), the current one's while the container runs or stopped; none while it never
 * ran or the pod is gone, nor when the message's excerpt already shows that whole log (the same
 * container's, of a run that ended: docs/messages.md, commands that only read what is not there).
 */
export function logToRead(clues: Clues, w: Workload): { previous: boolean } | undefined {
  const c = clues.container;
  if (podGone(clues)) return undefined;
  const previous = c === undefined || c.lastState?.kind === 'terminated';
  if (!previous && c.state?.kind !== 'terminated' && c.state?.kind !== 'running') return undefined;
  const read = clues.log;
  const ended = previous || c?.state?.kind === 'terminated';
  if (read !== undefined && ended && read.container === w.container && read.previous === previous && showsWholeLog(read)) return undefined;
  return { previous };
}

/** The `kubectl logs` of the container's log a read by hand still needs (logToRead), or none. */
export function logsCommand(clues: Clues, w: Workload, tail?: number): string[] {
  const read = logToRead(clues, w);
  if (read === undefined) return [];
  return [
    `kubectl logs ${shq(clues.podName)} ${ns(w)} -c ${shq(w.container)}${read.previous ? ' --previous' : ''}${tail === undefined ? '' : ` --tail=${tail}`}`,
  ];
}

/** `-n payments` */
export function ns(w: Workload): string {
  return `-n ${shq(w.namespace)}`;
}

/** JSON pointer to the container in the workload's pod spec, e.g. `/spec/template/spec/containers/0`. */
export function containerPointer(w: Workload): string {
  return `${w.podSpecPath}/${w.init ? 'initContainers' : 'containers'}/${w.index}`;
}

/** `kubectl patch --type json` of the workload: the operations as given (a `test` first refuses a spec changed since). */
export function jsonPatch(w: Workload, ops: readonly Record<string, unknown>[]): string {
  return `kubectl patch ${w.kind.toLowerCase()} ${shq(w.name)} ${ns(w)} --type json -p ${shq(JSON.stringify(ops))}`;
}

/**
 * Commands that apply `containerFields` (and optional pod-level fields) to the container: a strategic
 * merge patch keyed by container name for controllers; for Jobs and bare pods (immutable templates)
 * the export–edit–replace sequence, naming the fields to change.
 */
export function patchContainer(w: Workload, containerFields: Record<string, unknown>, podFields: Record<string, unknown> = {}): string[] {
  const list = w.init ? 'initContainers' : 'containers';
  return patchPodSpec(w, { ...podFields, [list]: [{ name: w.container, ...containerFields }] });
}

/**
 * `patchContainer` for pod-level fields alone: no `containers` entry, since one holding only the
 * container's name merges by name into the container it names and changes nothing.
 */
export function patchPodSpec(w: Workload, podSpec: Record<string, unknown>): string[] {
  if (w.patchable) return [`kubectl patch ${w.kind.toLowerCase()} ${w.name} ${ns(w)} -p ${shq(JSON.stringify({ spec: { template: { spec: podSpec } } }))}`];
  return replaceSteps(w, `set ${JSON.stringify(podSpec)} in ${w.kind === 'Job' ? 'spec.template.spec' : 'spec'}`);
}

/** `patchContainer` for fields holding `jsonVar` placeholders: the patch in double quotes, so the shell fills them in. */
export function patchContainerWithVars(w: Workload, containerFields: Record<string, unknown>): string[] {
  const list = w.init ? 'initContainers' : 'containers';
  const podSpec = { [list]: [{ name: w.container, ...containerFields }] };
  if (w.patchable) return [`kubectl patch ${w.kind.toLowerCase()} ${w.name} ${ns(w)} -p ${doubleQuotedJson({ spec: { template: { spec: podSpec } } })}`];
  return replaceSteps(
    w,
    `set ${JSON.stringify(podSpec).replace(/\\u0000([A-Z_][A-Z0-9_]*)\\u0000/g, '$$$1')} in ${w.kind === 'Job' ? 'spec.template.spec' : 'spec'}`,
  );
}

/** `kubectl set env deployment/x -n ns -c c NAME=VALUE` (controllers only). */
export function setEnv(w: Workload, assignments: string[]): string[] {
  if (!w.patchable || w.init) {
    const env = assignments.map((a) => {
      const [name, ...rest] = a.split('=');
      return { name, value: rest.join('=') };
    });
    return patchContainer(w, { env });
  }
  return [`kubectl set env ${w.ref} ${ns(w)} -c ${shq(w.container)} ${assignments.map(shq).join(' ')}`];
}

/**
 * An edit no patch expresses well: export, edit, replace. A Deployment, StatefulSet or DaemonSet takes
 * the edited manifest in place and rolls out as after any change; a Job's template and a bare pod's
 * fields are immutable, so those are deleted and recreated (`--force`). Never `--force` for a
 * controller: it would delete every pod of a workload that may still be half serving.
 */
export function replaceSteps(w: Workload, edit: string): string[] {
  const file = `${w.name}.yaml`;
  if (w.patchable) return [`kubectl get ${w.ref} ${ns(w)} -o yaml > ${shq(file)}`, `# edit ${file}: ${edit}`, `kubectl replace -f ${shq(file)}`];
  return [
    `kubectl get ${w.ref} ${ns(w)} -o yaml > ${shq(file)}`,
    `# ${w.bare ? 'a bare pod cannot be changed in place' : `a ${w.kind}'s pod template is immutable`}: edit ${file} and ${edit}`,
    `kubectl replace --force -f ${shq(file)}`,
  ];
}

/** Restarts pods so they re-read env/Secrets (only for kinds that roll). */
export function restart(w: Workload): string[] {
  if (w.rolls) return [`kubectl rollout restart ${w.ref} ${ns(w)}`];
  if (w.bare) return [`# a bare pod is not recreated: replace it with its manifest (kubectl replace --force -f ${w.pod}.yaml)`];
  return [`kubectl delete pod ${shq(w.pod)} ${ns(w)}  # its ${w.kind} creates a new one`];
}

export function rollback(w: Workload): string[] {
  if (!w.rolls) return [];
  return [`kubectl rollout history ${w.ref} ${ns(w)}`, `kubectl rollout undo ${w.ref} ${ns(w)}`];
}

/** A copy of the pod whose container runs a shell instead of its command (`kubectl debug --copy-to`:
 * https://kubernetes.io/docs/tasks/debug/debug-application/debug-running-pod/#copying-a-pod-while-changing-its-command). */
export function debugCopy(pod: string, w: Workload, inside: string | undefined, why?: string): string[] {
  const copy = `${pod}-debug`;
  return [
    `kubectl debug ${shq(pod)} ${ns(w)} -it --copy-to=${shq(copy)} --container=${shq(w.container)} -- sh`,
    ...(why === undefined ? [] : [`# ${why}`]),
    ...(inside === undefined ? [] : [`# inside: ${inside}`]),
    `kubectl delete pod ${shq(copy)} ${ns(w)}`,
  ];
}

/** A DNS-1123 name from parts. */
export function dnsName(...parts: string[]): string {
  return (
    parts
      .join('-')
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/-+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 63)
      .replace(/-$/, '') || 'app'
  );
}
