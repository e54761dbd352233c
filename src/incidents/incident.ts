/**
 * The incident is the workload: pods with the same controller in one cluster and namespace are one
 * incident, whichever webhook request brought their alerts. Pure: the incident's state and one
 * alert's document in; the state to commit after delivery and the document's `incident` out.
 * Sinks that can edit a message (Slack Web API) show every change; the others announce only what is
 * new to the reader: the incident opening, a cause not yet announced, and its end (the last pod resolved).
 */
import type { CauseId, DiagnosisDocument, IncidentAct, IncidentRef } from '../diagnosis/document.ts';
import { withRolloutReplacement } from './deleted-by-rollout.ts';
import type { SinkViews } from './told.ts';
import { type Change, decideChange } from './what-changed.ts';
import { type WorkloadFacts, type WorkloadRef, workloadName } from './workload.ts';

type IncidentPod = IncidentRef['pods'][number] & { fingerprint: string; revision?: string };

/** What is remembered per incident between requests (JSON, for any state store). */
export interface IncidentState {
  id: string;
  openedAt: string;
  /** The earliest alert start among its pods: a rollout after it did not start the crash loop. */
  firstAlertAt: string;
  pods: IncidentPod[];
  /** Causes already announced to sinks that cannot edit a message. */
  announced: CauseId[];
  /**
   * What each sink was told (told.ts), so that a sink that failed is brought the first message and
   * the news it missed. Absent in a state written before sinks were told apart: every sink then
   * gets the incident's news, and a partly failed delivery leaves the state as it was.
   */
  told?: SinkViews;
  ready?: { ready: number; desired: number };
  change?: Change;
  /** Done from Slack (src/slack-actions/): shown on the message, kept while the incident lasts. */
  acts?: IncidentAct[];
}

export interface IncidentInput {
  document: DiagnosisDocument;
  cluster?: string;
  workload: WorkloadRef;
  /** The owner as read for this alert (firing alerts); absent when it was not read. */
  facts?: WorkloadFacts;
  /** The revision the pod runs (ReplicaSet or ControllerRevision name). */
  podRevision?: string;
  /** ISO 8601. */
  now: string;
}

export interface IncidentDecision {
  next: IncidentState | undefined;
  /** The document with `incident` set and, for a rollout regression, the rollback as the first remedy. */
  document: DiagnosisDocument;
}

/** The incident's state key: cluster, namespace and controller (a bare pod is its own). */
export function incidentKey(cluster: string | undefined, namespace: string, workload: WorkloadRef): string {
  return JSON.stringify(['incident', cluster ?? '', namespace, workload.kind, workload.name]);
}

/** The workload of a pod without an owner read: its controller as the pod names it, else the pod itself. */
export function workloadOfTarget(target: DiagnosisDocument['target']): WorkloadRef {
  return target.owner ?? { kind: 'Pod', name: target.pod };
}

export function decideIncident(state: IncidentState | undefined, input: IncidentInput): IncidentDecision {
  const { document } = input;
  const podName = document.target.pod;
  const current = state ?? open(input);
  const known = current.pods.find((p) => p.name === podName);
  const firing = document.status === 'firing';
  const pod: IncidentPod = {
    name: podName,
    cause: firing || known === undefined ? document.cause.id : known.cause,
    title: firing || known === undefined ? document.cause.title : known.title,
    status: document.status,
    fingerprint: document.alert.fingerprint,
  };
  const revision = input.podRevision ?? known?.revision;
  if (revision !== undefined) pod.revision = revision;
  const pods = known === undefined ? [...current.pods, pod] : current.pods.map((p) => (p.name === podName ? pod : p));
  const next: IncidentState = { ...current, pods, firstAlertAt: earliest(current.firstAlertAt, document.alert.startsAt) };

  let news: IncidentRef['news'];
  if (!firing) news = pods.some((p) => p.status === 'firing') ? 'pod-resolved' : 'closed';
  else if (state === undefined) news = 'opened';
  else if (!current.announced.includes(pod.cause)) news = 'cause-differs';
  else news = known?.status === 'firing' ? 'unchanged' : 'joined';
  if (firing && !next.announced.includes(pod.cause)) next.announced = [...next.announced, pod.cause];

  if (firing && input.facts !== undefined) {
    if (input.facts.ready !== undefined) next.ready = input.facts.ready;
    const change = decideChange(
      input.facts,
      pods.filter((p) => p.status === 'firing').map((p) => p.revision),
      next.firstAlertAt,
      input.now,
    );
    if (change === undefined) delete next.change;
    else next.change = change;
  }

  const ref: IncidentRef = {
    id: next.id,
    workload: input.workload,
    pods: next.pods.map(({ name, cause, title, status }) => ({ name, cause, title, status })),
    news,
    summary: summaryLines(next, input),
  };
  if (input.cluster !== undefined) ref.cluster = input.cluster;
  if (next.ready !== undefined) ref.ready = next.ready;
  if (next.acts !== undefined && next.acts.length > 0) ref.acts = next.acts;
  if (next.change !== undefined) {
    const { rollback: _command, ...change } = next.change;
    ref.change = change;
  }
  const historyKnown = firing && input.facts !== undefined && input.facts.revisions.length > 0;
  return {
    next: news === 'closed' ? undefined : next,
    document: withRollback(
      withRolloutReplacement({ ...document, incident: ref }, firing ? input.facts : undefined, input.podRevision),
      historyKnown ? next.change : undefined,
      historyKnown,
      input.workload,
    ),
  };
}

function open(input: IncidentInput): IncidentState {
  const { document } = input;
  const id = [input.cluster, document.target.namespace, workloadName(input.workload)].filter((p) => p !== undefined).join('/');
  return { id: `${id}@${input.now}`, openedAt: input.now, firstAlertAt: document.alert.startsAt, pods: [], announced: [], told: {} };
}

/**
 * For a rollout regression the rollback to the revision before it comes first; the diagnosis' own fix
 * (the fix-forward) follows. Once the history is known, the diagnosis' generic "if this started with
 * a rollout, undo it" gives way: to the exact revision when a rollout started it, to nothing when none did.
 */
function withRollback(document: DiagnosisDocument, change: Change | undefined, historyKnown: boolean, workload: WorkloadRef): DiagnosisDocument {
  if (!historyKnown) return document;
  const remedies = document.remedies.filter((r) => !r.commands.some((c) => /\bkubectl rollout undo\b/.test(c)));
  if (change === undefined) return remedies.length === document.remedies.length ? document : { ...document, remedies };
  const status = `kubectl rollout status ${workloadName(workload)} -n ${document.target.namespace} --timeout=5m`;
  return {
    ...document,
    remedies: [
      { kind: 'remedy', title: `Roll back to revision ${change.previousRevision}, the one before the change`, commands: [change.rollback] },
      ...remedies.map((r, i) => (i === 0 ? { ...r, title: `Or fix forward: ${lowerFirst(r.title)}` } : r)),
    ],
    verify: document.verify.includes(status) ? document.verify : [status, ...document.verify],
  };
}

/** Plain-text lines every renderer shows: how many pods, their causes when they differ, the rollout. */
export function summaryLines(state: IncidentState, input: Pick<IncidentInput, 'cluster' | 'workload' | 'now'>): string[] {
  const lines: string[] = [];
  const where = input.cluster === undefined ? '' : ` in cluster ${input.cluster}`;
  const firing = state.pods.filter((p) => p.status === 'firing');
  // A bare pod is its own incident: the message already says everything these lines would.
  if (input.workload.kind === 'Pod') return lines;
  if (firing.length === 0) {
    lines.push(`${plural(state.pods.length, 'pod')} of ${workloadName(input.workload)}${where} recovered`);
  } else {
    lines.push(
      `${crashLoopingOf(firing.length, state.ready, input.workload)}${where} ${howFailing(firing)}${readyNote(firing.length, state.ready, input.workload)}`,
    );
  }
  const byCause = new Map<CauseId, { title: string; count: number }>();
  for (const p of firing) {
    const entry = byCause.get(p.cause);
    if (entry === undefined) byCause.set(p.cause, { title: p.title, count: 1 });
    else entry.count++;
  }
  if (byCause.size > 1) lines.push([...byCause.values()].map((c) => `${plural(c.count, 'pod')}: ${c.title}`).join('; '));
  const change = state.change;
  if (change !== undefined && firing.length > 0) {
    const what = change.differences.length === 0 ? '' : `: ${change.differences.join('; ')}`;
    lines.push(`began with revision ${change.revision}, ${ago(change.since, input.now)}${what}`);
  }
  return lines;
}

/** Causes of pods whose containers do not run at all (never pulled, scheduled or set up; evicted; stopped): not a crash loop. */
const NOT_RUNNING: ReadonlySet<CauseId> = new Set(['image-pull', 'unschedulable', 'pod-setup', 'evicted', 'pod-terminated']);

/** "crash looping" when every pod's container starts and dies, "not running" when none runs, "failing" otherwise (or unknown). */
function howFailing(firing: readonly IncidentPod[]): string {
  if (firing.every((p) => NOT_RUNNING.has(p.cause))) return 'not running';
  if (firing.every((p) => p.cause !== 'unknown' && !NOT_RUNNING.has(p.cause))) return 'crash looping';
  return 'failing';
}

/**
 * The owner's ready count contradicts the crash loop when the ready and the crash-looping pods add up
 * to more than it wants: during a rollout the old revision's pods are ready besides the new, crashing
 * one (maxSurge), and a pod that crashes after minutes was counted ready between its crashes.
 * "1 of 2 pods … crash looping (2 of 2 ready)" would then say two things that cannot both be true.
 */
const consistent = (firing: number, ready: NonNullable<IncidentState['ready']>): boolean => firing + ready.ready <= ready.desired;

/** "2 of 3 pods of deployment/x" when the counts agree, else "1 pod of deployment/x". */
function crashLoopingOf(firing: number, ready: IncidentState['ready'], workload: WorkloadRef): string {
  const of = ready === undefined || !consistent(firing, ready) ? plural(firing, 'pod') : `${firing} of ${plural(ready.desired, 'pod')}`;
  return `${of} of ${workloadName(workload)}`;
}

/** " (1 of 3 ready)", or, when that contradicts the crash loop, whose count it is: " (the Deployment's status counts 2 of 2 ready)". */
function readyNote(firing: number, ready: IncidentState['ready'], workload: WorkloadRef): string {
  if (ready === undefined) return '';
  const counts = `${ready.ready} of ${ready.desired} ready`;
  return consistent(firing, ready) ? ` (${counts})` : ` (the ${workload.kind}'s status counts ${counts})`;
}

function ago(since: string, now: string): string {
  const minutes = Math.max(0, Math.round((Date.parse(now) - Date.parse(since)) / 60_000));
  if (minutes < 1) return 'just now';
  if (minutes < 120) return `${plural(minutes, 'minute')} ago`;
  return `${plural(Math.round(minutes / 60), 'hour')} ago`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function lowerFirst(s: string): string {
  return s.length > 0 ? `${(s[0] as string).toLowerCase()}${s.slice(1)}` : s;
}

function earliest(a: string, b: string): string {
  return Date.parse(b) < Date.parse(a) ? b : a;
}
