/**
 * abort(): a native program ends itself with SIGABRT (exit 134) after saying why: glibc's failed
 * assert (`prog: file.c:212: func: Assertion `x' failed.`), libstdc++'s uncaught exception
 * (`terminate called after throwing an instance of 'T'` and `  what():  msg`), glibc's heap and stack
 * checks (`double free or corruption`, `*** stack smashing detected ***`), Ceph's `FAILED
 * ceph_assert(…)`, a C library's `file.c:82: fatal error: …`. The shell's `Aborted (core dumped)`,
 * Ceph's `*** Caught signal (Aborted) **` and glog's `*** SIGABRT … received` only mark it: the
 * reason line before them decides, and a marker alone is quoted when the log has no reason.
 */
import type { LogSignature } from './log-signature-types.ts';

const REASONS: readonly RegExp[] = [
  /^(?:\S+: )?\S+:\d+: .*?Assertion [`'].+[`'] failed\.?$/,
  /^terminate called (?:after throwing an instance of '.+'|without an active exception)$/,
  /^(?:\*\*\* )?(?:double free or corruption|free\(\): invalid|malloc\(\): |munmap_chunk\(\): invalid|corrupted size vs\. prev_size|stack smashing detected)/,
  /\bFAILED (?:ceph_)?assert\(/,
  /^\S+\.(?:c|cc|cpp|h):\d+: fatal error: /,
];

const MARKERS =
  /(?:^|\s)Aborted(?: \(core dumped\))?(?:\s+\S.*)?$|\*\*\* Caught signal \(Aborted\) \*\*|\*\*\* SIGABRT \(@0x6\) received|uncaught target signal 6 \(Aborted\)/;

/** Another runtime's crash shape: its own line decides, the abort after it is how it ended. */
const OTHER_CRASH = /^(?:panic: |fatal error: |thread '[^']*' panicked|Unhandled [eE]xception|Traceback \(most recent call last\)|Exception in thread )/;

const isReason = (line: string): boolean => REASONS.some((r) => r.test(line));

/** The reason line at `i`, or a marker with no reason before it. */
export function abortAt(lines: readonly string[], i: number): LogSignature | undefined {
  const line = (lines[i] ?? '').trim();
  if (isReason(line)) {
    const what = /^terminate called after/.test(line) ? /^\s*what\(\):\s+(.*)$/.exec(lines[i + 1] ?? '')?.[1] : undefined;
    const marker = [1, 2, 3, 4].map((k) => i + k).find((k) => MARKERS.test((lines[k] ?? '').trim()));
    return {
      kind: 'crash',
      index: i,
      related: [...(what === undefined ? [] : [i + 1]), ...(marker === undefined ? [] : [marker])],
      text: what === undefined ? line : `${line}: what(): ${what.trim()}`,
      runtime: 'native',
      crashClass: 'abort',
    };
  }
  if (!MARKERS.test(line) || /^\s*\d+: \(abort\(\)/.test(line)) return undefined;
  for (let k = i - 1; k >= 0 && k >= i - 40; k--) {
    const before = (lines[k] ?? '').trim();
    if (isReason(before) || OTHER_CRASH.test(before)) return undefined;
  }
  return { kind: 'crash', index: i, related: [], text: line, runtime: 'native', crashClass: 'abort' };
}
