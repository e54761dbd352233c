/**
 * Derives the clues (clues.ts) once from the evidence: the diagnosed container, its last termination,
 * the events that concern it (by fieldPath) and recently, and the log's signatures.
 */
import type { Clues } from './clues.ts';
import type { ContainerFacts, EventFacts, Evidence, LogFacts, PodFacts } from './evidence.ts';
import { detectRuntime, findSignatures, isDecisive, primarySignature } from './log-reader.ts';

/** Events older than this before the last start belong to an earlier instance. */
const SLACK_MS = 60_000;
/** Without termination times: the backoff cap (5m) plus the 10m reset window, plus margin. */
const FALLBACK_WINDOW_MS = 20 * 60_000;

/** The failing container when the evidence names none: a waiting/terminated, not-ready one. */
function pickContainer(pod: PodFacts): ContainerFacts | undefined {
  const all = [...pod.initContainers, ...pod.containers];
  const failing = all.filter((c) => !c.ready && (c.restartCount > 0 || (c.state?.kind === 'waiting' && c.state.reason !== 'PodInitializing')));
  return failing.sort((a, b) => b.restartCount - a.restartCount)[0];
}

function concerns(event: EventFacts, container: string | undefined): boolean {
  const m = /^spec\.(?:initContainers|containers|ephemeralContainers)\{([^}]+)\}$/.exec(event.fieldPath ?? '');
  if (m === null) return true; // pod-level (FailedMount, FailedScheduling, Evicted) or no fieldPath
  return container === undefined || m[1] === container;
}

function ms(iso: string | undefined): number | undefined {
  if (iso === undefined) return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
}

function isRecent(event: EventFacts, since: number): boolean {
  const at = ms(event.lastTimestamp) ?? ms(event.firstTimestamp);
  return at === undefined || at >= since;
}

/** What the clues are about: the diagnosed container, its name, its namespace, and the log read for it. */
export interface ClueSubject {
  container?: ContainerFacts;
  containerName: string;
  namespace: string;
  log?: LogFacts;
}

/** The subject alone, without reading the log (service-query.ts decides from it whether every matcher must run). */
export function clueSubject(evidence: Evidence): ClueSubject {
  const pod = evidence.pod;
  const container = evidence.container ?? (pod === undefined ? undefined : pickContainer(pod));
  const containerName = container?.name ?? evidence.target.container ?? '';
  // A log read for another container (a mismatched selection) must not decide this one.
  const log = evidence.log !== undefined && (containerName === '' || evidence.log.container === containerName) ? evidence.log : undefined;
  const subject: ClueSubject = { containerName, namespace: pod?.namespace ?? evidence.target.namespace ?? '' };
  if (container !== undefined) subject.container = container;
  if (log !== undefined) subject.log = log;
  return subject;
}

export function gatherClues(evidence: Evidence): Clues {
  const pod = evidence.pod;
  const { container, containerName, namespace, log } = clueSubject(evidence);
  const current = container?.state;
  const last = container?.lastState;
  const termination = current?.kind === 'terminated' ? current : last?.kind === 'terminated' ? last : undefined;
  const waiting = current?.kind === 'waiting' ? current : undefined;
  const events = evidence.events.filter((e) => concerns(e, containerName === '' ? undefined : containerName));
  const started = ms(termination?.startedAt);
  const since = started !== undefined ? started - SLACK_MS : (ms(evidence.now) ?? 0) - FALLBACK_WINDOW_MS;
  const lines = log?.lines ?? [];
  const signatures = findSignatures(lines);
  const primary = primarySignature(signatures, lines);
  const runtime = detectRuntime(lines, signatures);
  const dependency = [...signatures].reverse().find((s) => s.kind === 'dependency-unreachable' && s.endpoint !== undefined && isDecisive(s, lines));
  const clues: Clues = {
    evidence,
    namespace,
    podName: pod?.name ?? evidence.target.pod ?? '',
    containerName,
    events,
    recent: events.filter((e) => isRecent(e, since)),
    signatures,
  };
  if (pod !== undefined) clues.pod = pod;
  if (container !== undefined) clues.container = container;
  if (termination !== undefined) clues.termination = termination;
  if (waiting !== undefined) clues.waiting = waiting;
  if (log !== undefined) clues.log = log;
  if (primary !== undefined) clues.primary = primary;
  if (dependency !== undefined) clues.dependency = dependency;
  if (runtime !== undefined) clues.runtime = runtime;
  return clues;
}
