/**
 * `V1ContainerState` → the evidence's `ContainerState` union, with the signal named and the run time
 * computed, so that rules never parse timestamps or exit codes themselves.
 */
import type { V1ContainerState } from '@kubernetes/client-node';
import type { ContainerState } from '../diagnosis/evidence.ts';
import { signalFromExitCode, signalName } from '../diagnosis/signals.ts';
import { epochMs, isoTime } from './time.ts';

export function containerState(state: V1ContainerState | undefined): ContainerState | undefined {
  if (state === undefined) return undefined;
  // Exactly one member is set by the kubelet; terminated wins over the others if a stale copy has two.
  if (state.terminated !== undefined) {
    const t = state.terminated;
    const out: ContainerState & { kind: 'terminated' } = { kind: 'terminated', exitCode: t.exitCode };
    if (t.reason !== undefined && t.reason !== '') out.reason = t.reason;
    // The runtime's own record of the signal wins (CRI `signal`, set by newer runtimes); a shell
    // wrapper can turn the signal into 128+n or hide it, so the exit code is only the fallback.
    const sig = t.signal !== undefined && t.signal > 0 ? { signal: t.signal, signalName: signalName(t.signal) } : signalFromExitCode(t.exitCode);
    if (sig !== undefined) {
      out.signal = sig.signal;
      if (sig.signalName !== undefined) out.signalName = sig.signalName;
    }
    if (t.message !== undefined && t.message !== '') out.message = t.message;
    const startedAt = isoTime(t.startedAt);
    const finishedAt = isoTime(t.finishedAt);
    if (startedAt !== undefined) out.startedAt = startedAt;
    if (finishedAt !== undefined) out.finishedAt = finishedAt;
    const started = epochMs(t.startedAt);
    const finished = epochMs(t.finishedAt);
    // A StartError never ran: the runtime writes startedAt as the zero time (1970), which is not a run.
    if (started !== undefined && finished !== undefined && started > 0 && finished >= started) {
      out.runSeconds = (finished - started) / 1000;
    }
    return out;
  }
  if (state.waiting !== undefined) {
    const w = state.waiting;
    const out: ContainerState & { kind: 'waiting' } = { kind: 'waiting', reason: w.reason ?? '' };
    if (w.message !== undefined && w.message !== '') out.message = w.message;
    return out;
  }
  if (state.running !== undefined) {
    const startedAt = isoTime(state.running.startedAt);
    return startedAt === undefined ? { kind: 'running' } : { kind: 'running', startedAt };
  }
  return undefined;
}
