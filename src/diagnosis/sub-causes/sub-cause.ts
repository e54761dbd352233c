/**
 * A sub-cause a log line proves, described in one file (as a sink is, src/notify/sinks/sink-type.ts):
 * its id, its signature's strength and place and whether a warning-level line decides, its line matcher, the rule
 * that sets the detail and plans the fix, the remedy that turns the plan into commands, and its words.
 * `subCause` checks the description is complete and ties the rule's plan to the remedy's (one `Plan`
 * type per file); registry.ts lists them, and the tables derive from it: the signature order
 * (signature-order.ts), the line matchers (log-matchers.ts), the rule table (rules/index.ts), the
 * remedies (the plan carries its own, remedies/index.ts) and the words (notify/cause-words.ts).
 */
import type { Clues } from '../clues.ts';
import type { LogSubCauseId, Remedy } from '../document.ts';
import type { LineMatch, LogSignature } from '../log-signature-types.ts';
import type { Place, SignatureKind } from '../precedence.ts';
import type { Workload } from '../remedies/workload.ts';
import { signature } from '../rules/app-verdict.ts';
import type { Rule } from '../rules/rule.ts';
import type { Fix, Verdict } from '../verdict.ts';

/** What the line matcher proves, its kind left out: it is the sub-cause's id. */
export type SubCauseMatch = Omit<LineMatch, 'kind'>;

export interface SubCauseDescription<Id extends LogSubCauseId, Plan> {
  /** The one name it has everywhere: the sub-cause id (CAUSE_DETAILS, LOG_SUB_CAUSES) and its signature kind. */
  id: Id;
  /**
   * Its signature kind as a row of precedence.ts's SIGNATURES says it: its strength (the kind it ranks
   * right after, signature-order.ts), its place (where its verdicts rank), whether a line logged at
   * warning level decides, and what it means.
   */
  signature: { ranksAfter: SignatureKind; place: Place; decidesAtWarning: boolean; means: string };
  /** Reads one trimmed log line; says what it proves, or undefined. */
  matcher(line: string): SubCauseMatch | undefined;
  /** The rule's id (rules/index.ts), e.g. `app-unknown-flag`. */
  rule: string;
  /** Its verdicts from the clues when its signature is the primary one under a generic exit; `fix` wraps the plan. */
  detect(clues: Clues, sig: LogSignature, fix: (plan: Plan) => Fix): Verdict[];
  /** The plan turned into commands with the real names. */
  remedies(clues: Clues, w: Workload, plan: Plan): Remedy[];
  /** Its plain words for the header (SUB_CAUSE_WORDS in notify/cause-words.ts). */
  words: string;
}

/** A described sub-cause as the tables take it. */
export interface SubCause<Id extends LogSubCauseId = LogSubCauseId> {
  id: Id;
  signature: { kind: Id; ranksAfter: SignatureKind; place: Place; decidesAtWarning: boolean; means: string };
  matcher(line: string): LineMatch | undefined;
  rule: Rule;
  words: string;
}

export function subCause<Id extends LogSubCauseId, Plan>(d: SubCauseDescription<Id, Plan>): SubCause<Id> {
  const fix = (plan: Plan): Fix => ({ kind: 'sub-cause', id: d.id, remedies: (clues, w) => d.remedies(clues, w, plan) });
  return {
    id: d.id,
    signature: { kind: d.id, ...d.signature },
    matcher(line) {
      const m = d.matcher(line);
      return m === undefined ? undefined : { kind: d.id, ...m };
    },
    rule: {
      id: d.rule,
      places: [d.signature.place],
      detect(clues) {
        const sig = signature(clues, d.id);
        return sig === undefined ? [] : d.detect(clues, sig, fix);
      },
    },
    words: d.words,
  };
}
