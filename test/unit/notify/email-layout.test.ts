/**
 * The email's layout, asserted on its HTML for every case of the corpus, so what `npm run screenshots`
 * shows in Chromium cannot regress unseen: labels that never wrap, code that wraps at spaces and
 * after `/` `,` `=` `@` but never inside a name, nothing wider than 600 px, a dark palette for every
 * light background, and no sparkline beside the memory chart.
 */
import { describe, expect, it } from 'vitest';
import { renderEmail } from '../../../src/notify/render-email.ts';
import { withHistory } from '../../fixtures/memory/document.ts';
import { leak } from '../../fixtures/memory/shapes.ts';
import { oomDocument } from '../../fixtures/notify/documents.ts';
import { CORPUS_EXTERNAL_URL, corpusDocuments } from '../../support/corpus-documents.ts';

const FROM = 'crashtriage <alerts@example.com>';
const CHART = { cid: 'memory-chart.x@crashtriage', alt: 'memory of api, last 6 h' };
const cases = corpusDocuments().map((c) => [c.fixture.name, c.document] as const);

/** Every opening tag with its name, class and style. */
function tags(html: string): { name: string; cls: string; style: string; raw: string }[] {
  return [...html.matchAll(/<([a-z][a-z0-9]*)\b([^>]*)>/gi)].map((m) => {
    const attrs = m[2] ?? '';
    return {
      name: (m[1] ?? '').toLowerCase(),
      cls: /\bclass="([^"]*)"/.exec(attrs)?.[1] ?? '',
      style: /\bstyle="([^"]*)"/.exec(attrs)?.[1] ?? '',
      raw: m[0],
    };
  });
}

/** The text of every <pre> and <code>, tags removed: what a reader copies. */
const codeBlocks = (html: string): string[] => [...html.matchAll(/<(pre|code)\b[^>]*>([\s\S]*?)<\/\1>/g)].map((m) => m[2] ?? '');

describe.each(cases)('email layout: %s', (_name, document) => {
  const { html } = renderEmail(document, { externalURL: CORPUS_EXTERNAL_URL, from: FROM });
  const all = tags(html);

  it('every label (left column of fields, "Log:" before a proof line) is nowrap', () => {
    const labels = all.filter((t) => t.cls.split(' ').includes('ct-label'));
    expect(labels.length).toBeGreaterThanOrEqual(3);
    for (const l of labels) expect(l.style, l.raw).toContain('white-space:nowrap');
  });

  it('code blocks: pre-wrap, normal word-break; a word split only when longer than a line (overflow-wrap:anywhere), never break-all', () => {
    for (const t of all.filter((x) => x.name === 'pre')) expect(t.style).toMatch(/white-space:pre-wrap;word-break:normal;overflow-wrap:anywhere/);
    expect(html).not.toMatch(/word-break:\s*break-all/);
    // The card's text may break a word only when the word alone is longer than a line.
    expect(all.find((t) => t.cls === 'ct-body')?.style).toContain('overflow-wrap:anywhere');
  });

  it('a hyphenated name in code is kept whole (an inline block), slashes and "=" are break points', () => {
    const KEPT = /<span style="display:inline-block;max-width:100%">([^<]*)<\/span>/g;
    for (const block of codeBlocks(html)) {
      // Outside the inline blocks no hyphen is left before a word character.
      expect(block.replace(/<wbr>/g, '').replace(KEPT, ' '), block).not.toMatch(/-[\w.]/);
      // After every "/", ",", "=" and "@" followed by more code: a break opportunity.
      expect(block.replace(KEPT, '$1'), block).not.toMatch(/[/=,@](?!<wbr>|\s|$)/m);
    }
  });

  it('nothing is wider than 600 px: widths in attributes and styles, the card a fluid 100%', () => {
    for (const m of html.matchAll(/\bwidth(?:="|:)(\d+)(?:px)?/g)) expect(Number(m[1])).toBeLessThanOrEqual(600);
    const card = all.find((t) => t.cls === 'ct-card');
    expect(card?.style).toContain('max-width:600px;width:100%');
    expect(html).toContain('<meta name="viewport" content="width=device-width,initial-scale=1">');
  });

  it('dark mode: color-scheme declared; every light background has a dark override', () => {
    expect(html).toContain('<meta name="color-scheme" content="light dark">');
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    const dark = style.slice(style.indexOf('@media (prefers-color-scheme: dark)'));
    const overridden = (cls: string): boolean => new RegExp(`\\.${cls}\\b[^{]*\\{[^}]*background:`).test(dark);
    for (const t of all.filter((x) => /background:#(fff|f6f8fa|fff8c5)/i.test(x.style))) {
      const ok = ['pre', 'code'].includes(t.name) ? /\.ct-card pre, \.ct-card code \{[^}]*background:/.test(dark) : t.cls.split(' ').some(overridden);
      expect(ok, t.raw).toBe(true);
    }
  });
});

describe('email with the memory chart', () => {
  const end = Date.parse('2026-04-09T14:05:00Z') / 1000;
  const doc = withHistory(leak({ end }), end);

  it('the image is fluid (max-width within the card) and the sparkline line is not shown beside it', () => {
    expect(doc.evidence.some((e) => /[▁▂▃▄▅▆▇█]{3}/.test(e.text))).toBe(true);
    const withChart = renderEmail(doc, { externalURL: '', from: FROM, chart: CHART }).html;
    expect(withChart).toMatch(/<img src="cid:memory-chart\.x@crashtriage"[^>]*style="display:block;width:100%;max-width:560px;height:auto/);
    expect(withChart).not.toMatch(/[▁▂▃▄▅▆▇█]{3}/);
    expect(withChart).toContain('runs climbed steadily until killed');
    // Without the image (the chart could not be drawn) the sparkline stays: it is the only picture.
    expect(renderEmail(doc, { externalURL: '', from: FROM }).html).toMatch(/[▁▂▃▄▅▆▇█]{3}/);
  });

  it('a long image reference and a long kubectl patch wrap after "/", "," and "@", names whole', () => {
    const base = oomDocument();
    const image = 'registry.internal.example.com/payments/payment-svc@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';
    const { html } = renderEmail({ ...base, target: { ...base.target, image } }, { externalURL: '', from: FROM });
    expect(html).toContain(
      'registry.internal.example.com/<wbr>payments/<wbr><span style="display:inline-block;max-width:100%">payment-svc</span>@<wbr>sha256:9f86',
    );
    expect(html).toContain('&quot;name&quot;:&quot;<span style="display:inline-block;max-width:100%">payment-svc</span>&quot;,<wbr>&quot;resources&quot;');
    const kept = (word: string): string => `<span style="display:inline-block;max-width:100%">${word}</span>`;
    // A flag is kept with its letter: browsers otherwise break "-" from "n" at the end of a line.
    expect(html).toContain(`deployment ${kept('payment-svc')} ${kept('-n')} payments ${kept('-p')}`);
  });
});
