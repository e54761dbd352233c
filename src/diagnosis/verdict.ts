/**
 * What a rule concludes: a cause with its strength, proof and a tagged fix plan that remedies.ts turns
 * into commands (deciding is kept apart from wording the commands).
 */
import type { CauseId, Confidence, EvidenceLine } from './document.ts';
import type { EntrypointProblem, ImageProblem, MissingObject, ProbeEvent } from './kube-messages.ts';
import type { LogSignature, Runtime } from './log-signature.ts';

/**
 * How strong the proof is; the strongest verdict wins. The kubelet's own record outranks probe
 * events, which outrank exit codes, which outrank log lines (docs/architecture.md "Diagnosis precedence").
 */
export const STRENGTH = {
  kubeletRecord: 100,
  mountRecord: 95,
  probeKill: 90,
  probeFailures: 85,
  exitCode: 80,
  logCause: 70,
  logCrash: 60,
  exitOnly: 50,
  nothing: 0,
} as const;

export type Fix =
  | { kind: 'memory-limit' }
  | { kind: 'runtime-heap'; runtime?: Runtime }
  | ({ kind: 'missing-object' } & MissingObject)
  | { kind: 'missing-env'; name: string }
  | { kind: 'missing-file'; path: string }
  | { kind: 'probe'; probe: 'liveness' | 'startup'; failure: ProbeEvent['failure']; status?: number }
  | { kind: 'entrypoint'; problem: EntrypointProblem; path?: string }
  | { kind: 'run-to-completion' }
  | { kind: 'sidecar-exits' }
  | { kind: 'app-bug'; signature?: LogSignature }
  | { kind: 'signal'; signal: 'SIGTERM' | 'SIGKILL' }
  | { kind: 'image'; problem: ImageProblem; image: string }
  | { kind: 'security-context'; message: string }
  | { kind: 'not-a-loop' }
  | { kind: 'investigate'; needs: string[] };

export interface Verdict {
  id: CauseId;
  strength: number;
  confidence: Confidence;
  title: string;
  summary: string;
  evidence: EvidenceLine[];
  fix: Fix;
}

export function lower(confidence: Confidence): Confidence {
  return confidence === 'high' ? 'medium' : 'low';
}
