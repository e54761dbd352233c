/**
 * A kill signal the exit code hides: PID 1 is a wrapper (npm, yarn, nodemon, a shell, a Go
 * supervisor) whose program was killed by SIGKILL, and the wrapper exits 1 after reporting it. The
 * runtime's own `signal` field says so when it is set; else the wrapper's last words do:
 * `npm ERR! signal SIGKILL` / `npm ERR! errno 137`, yarn `Command failed with signal "SIGKILL"`,
 * a shell's `Killed`, Go's os/exec `signal: killed`.
 */
import type { Clues } from './clues.ts';

const CHILD_KILLED: readonly RegExp[] = [
  /\bnpm (?:ERR!|error) (?:signal SIGKILL|errno 137)\b/,
  /\bnpm (?:ERR!|error) Exit status 137\b/,
  /Command failed with signal "SIGKILL"/,
  /^(?:\[\d+\] )?Killed$/,
  /\bsignal: killed$/,
];

/** How the last run's SIGKILL is known when the exit code is below 128: the runtime's record, or the wrapper's log line. */
export function hiddenSigkill(clues: Clues): { by: 'runtime' } | { by: 'log'; text: string } | undefined {
  const t = clues.termination;
  if (t === undefined || t.exitCode >= 128 || t.exitCode === 0) return undefined;
  if (t.signal === 9) return { by: 'runtime' };
  const tail = (clues.log?.lines ?? []).slice(-30);
  for (let i = tail.length - 1; i >= 0; i--) {
    const line = (tail[i] ?? '').trim();
    if (CHILD_KILLED.some((p) => p.test(line))) return { by: 'log', text: line };
  }
  return undefined;
}
