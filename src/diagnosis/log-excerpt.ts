/**
 * The log excerpt people see: about 20 redacted lines centred on the decisive ones, with a marker
 * where lines were skipped, instead of a blind tail.
 */
import type { LogExcerpt } from './document.ts';
import type { LogFacts } from './evidence.ts';
import type { LogSignature } from './log-signature-types.ts';
import { redactLines } from './redact.ts';

export const EXCERPT_LINES = 20;
/** Lines longer than this are cut in the excerpt (a JSON line can be kilobytes). */
const MAX_EXCERPT_LINE = 300;

function cut(line: string): string {
  return line.length > MAX_EXCERPT_LINE ? `${line.slice(0, MAX_EXCERPT_LINE)}… (${line.length - MAX_EXCERPT_LINE} more characters)` : line;
}

/** The excerpt leaves nothing out: the API's limits cut nothing before it, and it has room for every line, uncut. */
function leavesNothingOut(log: LogFacts, budget: number): boolean {
  return !log.truncated && log.lines.length <= budget && redactLines(log.lines).every((l) => l.length <= MAX_EXCERPT_LINE);
}

/**
 * The message's excerpt shows the whole log crashtriage read (not an empty one, which it does not
 * show): reading that log again shows nothing the message does not.
 */
export function showsWholeLog(log: LogFacts): boolean {
  return log.lines.length > 0 && leavesNothingOut(log, EXCERPT_LINES);
}

/** Picks line indexes: the decisive line and its related lines, then context before and after it. */
function pick(total: number, primary: LogSignature | undefined, budget: number): number[] {
  if (primary === undefined) return Array.from({ length: Math.min(budget, total) }, (_, k) => total - Math.min(budget, total) + k);
  const chosen = new Set<number>([primary.index, ...primary.related.filter((i) => i >= 0 && i < total)]);
  // Context: mostly before the decisive line (what led to it), some after (the stack, the exit).
  for (let d = 1; chosen.size < budget && d < total; d++) {
    const before = primary.index - d;
    const after = primary.index + Math.ceil(d / 2);
    if (before >= 0) chosen.add(before);
    if (chosen.size < budget && d % 2 === 0 && after < total) chosen.add(after);
    if (before < 0 && after >= total) break;
  }
  for (let i = total - 1; chosen.size < budget && i >= 0; i--) chosen.add(i);
  return [...chosen].sort((a, b) => a - b);
}

/** The excerpt for `log`, centred on `primary` (or the tail when nothing stands out). */
export function buildExcerpt(log: LogFacts, primary: LogSignature | undefined, budget = EXCERPT_LINES): LogExcerpt {
  const lines = redactLines(log.lines);
  const indexes = pick(lines.length, primary, budget);
  const out: string[] = [];
  let previous = -1;
  for (const i of indexes) {
    const skipped = i - previous - 1;
    if (skipped > 0 || (previous === -1 && i === 0 && log.truncated)) {
      out.push(skipped > 0 ? `… (${skipped} line${skipped === 1 ? '' : 's'} skipped)` : '… (earlier lines not fetched)');
    }
    out.push(cut(lines[i] ?? ''));
    previous = i;
  }
  if (previous < lines.length - 1) {
    const skipped = lines.length - 1 - previous;
    out.push(`… (${skipped} line${skipped === 1 ? '' : 's'} skipped)`);
  }
  const excerpt: LogExcerpt = {
    container: log.container,
    previous: log.previous,
    excerpt: out.join('\n'),
    truncated: !leavesNothingOut(log, budget),
  };
  return excerpt;
}
