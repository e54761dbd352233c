/**
 * Evidence → Diagnosis, pure: no I/O, no clock (`evidence.now` is the time). Every rule runs over the
 * same clues (one flatMap); the strongest verdict is the cause; remedies, verify steps, findings and
 * the log excerpt follow from it. Everything that quotes the cluster is redacted here.
 */
import type { Clues } from './clues.ts';
import { describeEvent } from './describe.ts';
import type { Diagnosis, EvidenceLine } from './document.ts';
import type { Evidence } from './evidence.ts';
import { findingsFor } from './findings.ts';
import { gatherClues } from './gather-clues.ts';
import { buildExcerpt } from './log-excerpt.ts';
import { placeRank } from './precedence.ts';
import { redact } from './redact.ts';
import { remediesFor } from './remedies/index.ts';
import { verifySteps } from './remedies/verify.ts';
import { workloadOf } from './remedies/workload.ts';
import { withProblems } from './rules/exit-rules.ts';
import { RULES } from './rules/index.ts';
import { unknownVerdict } from './rules/unknown-rule.ts';
import type { Verdict } from './verdict.ts';

/** Strongest first (precedence.ts); `sort` is stable, so within a place the rule table's order decides. */
export function rank(verdicts: readonly Verdict[]): Verdict[] {
  return [...verdicts].sort((a, b) => placeRank(a.place) - placeRank(b.place));
}

function uniqueLines(lines: readonly EvidenceLine[]): EvidenceLine[] {
  const seen = new Set<string>();
  return lines.flatMap((l) => {
    const text = redact(l.text);
    const key = `${l.source}\u0000${text}`;
    if (seen.has(key)) return [];
    seen.add(key);
    return [{ source: l.source, text }];
  });
}

/** The BackOff event shows the loop itself; added when the proof quotes no event. */
function loopLine(clues: Clues, top: Verdict): EvidenceLine[] {
  if (top.evidence.some((e) => e.source === 'events')) return [];
  const backOff = clues.events.find((e) => e.reason === 'BackOff' && /restarting failed container/i.test(e.message));
  return backOff === undefined ? [] : [{ source: 'events', text: describeEvent(backOff) }];
}

export function diagnose(evidence: Evidence): Diagnosis {
  const clues = gatherClues(evidence);
  const verdicts = rank(RULES.flatMap((rule) => rule.detect(clues)));
  // The fallback rule always answers, so verdicts[0] exists; the ?? only satisfies the type.
  const top = withProblems(clues, verdicts[0] ?? unknownVerdict(clues));
  // Remedies, verify steps and findings quote log-derived values (hosts, paths, flags): redacted too.
  const remedies = remediesFor(top, clues).map((r) => ({ ...r, title: redact(r.title), commands: r.commands.map(redact) }));
  // A verify step a Fix already runs (the rollout's status, when nothing is to change) is said once.
  const fixes = new Set(remedies.flatMap((r) => r.commands));
  const diagnosis: Diagnosis = {
    cause: {
      id: top.id,
      ...(top.detail === undefined ? {} : { detail: top.detail }),
      title: redact(top.title),
      confidence: top.confidence,
      summary: redact(top.summary),
    },
    evidence: uniqueLines([...top.evidence, ...loopLine(clues, top)]),
    remedies,
    verify:
      clues.pod === undefined
        ? []
        : verifySteps(clues, workloadOf(clues), top.id)
            .map(redact)
            .filter((v) => !fixes.has(v)),
    findings: findingsFor(clues, top.id).map((f) => ({ id: f.id, text: redact(f.text) })),
  };
  if (clues.log !== undefined) diagnosis.logs = buildExcerpt(clues.log, clues.primary);
  return diagnosis;
}
