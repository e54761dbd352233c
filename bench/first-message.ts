/**
 * Benchmark: how long the first Slack message is for every case of the diagnosis corpus, in visible
 * characters (what a reader sees, markup resolved). The budget is about 1,200 in the median, 2,000 at most.
 *
 *   node_modules/.bin/node bench/first-message.ts [--each]
 */
import { renderSlack } from '../src/notify/render-slack.ts';
import { CORPUS_EXTERNAL_URL, corpusDocuments } from '../test/support/corpus-documents.ts';
import { visibleText } from '../test/support/slack-visible.ts';

const each = process.argv.includes('--each');
for (const details of ['thread', 'inline'] as const) {
  const lengths = corpusDocuments().map(({ fixture, document }) => {
    const n = visibleText(renderSlack(document, { externalURL: CORPUS_EXTERNAL_URL, details })).length;
    if (each) console.log(`${details}\t${n}\t${fixture.name}`);
    return n;
  });
  lengths.sort((a, b) => a - b);
  const median =
    lengths.length % 2 === 1 ? (lengths[(lengths.length - 1) / 2] ?? 0) : ((lengths[lengths.length / 2 - 1] ?? 0) + (lengths[lengths.length / 2] ?? 0)) / 2;
  const label = details === 'thread' ? 'Web API first message' : 'incoming webhook message';
  console.log(`${label}: ${lengths.length} cases, median ${median} visible chars, max ${lengths.at(-1)}, min ${lengths[0]}`);
}
