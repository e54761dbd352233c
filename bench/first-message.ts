/**
 * Benchmark: issue #28's goals for the first Slack message over every case of bench/cases/, in visible
 * characters (what a reader sees, markup resolved): the length (goal: median ≤ 700, none over 1,100),
 * the deciding fact in the header or the proof line (all but 2 of each 30), and the first Fix's kind
 * where the cause is known (a diagnostic step in at most 1 of 10), from the document's field.
 *
 *   node_modules/.bin/node bench/first-message.ts [--each]
 */
import { benchCaseDocuments } from '../test/support/corpus-documents.ts';
import { measureGoals } from '../test/support/first-message-goals.ts';

const goals = measureGoals(benchCaseDocuments());
if (process.argv.includes('--each'))
  for (const o of goals.outcomes)
    console.log(`${o.id}\tthread ${o.length.thread}\tinline ${o.length.inline}\tdeciding ${o.decidingShown ?? '-'}\tfirst fix ${o.firstFixKind ?? '-'}`);
for (const details of ['thread', 'inline'] as const) {
  const label = details === 'thread' ? 'Web API first message' : 'incoming webhook message';
  console.log(
    `${label}: ${goals.cases} cases, median ${goals.median[details]} visible chars, max ${goals.max[details]}, ${goals.over1100[details]} over 1,100`,
  );
}
console.log(
  `deciding fact in the header or the proof line: ${goals.withFacts - goals.decidingMissed.length} of ${goals.withFacts} cases that name one (missed: ${goals.decidingMissed.join(', ') || 'none'})`,
);
console.log(`email, deciding fact before "More proof": ${goals.withFacts - goals.emailDecidingMissed.length} of ${goals.withFacts}`);
console.log(
  goals.knownWithKind === 0
    ? `first Fix kind: not in the document yet (${goals.knownWithoutKind} known-cause messages with a fix)`
    : `first Fix a diagnostic step: ${goals.diagnosticFirst.length} of ${goals.knownWithKind} known-cause messages (${goals.diagnosticFirst.join(', ') || 'none'}); nothing to change: ${goals.noChangeFirst.length}`,
);
