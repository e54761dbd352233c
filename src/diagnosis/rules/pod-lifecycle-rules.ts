/**
 * The pod's own lifecycle, which outranks the container's exit: a pod being deleted stops its
 * containers on purpose (SIGTERM, then SIGKILL after the grace period), and a pod that the kubelet or
 * the node controller ended carries the reason in `status.reason` (Evicted, DeadlineExceeded,
 * Terminated by a node shutdown, NodeLost). These are the pod-level record: shown as the cause, never
 * hidden behind the exit code they leave on the container.
 */
import type { Clues, Terminated } from '../clues.ts';
import type { NodeFacts } from '../cluster-facts.ts';
import { humanDuration } from '../describe.ts';
import type { EvidenceLine } from '../document.ts';
import { parseEviction } from '../pod-messages.ts';
import type { Verdict } from '../verdict.ts';
import { eventLine, type Rule, statusLine, who } from './rule.ts';

/** Node conditions that explain kills and evictions, as `kubectl describe node` names them. */
export const PRESSURE_CONDITIONS = ['MemoryPressure', 'DiskPressure', 'PIDPressure'] as const;

export function isSigterm(t: Terminated): boolean {
  return t.signal === 15 || t.exitCode === 143;
}

export function isSigkill(t: Terminated): boolean {
  return t.signal === 9 || t.exitCode === 137;
}

/** The pressure conditions that are True on the node (`MemoryPressure`, …). */
export function pressureOn(node: NodeFacts | undefined): string[] {
  return (node?.conditions ?? []).filter((c) => c.status === 'True' && (PRESSURE_CONDITIONS as readonly string[]).includes(c.type)).map((c) => c.type);
}

/** `Node ip-10-0-3-17: MemoryPressure True (KubeletHasInsufficientMemory: kubelet has insufficient memory available) since …`. */
export function nodeLines(node: NodeFacts | undefined): EvidenceLine[] {
  if (node === undefined) return [];
  const conditions = node.conditions.filter((c) => (PRESSURE_CONDITIONS as readonly string[]).includes(c.type) || (c.type === 'Ready' && c.status !== 'True'));
  const pressing = conditions.filter((c) => c.status !== 'False');
  if (pressing.length === 0) {
    const checked = conditions.map((c) => c.type).join(', ');
    return [{ source: 'status', text: `Node ${node.name}: ${checked === '' ? 'reports no pressure conditions' : `${checked} all False`} now` }];
  }
  return pressing.map((c) => {
    const why = c.reason === undefined ? '' : ` (${c.reason}${c.message === undefined ? '' : `: ${c.message}`})`;
    return {
      source: 'status',
      text: `Node ${node.name}: ${c.type} ${c.status}${why}${c.lastTransitionTime === undefined ? '' : ` since ${c.lastTransitionTime}`}`,
    };
  });
}

function podStatusLine(clues: Clues): EvidenceLine[] {
  const pod = clues.pod;
  if (pod?.reason === undefined) return [];
  return [
    { source: 'status', text: `Pod status: ${pod.phase ?? 'Unknown'}, reason ${pod.reason}${pod.message === undefined ? '' : `: ${pod.message.trim()}`}` },
  ];
}

/** `DisruptionTarget` (1.26+) says who ended the pod: EvictionByEvictionAPI, PreemptionByScheduler, DeletionByTaintManager, TerminationByKubelet. */
function disruption(clues: Clues): string | undefined {
  const c = clues.pod?.conditions.find((x) => x.type === 'DisruptionTarget' && x.status === 'True');
  if (c === undefined) return undefined;
  return `${c.reason ?? 'DisruptionTarget'}${c.message === undefined ? '' : `: ${c.message}`}`;
}

/** The termination came from the deletion: it ended after the deletion was asked for (deletionTimestamp − grace). */
function endedByDeletion(clues: Clues, t: Terminated): boolean {
  const pod = clues.pod;
  if (pod?.deletionTimestamp === undefined) return false;
  const grace = pod.terminationGracePeriodSeconds ?? 30;
  const asked = Date.parse(pod.deletionTimestamp) - grace * 1000;
  const finished = t.finishedAt === undefined ? Number.NaN : Date.parse(t.finishedAt);
  if (Number.isNaN(finished)) return clues.container?.state === t;
  // A second of slack: the runtime's and the API server's clocks are not the same clock.
  return finished >= asked - 1000;
}

function deletionLine(clues: Clues): EvidenceLine {
  const pod = clues.pod;
  const by = disruption(clues);
  return {
    source: 'status',
    text: `Pod is being deleted: deletionTimestamp ${pod?.deletionTimestamp ?? '?'}, terminationGracePeriodSeconds ${pod?.terminationGracePeriodSeconds ?? 30}${by === undefined ? '' : `; DisruptionTarget ${by}`}`,
  };
}

/** `Killing` "Stopping container app": the kubelet's record of the stop it was asked for. */
function stoppingLines(clues: Clues): EvidenceLine[] {
  const e = clues.events.find((x) => x.reason === 'Killing' && /^Stopping container/.test(x.message));
  return e === undefined ? [] : [eventLine(e)];
}

export const deletion: Rule = {
  id: 'pod-deletion',
  places: ['pod-record'],
  detect(clues) {
    const t = clues.termination;
    if (t === undefined || t.reason === 'OOMKilled' || !endedByDeletion(clues, t)) return [];
    const grace = clues.pod?.terminationGracePeriodSeconds ?? 30;
    const proof = [...statusLine(clues), deletionLine(clues), ...stoppingLines(clues)];
    if (isSigkill(t)) {
      return [
        {
          id: 'sigkill',
          detail: 'grace-period-exceeded',
          place: 'pod-record',
          confidence: 'high',
          title: `Grace period ran out: SIGKILL after ${grace}s (exit ${t.exitCode})`,
          summary: `The pod is being deleted: the kubelet sent ${who(clues)} SIGTERM and, when it had not exited after terminationGracePeriodSeconds=${grace}, SIGKILL. The program ignores SIGTERM (or its shutdown takes longer than ${grace}s).`,
          evidence: proof,
          fix: { kind: 'grace-period', seconds: grace },
        },
      ];
    }
    if (isSigterm(t) || t.exitCode === 0) {
      return [
        {
          id: 'sigterm',
          detail: 'pod-deleting',
          place: 'pod-record',
          confidence: 'high',
          title: `Normal shutdown: the pod is being deleted (exit ${t.exitCode}), not a crash`,
          summary: `${who(clues)} stopped on the kubelet's SIGTERM because the pod is being deleted (a rollout, scale-down, drain or kubectl delete), and it exited within the ${grace}s grace period: a normal shutdown, low severity; nothing to fix unless pods keep being deleted.`,
          evidence: proof,
          fix: { kind: 'pod-deleted' },
        },
      ];
    }
    return [];
  },
};

function evicted(clues: Clues): Verdict {
  const message = clues.pod?.message ?? clues.events.find((e) => e.reason === 'Evicted')?.message ?? '';
  const eviction = parseEviction(message) ?? { kind: 'memory-pressure' as const, containers: [] };
  const node = clues.pod?.nodeName ?? 'its node';
  const users = eviction.containers.map((c) => `${c.name} used ${c.usage}${c.request === undefined ? '' : ` against a request of ${c.request}`}`).join(', ');
  const event = clues.events.find((e) => e.reason === 'Evicted');
  const what =
    eviction.kind === 'ephemeral-storage-limit'
      ? `the pod wrote more local storage (logs, emptyDir, writable layer) than its ephemeral-storage limit`
      : `node ${node} was low on ${eviction.resource ?? 'a resource'}, and the kubelet evicts first the pods that use the most above their requests`;
  return {
    id: 'evicted',
    detail: eviction.kind,
    place: 'pod-record',
    confidence: message === '' ? 'medium' : 'high',
    title:
      eviction.kind === 'ephemeral-storage-limit' ? 'Evicted: ephemeral-storage limit exceeded' : `Evicted: node low on ${eviction.resource ?? 'resources'}`,
    summary: `The kubelet evicted the pod: ${what}${users === '' ? '' : ` (${users})`}. The containers did not crash; the controller replaces the pod.`,
    evidence: [...podStatusLine(clues), ...nodeLines(clues.evidence.node), ...(event === undefined ? [] : [eventLine(event)])],
    fix: { kind: 'eviction', eviction },
  };
}

function deadlineExceeded(clues: Clues): Verdict {
  const seconds = clues.pod?.activeDeadlineSeconds;
  const started = clues.pod?.startTime;
  return {
    id: 'pod-terminated',
    detail: 'deadline-exceeded',
    place: 'pod-record',
    confidence: 'high',
    title: `DeadlineExceeded: activeDeadlineSeconds${seconds === undefined ? '' : `=${seconds}`}`,
    summary: `The kubelet ended the pod because it was active longer than spec.activeDeadlineSeconds${seconds === undefined ? '' : `=${seconds} (${humanDuration(seconds)})`}${started === undefined ? '' : `, counted from ${started}`}; its containers were stopped, not crashed.`,
    evidence: [
      ...podStatusLine(clues),
      ...(seconds === undefined ? [] : [{ source: 'spec' as const, text: `activeDeadlineSeconds ${seconds}` }]),
      ...statusLine(clues),
    ],
    fix: { kind: 'deadline', ...(seconds === undefined ? {} : { seconds }) },
  };
}

function nodeGone(clues: Clues, how: 'shutdown' | 'lost' | 'rejected'): Verdict {
  const node = clues.pod?.nodeName ?? 'its node';
  const text = {
    shutdown: `node ${node} was shutting down (graceful node shutdown), so the kubelet terminated the pod`,
    rejected: `node ${node} was shutting down when the pod was assigned to it, so the kubelet rejected it`,
    lost: `node ${node} stopped reporting to the API server, so the pod was marked lost`,
  }[how];
  return {
    id: 'pod-terminated',
    detail: how === 'lost' ? 'node-lost' : 'node-shutdown',
    place: 'pod-record',
    confidence: 'high',
    title: how === 'lost' ? `NodeLost: node ${node} is unresponsive` : `Node shutdown: ${node}`,
    summary: `The pod did not crash: ${text}. Its controller, if any, replaces it on another node.`,
    evidence: [...podStatusLine(clues), ...nodeLines(clues.evidence.node), ...statusLine(clues)],
    fix: { kind: 'node-gone', how },
  };
}

/** `status.reason` of the pod: the kubelet's or the node controller's word for why the whole pod ended. */
export const podStatusReason: Rule = {
  id: 'pod-status-reason',
  places: ['pod-record'],
  detect(clues) {
    const pod = clues.pod;
    const reason = pod?.reason;
    if (pod === undefined || reason === undefined) return [];
    if (reason === 'Evicted') return [evicted(clues)];
    if (reason === 'DeadlineExceeded') return [deadlineExceeded(clues)];
    // `Terminated` + "…imminent node shutdown" since 1.22 (`Shutdown` before); `NodeShutdown` when refused at admission.
    if (reason === 'Shutdown' || (reason === 'Terminated' && /node shutdown/i.test(pod.message ?? ''))) return [nodeGone(clues, 'shutdown')];
    if (reason === 'NodeShutdown') return [nodeGone(clues, 'rejected')];
    if (reason === 'NodeLost') return [nodeGone(clues, 'lost')];
    // Any other reason the kubelet or a controller wrote on a failed pod (admission refusals such as
    // OutOfcpu, UnexpectedAdmissionError, NodeAffinity): quoted as seen.
    if (pod.phase !== 'Failed') return [];
    return [
      {
        id: 'pod-terminated',
        place: 'pod-record',
        confidence: 'medium',
        title: `Pod failed: ${reason}`,
        summary: `The pod as a whole was ended with reason ${reason}${pod.message === undefined ? '' : ` ("${pod.message.trim()}")`}; no container crash explains it.`,
        evidence: [...podStatusLine(clues), ...statusLine(clues)],
        fix: { kind: 'node-gone', how: 'other' },
      },
    ];
  },
};
