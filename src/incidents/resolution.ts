/**
 * How a crash loop ended, decided from one read of the pod when its alert resolves. Alertmanager
 * resolves an alert when the rule stops matching, which also happens when the pod is still failing
 * (a restart counter that stopped moving during a long back-off, a scrape gap), so the resolved
 * message says what the pod looks like now instead of repeating the firing diagnosis. When the pod
 * is gone or being deleted, its owner's pods (listed once through the owner's selector) say what
 * replaced it.
 */
import { humanDuration } from '../diagnosis/describe.ts';
import type { DiagnosisDocument, DocumentProblem, Resolution, Target } from '../diagnosis/document.ts';
import type { ContainerFacts, PodFacts, ProblemKind } from '../diagnosis/evidence.ts';
import { workloadName } from './workload.ts';

/** One pod of the owner, as listed on resolve. */
export interface ListedPod {
  pod: PodFacts;
  /** `metadata.creationTimestamp` (ISO 8601): the newest pod is the replacement. */
  createdAt?: string;
}

/** The owner's pods, listed through its selector when the alert's pod is gone or being deleted. */
export type OwnerPodsRead =
  /** `truncated`: the list stopped at its limit (the API returned a `continue` token), so more pods matched. */
  { kind: 'listed'; pods: ListedPod[]; truncated: boolean } | { kind: 'failed'; problemKind?: ProblemKind; message: string } | { kind: 'late' };

/** What the one read on resolve returned. `owner`: the owner's pods, when they were listed. */
export type ResolveRead =
  | { kind: 'pod'; pod: PodFacts; owner?: OwnerPodsRead }
  /** 404: the pod no longer exists. */
  | { kind: 'gone'; owner?: OwnerPodsRead }
  | { kind: 'failed'; problemKind?: ProblemKind; message: string }
  /** Not answered before the request's deadline. */
  | { kind: 'late' };

/** What the firing document knew, as the decision needs it. */
export interface FiringFacts {
  /** Its `restarts` is the count when the alert fired; its `owner` is the pod's controller. */
  target: Pick<Target, 'pod' | 'container' | 'restarts' | 'owner'>;
  /** When the alert started (ISO 8601): a pod of the owner created before then is a sibling, not the replacement. */
  firedAt?: string;
  /** The firing read found the pod and it had no controller: nothing recreates it once deleted. */
  bare?: boolean;
}

export interface ResolveDecision {
  resolution: Resolution;
  /** What could not be read (the pod, or its owner's pods): the resolve still goes out, with this among its problems. */
  problem?: DocumentProblem;
}

/**
 * How long a container must have been Running and ready before restarts since the firing count as
 * a recovery rather than a loop between crashes. Five minutes is the kubelet's longest crash
 * back-off (a container still looping is restarted at least that often), and the window over which
 * the stock KubePodCrashLooping rule looks back for CrashLoopBackOff before it resolves.
 */
export const SETTLE_SECONDS = 5 * 60;

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

/** The firing document's facts for the decision. */
export function firingFacts(doc: Pick<DiagnosisDocument, 'target' | 'alert' | 'problems'>): FiringFacts {
  const facts: FiringFacts = { target: doc.target };
  if (doc.alert.startsAt !== '') facts.firedAt = doc.alert.startsAt;
  // A pod read at firing with no controller is bare; a pod that could not be read has an owner nobody knows.
  if (doc.target.owner === undefined && doc.target.pod !== '' && !doc.problems.some((p) => p.source === 'pod')) facts.bare = true;
  return facts;
}

/**
 * The selector (`kubectl get pods -l` syntax) through which the firing document's pod's owner lists
 * its pods, where a replacement is looked for; none for a bare pod or an owner whose selector is unknown.
 */
export function replacementSelector(target: Pick<Target, 'owner' | 'ownerSelector'>): string | undefined {
  if (target.owner === undefined || target.ownerSelector === undefined || target.ownerSelector === '') return undefined;
  return target.ownerSelector;
}

export function decideResolution(read: ResolveRead, firing: FiringFacts, now: Date): ResolveDecision {
  const pod = firing.target.pod;
  switch (read.kind) {
    case 'gone':
      return replaced(pod, 'gone', read.owner, firing, now);
    case 'late':
      return unread(pod, { source: 'pod', kind: 'timeout', message: `pod ${pod} could not be read on resolve before the request deadline` });
    case 'failed':
      return unread(pod, {
        source: 'pod',
        ...(read.problemKind === undefined ? {} : { kind: read.problemKind }),
        message: `pod ${pod} could not be read on resolve: ${read.message}`,
      });
    case 'pod':
      if (read.pod.deletionTimestamp !== undefined) return replaced(pod, 'deleting', read.owner, firing, now);
      return { resolution: fromPod(read.pod, firing.target, now) };
  }
}

function unread(pod: string, problem: DocumentProblem): ResolveDecision {
  return { resolution: { state: 'unknown', text: `pod ${pod} could not be read, so it is not known whether it recovered` }, problem };
}

/** The pod is gone or going: say what, of its owner's pods, replaced it. */
function replaced(pod: string, how: 'gone' | 'deleting', owner: OwnerPodsRead | undefined, firing: FiringFacts, now: Date): ResolveDecision {
  const lead = how === 'gone' ? `pod ${pod} is gone` : `pod ${pod} is being deleted`;
  const ref = firing.target.owner;
  if (owner === undefined || ref === undefined) {
    if (firing.bare === true) return { resolution: { state: 'replaced', text: how === 'gone' ? `${lead} (deleted)` : lead } };
    return { resolution: { state: 'replaced', text: `${lead} (${how === 'gone' ? 'replaced or deleted' : 'replaced or scaled down'})` } };
  }
  const workload = workloadName(ref);
  if (owner.kind !== 'listed') {
    const problem: DocumentProblem =
      owner.kind === 'late'
        ? { source: 'pod', kind: 'timeout', message: `the pods of ${workload} could not be listed on resolve before the request deadline` }
        : {
            source: 'pod',
            ...(owner.problemKind === undefined ? {} : { kind: owner.problemKind }),
            message: `the pods of ${workload} could not be listed on resolve: ${owner.message}`,
          };
    return { resolution: { state: 'replaced', text: `${lead} (replaced or deleted); the pods of ${workload} could not be listed` }, problem };
  }
  const replacement = pickReplacement(owner.pods, firing);
  if (replacement === undefined) {
    const partly = owner.truncated ? ` among the first ${owner.pods.length} of its pods` : '';
    const others = owner.pods.filter((p) => p.pod.name !== firing.target.pod && p.pod.deletionTimestamp === undefined).length;
    const why =
      others === 0 ? `${workload} has no other pod${partly} (scaled down or deleted?)` : `no pod of ${workload} was created since the alert fired${partly}`;
    return { resolution: { state: 'replaced', text: `${lead} and ${why}` } };
  }
  return { resolution: describeReplacement(replacement.pod, firing.target.container, now) };
}

/** The newest pod of the same controller that is not the alert's pod, is not being deleted, and was created after the alert fired. */
function pickReplacement(pods: readonly ListedPod[], firing: FiringFacts): ListedPod | undefined {
  const owner = firing.target.owner;
  const firedAt = firing.firedAt === undefined ? Number.NaN : Date.parse(firing.firedAt);
  const created = (p: ListedPod): number => (p.createdAt === undefined ? Number.NaN : Date.parse(p.createdAt));
  const candidates = pods.filter(
    (p) =>
      p.pod.name !== firing.target.pod &&
      p.pod.deletionTimestamp === undefined &&
      p.pod.owner?.kind === owner?.kind &&
      p.pod.owner?.name === owner?.name &&
      (Number.isNaN(firedAt) || Number.isNaN(created(p)) || created(p) >= firedAt),
  );
  return candidates.sort((a, b) => (created(b) || 0) - (created(a) || 0))[0];
}

/** "replaced by pod Y (Running for 3m, ready)", or still failing when the replacement fails too. */
function describeReplacement(pod: PodFacts, container: string, now: Date): Resolution {
  const by = `replaced by pod ${pod.name}`;
  const c = pod.containers.find((x) => x.name === container) ?? pod.containers[0];
  const state = c?.state;
  const restarts = c === undefined || c.restartCount === 0 ? '' : `, ${count(c.restartCount, 'restart')}`;
  if (state?.kind === 'waiting' && FAILING_WAITING.has(state.reason)) {
    return { state: 'still-failing', text: `${by}, which is itself in ${state.reason}${c === undefined ? '' : ` (${count(c.restartCount, 'restart')})`}` };
  }
  if (state?.kind === 'terminated' && !(state.exitCode === 0 && pod.phase === 'Succeeded')) {
    return {
      state: 'still-failing',
      text: `${by}, whose container ${c?.name ?? '?'} last exited with code ${state.exitCode}${state.reason === undefined ? '' : ` (${state.reason})`}`,
    };
  }
  if (state?.kind === 'terminated') return { state: 'replaced', text: `${by} (completed)` };
  if (state?.kind === 'running') {
    const ran = state.startedAt === undefined ? undefined : ageSeconds(state.startedAt, now);
    const running = `Running${ran === undefined ? '' : ` for ${humanDuration(ran)}`}`;
    if (c?.ready === true) return { state: 'replaced', text: `${by} (${running}, ready${restarts})` };
    // Not ready for longer than a settle period is a failure of its own (a readiness probe that never passes).
    if (ran !== undefined && ran >= SETTLE_SECONDS) return { state: 'still-failing', text: `${by}, which is ${running} but not ready${restarts}` };
    return { state: 'replaced', text: `${by} (${running}, not ready yet${restarts})` };
  }
  // Still starting: what kubectl's STATUS column shows (ContainerCreating, PodInitializing), else the phase.
  return { state: 'replaced', text: `${by} (${state?.kind === 'waiting' ? state.reason : (pod.phase ?? 'Pending')})` };
}

function fromPod(pod: PodFacts, target: Pick<Target, 'container' | 'restarts'>, now: Date): Resolution {
  const c = pod.containers.find((x) => x.name === target.container) ?? pod.initContainers.find((x) => x.name === target.container);
  if (c === undefined) return { state: 'unknown', text: `pod ${pod.name} has no container ${target.container} any more` };
  const name = `${pod.name} (container ${c.name})`;
  const grew = target.restarts === undefined ? undefined : c.restartCount - target.restarts;
  const state = c.state;
  if (state?.kind === 'waiting' && FAILING_WAITING.has(state.reason)) {
    return { state: 'still-failing', text: `the alert resolved but ${name} is still in ${state.reason}${restartsNote(c, grew)}` };
  }
  if (grew !== undefined && grew < 0) {
    // A lower count than at firing: a new pod of the same name (a StatefulSet recreates its pods so).
    const current = fromPod(pod, { container: target.container }, now);
    return { state: current.state === 'healthy' ? 'replaced' : current.state, text: `pod ${pod.name} was recreated since the alert fired: ${current.text}` };
  }
  if (state?.kind === 'running') {
    const ran = state.startedAt === undefined ? undefined : ageSeconds(state.startedAt, now);
    const running = ran === undefined ? 'Running' : `Running for ${humanDuration(ran)}`;
    if (grew !== undefined && grew > 0) {
      // Restarted since the firing, then stayed up: a recovery once it outlasts a crash-loop cycle.
      if (c.ready && ran !== undefined && ran >= SETTLE_SECONDS)
        return { state: 'healthy', text: `${running}, ready; restarted ${times(grew)} since the alert fired` };
      return { state: 'still-failing', text: `the alert resolved but ${name} restarted ${times(grew)} since it fired${currentNote(c, now)}` };
    }
    const since = grew === undefined ? '' : `, ${count(grew, 'restart')} since`;
    if (!c.ready) return { state: 'still-failing', text: `the alert resolved but ${name} is Running and not ready${ranFor(state.startedAt, now)}${since}` };
    return { state: 'healthy', text: `${running}${since}` };
  }
  if (grew !== undefined && grew > 0) {
    return { state: 'still-failing', text: `the alert resolved but ${name} restarted ${times(grew)} since it fired${currentNote(c, now)}` };
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

/** "once", "twice", "3 times". */
function times(n: number): string {
  return n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
