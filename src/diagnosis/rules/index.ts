/**
 * The rule table. Every rule runs (one flatMap) and the strongest verdict wins; ties go to the earlier
 * rule, so the table is ordered by precedence: kubelet record, probes, exit codes, logs, fallback.
 */
import { EXIT_RULES } from './exit-rules.ts';
import { KUBELET_RULES } from './kubelet-rules.ts';
import { LOG_RULES } from './log-rules.ts';
import { PROBE_RULES } from './probe-rules.ts';
import type { Rule } from './rule.ts';
import { FALLBACK_RULES } from './unknown-rule.ts';

export const RULES: readonly Rule[] = [...KUBELET_RULES, ...PROBE_RULES, ...EXIT_RULES, ...LOG_RULES, ...FALLBACK_RULES];
