/**
 * Every log signature kind, strongest first: precedence.ts's table with the kinds of the sub-causes
 * that describe themselves (sub-causes/registry.ts), each right after the kind it names as
 * `ranksAfter`. The earliest kind in the log decides, the latest line breaks ties (log-reader.ts); a
 * line takes the strongest kind whose matcher reads it. test/unit/diagnosis/precedence.test.ts checks
 * that each sub-cause's kind sits where it says and the places stay in order.
 */
import { type Place, SIGNATURES, type SignatureKind } from './precedence.ts';
import { SUB_CAUSES } from './sub-causes/registry.ts';

type SignatureRow = { kind: SignatureKind; place: Place; decidesAtWarning: boolean; means: string };

/** The registry in its order: a sub-cause that ranks after another is listed after it. */
function merged(): readonly SignatureRow[] {
  const order: SignatureRow[] = [...SIGNATURES];
  for (const { signature } of SUB_CAUSES) {
    const after = order.findIndex((row) => row.kind === signature.ranksAfter);
    order.splice(after < 0 ? order.length : after + 1, 0, signature);
  }
  return order;
}

export const SIGNATURE_ORDER: readonly SignatureRow[] = merged();

const SIGNATURE_INDEX = new Map<string, number>(SIGNATURE_ORDER.map((s, i) => [s.kind, i]));

/** Lower is stronger: the index of the kind in SIGNATURE_ORDER. */
export function signatureRank(kind: SignatureKind): number {
  return SIGNATURE_INDEX.get(kind) ?? SIGNATURE_ORDER.length;
}

/** False when a line of this kind logged at warning level or below only explains. */
export function decidesAtWarning(kind: SignatureKind): boolean {
  return SIGNATURE_ORDER.find((s) => s.kind === kind)?.decidesAtWarning ?? true;
}
