/**
 * What a rule concludes: a cause with its place in the precedence (precedence.ts), proof and a
 * tagged fix plan that remedies/index.ts turns into commands (deciding is kept apart from wording the
 * commands). A sub-cause described in its own file (sub-causes/) plans its fix there: its plan comes
 * bound to its own remedy (`sub-cause`).
 */
import type { Clues } from './clues.ts';
import type { CauseDetail, CauseId, Confidence, EvidenceLine, LogSubCauseId, Remedy } from './document.ts';
import type { HeapFlag } from './heap-flags.ts';
import type { EntrypointProblem, ImageProblem, MissingObject, ProbeEvent } from './kube-messages.ts';
import type { LogSignature, Runtime } from './log-signature-types.ts';
import type { Eviction, SchedulingFailure, VolumeFailure } from './pod-messages.ts';
import type { Place } from './precedence.ts';
import type { Workload } from './remedies/workload.ts';

export type Fix =
  | { kind: 'memory-limit' }
  | { kind: 'heap-flag'; flag: HeapFlag; limitBytes: number }
  | { kind: 'runtime-heap'; runtime?: Runtime }
  /** near: a key the object is proven to have that the missing one is likely a typo of (near-key.ts). */
  | ({ kind: 'missing-object'; near?: string } & MissingObject)
  | { kind: 'missing-env'; name: string; similar?: string }
  | { kind: 'missing-file'; path: string }
  | { kind: 'probe'; probe: 'liveness' | 'startup'; failure: ProbeEvent['failure']; status?: number; listenPort?: number }
  | { kind: 'entrypoint'; problem: EntrypointProblem; path?: string }
  | { kind: 'run-to-completion' }
  | { kind: 'sidecar-exits' }
  | { kind: 'app-bug'; signature?: LogSignature }
  | { kind: 'signal'; signal: 'SIGTERM' | 'SIGKILL' }
  | { kind: 'image'; problem: ImageProblem; image: string }
  | { kind: 'security-context'; message: string }
  | { kind: 'not-a-loop' }
  | { kind: 'pod-deleted' }
  | { kind: 'grace-period'; seconds: number }
  | { kind: 'eviction'; eviction: Eviction }
  | { kind: 'node-pressure'; pressure: string[] }
  | { kind: 'deadline'; seconds?: number }
  | { kind: 'node-gone'; how: 'shutdown' | 'lost' | 'rejected' | 'other' }
  | { kind: 'schedule'; failure?: SchedulingFailure }
  | { kind: 'volume'; failure: VolumeFailure; claims: string[] }
  | { kind: 'sandbox'; network: boolean; plugin?: string }
  | { kind: 'init-waiting'; waitsFor?: string }
  /** file: the object's key that holds the config file, when the spec names it (subPath, items). */
  | { kind: 'config-file-key'; key: string; object: { kind: 'configmap' | 'secret'; name: string }; volume: string; mountPath: string; file?: string }
  | { kind: 'mount-hides-files'; path: string; mountPath: string; volume: string; object: { kind: 'configmap' | 'secret'; name: string } }
  | { kind: 'image-content'; what: 'module' | 'library' | 'file'; name: string }
  | { kind: 'env-order'; env: string; index: number; ref: string; definedAt?: number }
  | { kind: 'investigate'; needs: string[] }
  /** A self-describing sub-cause's plan (sub-causes/<id>.ts), bound to its remedy by `subCause`. */
  | { kind: 'sub-cause'; id: LogSubCauseId; remedies(clues: Clues, w: Workload): Remedy[] };

export interface Verdict {
  id: CauseId;
  /** Where its proof ranks (precedence.ts): the earliest place wins. */
  place: Place;
  /** The sub-cause, a stable id from CAUSE_DETAILS (document.ts), when the proof names one. */
  detail?: CauseDetail;
  confidence: Confidence;
  title: string;
  summary: string;
  evidence: EvidenceLine[];
  fix: Fix;
}

export function lower(confidence: Confidence): Confidence {
  return confidence === 'high' ? 'medium' : 'low';
}
