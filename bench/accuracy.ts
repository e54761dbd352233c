/**
 * `npm run bench:accuracy [-- --json]`: the diagnosis over every case of bench/cases/<id>/ (pod.json,
 * events.json, previous.log, node.json, case.json with the source, expected cause, sub-cause and
 * facts), beside a naive exit-code table as the baseline. Prints the table and writes docs/accuracy.md;
 * with --json prints one JSON object instead. A case is right on cause when cause and sub-cause match;
 * its facts are shown when every expected fact appears in the title, summary, proof or remedies.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BenchCase, loadCases, score } from './accuracy-cases.ts';

const cases: BenchCase[] = loadCases(join(import.meta.dirname, 'cases'));
const result = score(cases);

if (process.argv.includes('--json')) {
  const { cases: n, causeRight, factsShown, msPerCase, baseline } = result;
  console.log(JSON.stringify({ cases: n, causeRight, factsShown, msPerCase, baseline: { causeRight: baseline.causeRight, factsShown: baseline.factsShown } }));
} else {
  const pct = (a: number, b: number): string => `${b === 0 ? 0 : Math.round((a / b) * 1000) / 10} %`;
  const rows = [...result.perCause.entries()].sort(([a], [b]) => a.localeCompare(b));
  const md = [
    '# Diagnosis accuracy',
    '',
    `Written by \`npm run bench:accuracy\` from the ${result.cases} cases in [bench/cases/](../bench/cases/): each holds the pod,`,
    'its previous log and its events as the API returns them, the expected cause, sub-cause and the facts the message must',
    "mention, and where it comes from (`case.json`'s `source`: a public report, or built here and said so). A rule engine",
    'costs nothing per case; the time is one core of the machine that wrote this page.',
    '',
    'The baseline is a naive exit-code table (137 → oom-killed, 143 → sigterm, 139 → segfault, 126/127 → bad-entrypoint,',
    '0 → exit-zero, an image-pull or config waiting reason → its cause, anything else → app-crash), whose message is the',
    'exit code and reason alone.',
    '',
    "Cases named like `09_crashpod` or `77_liveness_probe_misconfiguration` are HolmesGPT's ask-holmes evals of the same name",
    '([tests/llm/fixtures/test_ask_holmes](https://github.com/robusta-dev/holmesgpt/tree/master/tests/llm/fixtures/test_ask_holmes)),',
    "rebuilt from their manifests, so the two can be compared case by case; `robusta-1071-*` are the terminations Robusta's",
    "[#1071](https://github.com/robusta-dev/robusta/issues/1071) reported as OOMKilled (a rollout's SIGTERM, a bare exit 137).",
    '',
    '| | cases | cause right | facts shown | baseline cause right | baseline facts shown |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    `| **all** | ${result.cases} | ${result.causeRight} (${pct(result.causeRight, result.cases)}) | ${result.factsShown} (${pct(result.factsShown, result.cases)}) | ${result.baseline.causeRight} (${pct(result.baseline.causeRight, result.cases)}) | ${result.baseline.factsShown} (${pct(result.baseline.factsShown, result.cases)}) |`,
    ...rows.map(([cause, r]) => `| \`${cause}\` | ${r.cases} | ${r.causeRight} | ${r.factsShown} | ${r.baselineCause} | ${r.baselineFacts} |`),
    '',
    `Time per case: ${result.msPerCase} ms (evidence → diagnosis, median of 20 rounds).`,
    '',
    ...(result.misses.length === 0 ? [] : ['Cases not right on cause or facts:', '', ...result.misses.map((m) => `- \`${m.id}\`: ${m.why}`), '']),
  ].join('\n');
  writeFileSync(join(import.meta.dirname, '..', 'docs', 'accuracy.md'), md);
  console.log(md);
}
