/**
 * The diagnosis document: what the webhook sink posts and `crashtriage diagnose --output json` prints.
 * Its shape is a stable interface (docs/architecture.md, "The diagnosis document"); add fields, never rename.
 */
import type { ProblemKind, ProblemSource } from './evidence.ts';

export const CAUSE_IDS = [
  'app-crash',
  'oom-killed',
  'missing-config',
  'liveness-probe',
  'bad-entrypoint',
  'exit-zero',
  'segfault',
  'sigterm',
  'sigkill',
  'runtime-oom',
  'image-pull',
  'unknown',
] as const;

export type CauseId = (typeof CAUSE_IDS)[number];
export type Confidence = 'high' | 'medium' | 'low';

export interface Cause {
  id: CauseId;
  /** Short, for headers and subjects, e.g. "OOMKilled (exit 137)". */
  title: string;
  confidence: Confidence;
  /** One sentence that says what happened. */
  summary: string;
}

export interface EvidenceLine {
  source: 'status' | 'events' | 'logs' | 'spec';
  text: string;
}

export interface Remedy {
  title: string;
  commands: string[];
}

export interface Finding {
  id: string;
  text: string;
}

export interface LogExcerpt {
  container: string;
  previous: boolean;
  /** About 20 redacted lines centred on the decisive ones. */
  excerpt: string;
  truncated: boolean;
}

export interface DocumentProblem {
  source: ProblemSource;
  kind?: ProblemKind;
  message: string;
}

export interface AlertRef {
  name: string;
  fingerprint: string;
  startsAt: string;
  endsAt?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  generatorURL?: string;
}

export interface Target {
  namespace: string;
  pod: string;
  container: string;
  owner?: { kind: string; name: string };
  /** The container's image as the pod spec names it. */
  image?: string;
  /** The node the pod runs on. */
  node?: string;
  /** The container's restart count when the evidence was read. */
  restarts?: number;
}

export interface DiagnosisDocument {
  version: 1;
  status: 'firing' | 'resolved';
  alert: AlertRef;
  target: Target;
  cause: Cause;
  evidence: EvidenceLine[];
  remedies: Remedy[];
  verify: string[];
  findings: Finding[];
  logs?: LogExcerpt;
  problems: DocumentProblem[];
}

/** What the pure diagnosis returns for one evidence object; the document adds the alert around it. */
export type Diagnosis = Pick<DiagnosisDocument, 'cause' | 'evidence' | 'remedies' | 'verify' | 'findings' | 'logs'>;
