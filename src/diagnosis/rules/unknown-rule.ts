/**
 * Unknown is allowed, guessing is not: when no rule has proof, say what is missing and what would
 * decide it (the permission to grant, the object that vanished).
 */
import type { Clues } from '../clues.ts';
import type { EvidenceLine } from '../document.ts';
import type { Verdict } from '../verdict.ts';
import { type Rule, statusLine, waitingLine } from './rule.ts';

function needs(clues: Clues): string[] {
  const out: string[] = [];
  for (const p of clues.evidence.problems) {
    if (p.missingPermission !== undefined) out.push(`grant ${p.missingPermission}`);
    else if (p.kind === 'not-found' && p.source === 'pod') out.push('the pod no longer exists (replaced by a rollout or deleted): diagnose its replacement');
    else if (p.kind === 'missing-label') out.push('an alert with namespace and pod labels');
    else if (p.kind === 'no-previous-log') out.push('a previous container log (the container has not terminated yet)');
    else if (p.kind === 'no-container') out.push('the name of a container that exists in the pod');
    else out.push(`${p.source}: ${p.message}`);
  }
  if (clues.pod === undefined && out.length === 0) out.push('the pod object (get pods)');
  if (clues.pod !== undefined && clues.termination === undefined && clues.waiting === undefined)
    out.push('a terminated or waiting container state: the container has not failed yet');
  if (clues.termination === undefined && clues.events.length === 0 && !clues.evidence.problems.some((p) => p.source === 'events'))
    out.push('events about the pod (none were recorded)');
  return [...new Set(out)];
}

/** The verdict when nothing else has proof. */
export function unknownVerdict(clues: Clues): Verdict {
  const missing = needs(clues);
  const proof: EvidenceLine[] = [...statusLine(clues), ...waitingLine(clues)];
  for (const p of clues.evidence.problems) proof.push({ source: p.source === 'events' ? 'events' : p.source === 'logs' ? 'logs' : 'status', text: p.message });
  return {
    id: 'unknown',
    place: 'fallback',
    confidence: 'low',
    title: 'Cause not determined',
    summary: `Not enough evidence to name a cause; what would decide it: ${missing.join('; ') || 'more evidence'}.`,
    evidence: proof,
    fix: { kind: 'investigate', needs: missing },
  };
}

export const unknown: Rule = { id: 'unknown', places: ['fallback'], detect: (clues) => [unknownVerdict(clues)] };
