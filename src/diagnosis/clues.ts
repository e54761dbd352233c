/**
 * Facts every rule reads, derived once from the evidence (gather-clues.ts): the diagnosed container,
 * its last termination, the events that concern it (by fieldPath) and recently, and the log's
 * signatures. Types only, so that a sub-cause (sub-causes/) reads them without importing the log
 * reader that runs its matcher.
 */
import type { ContainerFacts, ContainerState, EventFacts, Evidence, LogFacts, PodFacts } from './evidence.ts';
import type { LogSignature, Runtime } from './log-signature-types.ts';

export type Terminated = Extract<ContainerState, { kind: 'terminated' }>;
export type Waiting = Extract<ContainerState, { kind: 'waiting' }>;

export interface Clues {
  evidence: Evidence;
  pod?: PodFacts;
  container?: ContainerFacts;
  namespace: string;
  podName: string;
  containerName: string;
  /** The most recent termination: the current state when terminated, else the last state. */
  termination?: Terminated;
  waiting?: Waiting;
  /** Events about this pod and this container (or the whole pod), newest first. */
  events: EventFacts[];
  /** Of those, the ones that can explain the last termination (not from an older instance). */
  recent: EventFacts[];
  log?: LogFacts;
  signatures: LogSignature[];
  primary?: LogSignature;
  /** The last connection failure that names an endpoint and is not a mere warning (retries log those). */
  dependency?: LogSignature;
  runtime?: Runtime;
}
