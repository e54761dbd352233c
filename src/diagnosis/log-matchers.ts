/**
 * The line matcher of each log signature kind: each reads one (trimmed) log line and says what it
 * proves. A line takes the strongest kind that matches it, in SIGNATURE_ORDER (signature-order.ts):
 * "exec … no such file" is an exec error, not a missing file. Multi-line crash shapes (tracebacks,
 * panics, exceptions) are found by log-crash-lines.ts; a leveled error line is `error-log`
 * (log-reader.ts).
 */
import { ACCESS_MATCHERS } from './log-matchers-access.ts';
import { PROGRAM_MATCHERS } from './log-matchers-program.ts';
import type { LineMatcher, SignatureKind } from './log-signature-types.ts';
import { SUB_CAUSES } from './sub-causes/registry.ts';

/** The tables' matchers, and each self-describing sub-cause's own (sub-causes/registry.ts). */
export const LINE_MATCHERS: Readonly<Partial<Record<SignatureKind, LineMatcher>>> = {
  ...PROGRAM_MATCHERS,
  ...ACCESS_MATCHERS,
  ...Object.fromEntries(SUB_CAUSES.map((s) => [s.id, s.matcher])),
};
