/** A diagnosis rule: pure, reads the clues, returns zero or more verdicts (no I/O, no clock). */
import type { Clues } from '../clues.ts';
import { describeEvent, describeTermination } from '../describe.ts';
import type { EvidenceLine } from '../document.ts';
import type { EventFacts } from '../evidence.ts';
import type { Place } from '../precedence.ts';
import type { Verdict } from '../verdict.ts';

export interface Rule {
  /** Names the cause or kubelet record the rule implements. */
  id: string;
  /** The places in the precedence (precedence.ts) its verdicts may take. */
  places: readonly Place[];
  detect(clues: Clues): Verdict[];
}

export function statusLine(clues: Clues): EvidenceLine[] {
  const t = clues.termination;
  if (t === undefined) return [];
  return [{ source: 'status', text: describeTermination(t, clues.container?.state === t) }];
}

export function eventLine(e: EventFacts): EvidenceLine {
  return { source: 'events', text: describeEvent(e) };
}

export function waitingLine(clues: Clues): EvidenceLine[] {
  const w = clues.waiting;
  if (w === undefined) return [];
  const msg = w.message === undefined || w.message === '' ? '' : `: ${w.message.trim()}`;
  return [{ source: 'status', text: `State: Waiting, reason ${w.reason}${msg}` }];
}

/** `payment-svc` or `init container migrate`: how summaries name the container. */
export function who(clues: Clues): string {
  const name = clues.containerName === '' ? 'the container' : clues.containerName;
  return clues.container?.init === true ? `init container ${name}` : name;
}

/** The memory limit as written in the spec, if any. */
export function memoryLimit(clues: Clues): string | undefined {
  return clues.container?.resources.limits.memory;
}

export function hasProblem(clues: Clues, source: 'events' | 'logs' | 'pod'): boolean {
  return clues.evidence.problems.some((p) => p.source === source);
}

/**
 * What the events say of a probe kill, for a signal no record explains: only liveness and startup
 * probes kill (readiness failures, also `Unhealthy`, never do), so the line names those two.
 */
export function noProbeKillLine(clues: Clues): EvidenceLine {
  return {
    source: 'events',
    text: hasProblem(clues, 'events')
      ? 'events could not be read, so a probe kill cannot be ruled out'
      : 'no liveness or startup probe failures for this container in the window of the last run',
  };
}
