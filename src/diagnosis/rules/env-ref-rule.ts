/**
 * `$(VAR)` in an env value that the kubelet left as it was: it expands a reference only from a
 * variable defined earlier in the container's env list (or by envFrom, or a service link); one
 * defined further down, or nowhere, stays literal text, so DATABASE_URL carries "$(DB_PASSWORD)"
 * and the database refuses it. The fix is the order of the env entries, not the Secret.
 * https://kubernetes.io/docs/tasks/inject-data-application/define-interdependent-environment-variables/
 */
import type { Clues } from '../clues.ts';
import { logLines } from '../crash-verdict.ts';
import type { EvidenceLine } from '../document.ts';
import type { ContainerFacts } from '../evidence.ts';
import type { SignatureKind } from '../precedence.ts';
import { exitedWith } from '../signals.ts';
import { generic } from './log-rules.ts';
import { type Rule, statusLine, who } from './rule.ts';

/** One reference the kubelet cannot expand: the entry that holds it, and where (if anywhere) its variable is defined. */
export interface UnexpandedRef {
  env: string;
  index: number;
  ref: string;
  /** The later entry that defines it; undefined when nothing in the list does. */
  definedAt?: number;
}

/** Log symptoms a wrong value explains: a refused password, an unresolvable or unreachable host, an absent setting. */
const VALUE_SYMPTOMS: ReadonlySet<SignatureKind> = new Set(['db-auth', 'dependency-unreachable', 'missing-env', 'tls-verify']);

/** What the kubelet sets for every Service when service links are on (FOO_SERVICE_HOST, FOO_PORT_80_TCP_ADDR, …). */
const SERVICE_LINK = /_(?:SERVICE_HOST|SERVICE_PORT(?:_[A-Z0-9_]+)?|PORT(?:_\d+_(?:TCP|UDP|SCTP)(?:_(?:ADDR|PORT|PROTO))?)?)$/;

export function unexpandedRefs(container: ContainerFacts, serviceLinks: boolean): UnexpandedRef[] {
  const out: UnexpandedRef[] = [];
  container.env.forEach((e, index) => {
    if (e.from.kind !== 'value') return;
    for (const ref of e.from.refs ?? []) {
      const first = container.env.findIndex((d) => d.name === ref);
      if (first >= 0 && first < index) continue;
      if (first > index) {
        out.push({ env: e.name, index, ref, definedAt: first });
        continue;
      }
      // Not in the list: envFrom or a service link may define it, which the spec alone cannot rule out.
      if (container.envFrom.length > 0 || (serviceLinks && SERVICE_LINK.test(ref))) continue;
      out.push({ env: e.name, index, ref });
    }
  });
  return out;
}

/** The log line that shows the literal `$(REF)`, when the program printed the value it got. */
function literalLine(clues: Clues, refs: readonly UnexpandedRef[]): { line: string; ref: UnexpandedRef } | undefined {
  for (const line of clues.log?.lines ?? []) {
    const ref = refs.find((r) => line.includes(`$(${r.ref})`));
    if (ref !== undefined) return { line: line.trim().slice(0, 300), ref };
  }
  return undefined;
}

export const envRefUnexpanded: Rule = {
  id: 'env-ref-unexpanded',
  places: ['log-cause'],
  detect(clues) {
    const c = clues.container;
    if (c === undefined || !generic(clues)) return [];
    const refs = unexpandedRefs(c, clues.pod?.enableServiceLinks !== false);
    if (refs.length === 0) return [];
    const literal = literalLine(clues, refs);
    const symptom = clues.primary !== undefined && VALUE_SYMPTOMS.has(clues.primary.kind) ? clues.primary : undefined;
    // The spec alone shows a wrong value; it is the cause when the log shows the literal text, or a
    // symptom a wrong value explains, or nothing else at all.
    if (literal === undefined && symptom === undefined && clues.primary !== undefined) return [];
    const r = literal?.ref ?? refs[0];
    if (r === undefined) return [];
    const where =
      r.definedAt === undefined
        ? `no entry of the env list defines ${r.ref}`
        : `${r.ref} is defined after it (env entry ${r.definedAt + 1}, ${r.env} is entry ${r.index + 1})`;
    const spec: EvidenceLine[] = refs.map((x) => ({
      source: 'spec',
      text: `env ${x.env} refers to $(${x.ref}), ${x.definedAt === undefined ? 'which no entry before it defines' : `defined later in the list (entry ${x.definedAt + 1})`}: the kubelet expands $(VAR) only from variables defined earlier, so ${x.env} holds the literal text $(${x.ref})`,
    }));
    const logs: EvidenceLine[] = literal !== undefined ? [{ source: 'logs', text: literal.line }] : logLines(clues, symptom);
    const t = clues.termination;
    return [
      {
        id: 'missing-config',
        detail: 'env-ref-unexpanded',
        place: 'log-cause',
        // A refused password with an unexpanded password reference is as decisive as the literal itself.
        confidence: literal !== undefined || (symptom?.kind === 'db-auth' && /PASS|PWD/i.test(r.ref)) ? 'high' : 'medium',
        title: `$(${r.ref}) in ${r.env} is not expanded (${r.definedAt === undefined ? 'not defined' : 'defined after it'})`,
        summary: `${who(clues)} ${t === undefined ? 'stops' : exitedWith(t.exitCode)}: ${r.env} holds the literal text $(${r.ref}) because ${where}; the kubelet expands a reference only from a variable defined earlier in the list${symptom === undefined ? '' : ` (${symptom.text.trim().slice(0, 160)})`}.`,
        evidence: [...statusLine(clues), ...logs, ...spec],
        fix: { kind: 'env-order', env: r.env, index: r.index, ref: r.ref, ...(r.definedAt === undefined ? {} : { definedAt: r.definedAt }) },
      },
    ];
  },
};
