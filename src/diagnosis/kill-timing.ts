/**
 * When a memory kill came: one within the first minute of a start cannot be a leak (nothing had time
 * to accumulate); the process needs more than its limit just to start, so the limit (or the heap
 * flag) is the fix and the leak question is skipped.
 */
import type { Clues } from './clues.ts';

export const START_KILL_SECONDS = 60;

/** True when the last termination came within START_KILL_SECONDS of its start. */
export function killedAtStart(clues: Clues): boolean {
  const ran = clues.termination?.runSeconds;
  return ran !== undefined && ran < START_KILL_SECONDS;
}
