/**
 * The first message over every case of the diagnosis corpus: decision first (header, deciding fact,
 * primary fix, context), nothing said twice, no raw log line as a header; the length goals are in
 * first-message-goals.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { buildMessage } from '../../../src/notify/message.ts';
import { renderMarkdown } from '../../../src/notify/render-markdown.ts';
import { renderSlack } from '../../../src/notify/render-slack.ts';
import { renderText } from '../../../src/notify/render-text.ts';
import { visibleLines } from '../../../src/notify/slack-blocks.ts';
import { CORPUS_EXTERNAL_URL, corpusDocuments } from '../../support/corpus-documents.ts';
import { validateSlackPayload } from '../../support/slack-standin.ts';

const corpus = corpusDocuments();
const cases = corpus.map((c) => [c.fixture.name, c] as const);

describe('first Slack message over the corpus', () => {
  it.each(cases)('%s: header, deciding fact, primary fix, context in that order', (_name, { document }) => {
    const m = renderSlack(document, { externalURL: CORPUS_EXTERNAL_URL, details: 'thread' });
    expect(validateSlackPayload(m)).toBeUndefined();
    const model = buildMessage(document, { externalURL: CORPUS_EXTERNAL_URL });
    const kinds = m.blocks.map((b) => b.type);
    expect(kinds[0]).toBe('header');
    expect(kinds.at(-1)).toBe('context');
    const all = JSON.stringify(m.blocks);
    const at = (needle: string): number => all.indexOf(needle);
    const header = at(model.first.header.replace(/"/g, '\\"'));
    expect(header).toBeGreaterThan(-1);
    const deciding = model.first.deciding[0];
    if (deciding !== undefined) {
      expect(at(`*${deciding.label}:*`)).toBeGreaterThan(header);
      if (model.first.primaryFix !== undefined) expect(at('*Fix:*')).toBeGreaterThan(at(`*${deciding.label}:*`));
    }
    if (model.first.primaryFix !== undefined) expect(at('*Fix:*')).toBeLessThan(at('"type":"context"'));
    // The notification text says what the header says.
    expect(m.text).toContain(model.first.header.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
  });

  it.each(cases)('%s: the header is the cause in words, never a raw log line', (_name, { document }) => {
    const { header } = buildMessage(document, { externalURL: '' }).first;
    const role = document.target.containerRole;
    const which =
      role === undefined ? '' : ` (${role === 'init' ? 'init container' : role === 'sidecar' ? 'sidecar' : 'container'} ${document.target.container})`;
    expect(header.startsWith(`${document.target.namespace}/${document.target.owner?.name ?? document.target.pod}${which}: `)).toBe(true);
    for (const line of document.logs?.excerpt.split('\n') ?? []) {
      const l = line.trim();
      if (l.length >= 20) expect(header).not.toContain(l);
    }
    expect(header.length).toBeLessThanOrEqual(150);
  });

  it.each(cases)('%s: no line of the first message is repeated in it', (_name, { document }) => {
    for (const details of ['thread', 'inline'] as const) {
      const lines = visibleLines(renderSlack(document, { externalURL: CORPUS_EXTERNAL_URL, details }).blocks)
        .flatMap((t) => t.split('\n'))
        .map((l) =>
          l
            .replace(/^[•\s]+/, '')
            .replace(/^(Log|Container status|Event|Pod spec|Memory history): /, '')
            .trim(),
        )
        // A fix's own "# set X first" note belongs to each command block that needs X.
        .filter((l) => l.length > 12 && !l.startsWith('# set '));
      expect(lines.filter((l, i) => lines.indexOf(l) !== i)).toEqual([]);
    }
  });

  it.each(cases)('%s: nothing cut mid-word', (_name, { document }) => {
    const model = buildMessage(document, { externalURL: '' });
    for (const text of [model.first.header, ...model.first.deciding.map((d) => d.text)]) {
      if (!text.endsWith('…')) continue;
      const kept = text.slice(0, -1);
      const word = kept.split(/\s+/).at(-1) ?? '';
      const original = [document.cause.title, document.cause.summary, ...document.evidence.map((e) => e.text)].join('\n');
      // The last kept word is a whole word of the original text (followed by a space there).
      expect(original).toMatch(new RegExp(`${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[\\s,;:]`));
    }
  });

  it.each(cases)('%s: text and Markdown keep the same order', (_name, { document }) => {
    const model = buildMessage(document, { externalURL: '' });
    for (const out of [renderText(document, { color: false }), renderMarkdown(document)]) {
      const fix = model.first.primaryFix === undefined ? -1 : out.indexOf('Fix: ');
      const details = out.indexOf('What happened');
      expect(out.split('\n')[0]).toMatch(/^(\[FIRING\]|## FIRING:) /);
      if (fix >= 0) expect(fix).toBeLessThan(details);
    }
  });
});
