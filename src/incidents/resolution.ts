/**
 * How a crash loop ended, decided from one read of the pod when its alert resolves. Alertmanager
 * resolves an alert when the rule stops matching, which also happens when the pod is still failing
 * (a restart counter that stopped moving during a long back-off, a scrape gap), so the resolved
 * message says what the pod looks like now instead of repeating the firing diagnosis.
 */
import { humanDuration } from '../diagnosis/describe.ts';
import type { DocumentProblem, Resolution, Target } from '../diagnosis/document.ts';
import type { ContainerFacts, PodFacts, ProblemKind } from '../diagnosis/evidence.ts';

/** What the one read on resolve returned. */
export type ResolveRead =
  | { kind: 'pod'; pod: PodFacts }
  /** 404: the pod no longer exists. */
  | { kind: 'gone' }
  | { kind: 'failed'; problemKind?: ProblemKind; message: string }
  /** Not answered before the request's deadline. */
  | { kind: 'late' };

export interface ResolveDecision {
  resolution: Resolution;
  /** Why the pod could not be read: the resolve still goes out, with this among its problems. */
  problem?: DocumentProblem;
}

/** Waiting reasons that mean the container is not coming up on its own. */
const FAILING_WAITING = new Set([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
  'InvalidImageName',
]);

/** `target` is the firing document's (its `restarts` is the count when the alert fired). */
export function decideResolution(read: ResolveRead, target: Pick<Target, 'pod' | 'container' | 'restarts'>, now: Date): ResolveDecision {
  const pod = target.pod;
  switch (read.kind) {
    case 'gone':
      return { resolution: { state: 'replaced', text: `pod ${pod} is gone (replaced or deleted)` } };
    case 'late':
      return unread(pod, { source: 'pod', kind: 'timeout', message: `pod ${pod} could not be read on resolve before the request deadline` });
    case 'failed':
      return unread(pod, {
        source: 'pod',
        ...(read.problemKind === undefined ? {} : { kind: read.problemKind }),
        message: `pod ${pod} could not be read on resolve: ${read.message}`,
      });
    case 'pod':
      return { resolution: fromPod(read.pod, target, now) };
  }
}

function unread(pod: string, problem: DocumentProblem): ResolveDecision {
  return { resolution: { state: 'unknown', text: `pod ${pod} could not be read, so it is not known whether it recovered` }, problem };
}

function fromPod(pod: PodFacts, target: Pick<Target, 'container' | 'restarts'>, now: Date): Resolution {
  if (pod.deletionTimestamp !== undefined) return { state: 'replaced', text: `pod ${pod.name} is being deleted (replaced or scaled down)` };
  const c = pod.containers.find((x) => x.name === target.container) ?? pod.initContainers.find((x) => x.name === target.container);
  if (c === undefined) return { state: 'unknown', text: `pod ${pod.name} has no container ${target.container} any more` };
  const name = `${pod.name} (container ${c.name})`;
  const grew = target.restarts === undefined ? undefined : c.restartCount - target.restarts;
  const state = c.state;
  if (state?.kind === 'waiting' && FAILING_WAITING.has(state.reason)) {
    return { state: 'still-failing', text: `the alert resolved but ${name} is still in ${state.reason}${restartsNote(c, grew)}` };
  }
  if (grew !== undefined && grew > 0) {
    return { state: 'still-failing', text: `the alert resolved but ${name} restarted ${times(grew)} since it fired${currentNote(c, now)}` };
  }
  if (state?.kind === 'running') {
    const since = restartsSince(grew);
    if (!c.ready) return { state: 'still-failing', text: `the alert resolved but ${name} is Running and not ready${ranFor(state.startedAt, now)}${since}` };
    const ran = state.startedAt === undefined ? undefined : ageSeconds(state.startedAt, now);
    return { state: 'healthy', text: `${ran === undefined ? 'Running' : `Running for ${humanDuration(ran)}`}${since}` };
  }
  if (state?.kind === 'terminated') {
    if (state.exitCode === 0 && pod.phase === 'Succeeded') return { state: 'healthy', text: `${name} completed (exit code 0)` };
    return {
      state: 'still-failing',
      text: `the alert resolved but ${name} last exited with code ${state.exitCode}${state.reason === undefined ? '' : ` (${state.reason})`}`,
    };
  }
  if (state?.kind === 'waiting') return { state: 'unknown', text: `${name} is waiting: ${state.reason}` };
  return { state: 'unknown', text: `${name} reports no container state yet (pod phase ${pod.phase ?? 'unknown'})` };
}

function restartsSince(grew: number | undefined): string {
  return grew === undefined ? '' : `, ${count(grew, 'restart')} since`;
}

function restartsNote(c: ContainerFacts, grew: number | undefined): string {
  if (grew !== undefined && grew > 0) return ` (${count(grew, 'more restart')} since it fired, ${c.restartCount} in all)`;
  return ` (${count(c.restartCount, 'restart')} in all)`;
}

function currentNote(c: ContainerFacts, now: Date): string {
  const state = c.state;
  if (state?.kind === 'running') return `; Running${ranFor(state.startedAt, now)}${c.ready ? '' : ', not ready'}`;
  if (state?.kind === 'waiting') return `; now ${state.reason}`;
  if (state?.kind === 'terminated') return `; last exit code ${state.exitCode}`;
  return '';
}

function ranFor(startedAt: string | undefined, now: Date): string {
  const s = startedAt === undefined ? undefined : ageSeconds(startedAt, now);
  return s === undefined ? '' : ` for ${humanDuration(s)}`;
}

function ageSeconds(iso: string, now: Date): number | undefined {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : Math.max(0, (now.getTime() - t) / 1000);
}

function times(n: number): string {
  return count(n, 'time');
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
