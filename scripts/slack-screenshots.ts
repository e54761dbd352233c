/**
 * `npm run screenshots:slack [-- out-dir [name-regex]]`: first Slack messages as a channel shows them,
 * for reading before a change to them lands. Each is the Block Kit message the sinks post, checked by
 * the Slack stand-in's validator (the real service's limits), drawn in headless Chromium with Slack's
 * mrkdwn rules (bold, italic, code, code blocks, `<url|label>` links, entities) in a 600 px column
 * (a desktop pane) and at 360 px (a phone), light and dark. Slack's own client renders Block Kit; this
 * is a close likeness, for length, order and what wraps, not pixel truth.
 *
 * It checks what a reader would see wrong: a payload Slack would refuse, a page wider than its window.
 * Writes <out-dir>/index.html; exits 1 when a check fails. Not part of `npm test` (Chromium is a
 * Debian package: apt-get install chromium fonts-noto-color-emoji). Default out-dir: artifacts/slack-screenshots.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DiagnosisDocument } from '../src/diagnosis/document.ts';
import { renderSlack, type SlackBlock, type SlackMessage } from '../src/notify/render-slack.ts';
import { escapeHtml } from '../src/notify/text.ts';
import { benchCaseDocuments, CORPUS_EXTERNAL_URL } from '../test/support/corpus-documents.ts';
import { validateSlackPayload } from '../test/support/slack-standin.ts';
import { type ColorScheme, launchChromium } from './chromium-pipe.ts';

interface Case {
  name: string;
  about: string;
  doc: DiagnosisDocument;
  details: 'thread' | 'inline';
}

const PICKS: { id: string; about: string; details: 'thread' | 'inline' }[] = [
  { id: 'seed-payment-svc-python-db-refused', about: 'the worked example: a database refuses connections (bot, details in the thread)', details: 'thread' },
  { id: 'seed-payment-svc-python-db-refused', about: 'the same on an incoming webhook (no thread)', details: 'inline' },
  { id: 'app-crash-kafka-port-service-link', about: 'Kafka reads a service-link URL as its port', details: 'thread' },
  { id: 'oom-killed-init-container', about: 'an init container killed at its memory limit', details: 'thread' },
  { id: 'liveness-probe-java-slow-start-143', about: 'a liveness probe kills a slow-starting JVM', details: 'thread' },
  { id: 'missing-config-secret-not-found', about: 'a Secret the pod references does not exist (a fix to judge)', details: 'thread' },
  { id: 'bad-entrypoint-crlf-bad-interpreter', about: 'the entrypoint script has CRLF line endings', details: 'thread' },
  { id: 'unknown-pod-forbidden', about: 'cause unknown: crashtriage may not read the pod', details: 'inline' },
];

const VIEWS: { width: number; scheme: ColorScheme }[] = [
  { width: 600, scheme: 'light' },
  { width: 600, scheme: 'dark' },
  { width: 360, scheme: 'light' },
];

/** Slack mrkdwn (already escaped: `&lt;` `&gt;` `&amp;` are HTML entities too) → HTML. */
function mrkdwn(text: string): string {
  const fences = text.split('```');
  return fences
    .map((part, i) => {
      if (i % 2 === 1) return `<pre>${part.replace(/^\n/, '').replace(/\n$/, '')}</pre>`;
      return part
        .replace(/<([^|>]+)\|([^>]*)>/g, (_m, url: string, label: string) => `<a href="${url.replace(/"/g, '%22')}">${label}</a>`)
        .replace(/`([^`\n]+)`/g, '<code>$1</code>')
        .replace(/(^|[\s(])\*([^*\n]+)\*(?=[\s).,:;]|$)/gm, '$1<b>$2</b>')
        .replace(/(^|[\s(])_([^_\n]+)_(?=[\s).,:;]|$)/gm, '$1<i>$2</i>')
        .replace(/:warning:/g, '⚠️')
        .replace(/\n/g, '<br>');
    })
    .join('');
}

function blockHtml(b: SlackBlock): string {
  switch (b.type) {
    case 'header':
      return `<div class="header">${escapeHtml(b.text.text)}</div>`;
    case 'section':
      return `<div class="section">${b.text === undefined ? '' : mrkdwn(b.text.text)}${(b.fields ?? []).map((f) => `<div class="field">${mrkdwn(f.text)}</div>`).join('')}</div>`;
    case 'context':
      return `<div class="context">${b.elements.map((e) => `<div>${mrkdwn(e.text)}</div>`).join('')}</div>`;
    case 'actions':
      return `<div class="actions">${b.elements.map((e) => `<span class="button">${escapeHtml(e.type === 'button' ? e.text.text : e.placeholder.text)}</span>`).join('')}</div>`;
    default:
      return '<hr>';
  }
}

function page(m: SlackMessage): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="color-scheme" content="light dark">
<style>
:root { color-scheme: light dark; --bg:#fff; --ink:#1d1c1d; --muted:#616061; --code-bg:#f8f8f8; --code-border:#dddddd; --code-ink:#e01e5a; --link:#1264a3; }
@media (prefers-color-scheme: dark) { :root { --bg:#1a1d21; --ink:#d1d2d3; --muted:#ababad; --code-bg:#222529; --code-border:#35373b; --code-ink:#e8912d; --link:#1d9bd1; } }
body { margin:0; padding:12px 16px; background:var(--bg); color:var(--ink); font:15px/1.46668 Lato,'Noto Sans','DejaVu Sans',sans-serif,'Noto Color Emoji'; }
.msg { display:flex; gap:8px; } .avatar { width:36px; height:36px; border-radius:4px; background:#4a154b; flex:none; }
.body { min-width:0; flex:1; } .who { font-weight:900; } .who span { font-weight:400; color:var(--muted); font-size:12px; margin-left:4px; }
.header { font-weight:900; font-size:18px; line-height:1.33; margin:4px 0; overflow-wrap:anywhere; }
.section { margin:4px 0; overflow-wrap:anywhere; }
.context { color:var(--muted); font-size:12px; margin:4px 0; overflow-wrap:anywhere; } .context div { margin:2px 0; }
code { font:12px Monaco,Menlo,Consolas,'DejaVu Sans Mono',monospace; color:var(--code-ink); background:var(--code-bg); border:1px solid var(--code-border); border-radius:3px; padding:0 3px; overflow-wrap:anywhere; }
pre { font:12px/1.5 Monaco,Menlo,Consolas,'DejaVu Sans Mono',monospace; background:var(--code-bg); border:1px solid var(--code-border); border-radius:4px; padding:8px; margin:4px 0; white-space:pre-wrap; overflow-wrap:anywhere; }
a { color:var(--link); text-decoration:none; }
.button { display:inline-block; border:1px solid var(--code-border); border-radius:4px; padding:2px 10px; margin-right:6px; font-weight:700; font-size:13px; }
</style></head><body><div class="msg"><div class="avatar"></div><div class="body"><div class="who">crashtriage<span>APP 03:12</span></div>
${m.blocks.map(blockHtml).join('\n')}
</div></div></body></html>`;
}

function cases(): Case[] {
  const all = benchCaseDocuments();
  return PICKS.flatMap((p) => {
    const doc = all.find((c) => c.id === p.id)?.document;
    return doc === undefined ? [] : [{ name: `${p.id}.${p.details}`, about: p.about, doc, details: p.details }];
  });
}

async function main(): Promise<number> {
  const dir = resolve(process.argv[2] ?? 'artifacts/slack-screenshots');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const only = process.argv[3] === undefined ? undefined : new RegExp(process.argv[3]);
  const all = cases().filter((c) => only === undefined || only.test(c.name));
  const chromium = await launchChromium();
  const rows: string[] = [];
  let failed = 0;
  try {
    for (const c of all) {
      const message = renderSlack(c.doc, { externalURL: CORPUS_EXTERNAL_URL, details: c.details });
      const failures: string[] = [];
      const refused = validateSlackPayload(message);
      if (refused !== undefined) failures.push(`Slack would refuse it: ${refused}`);
      const html = join(dir, `${c.name}.html`);
      writeFileSync(html, page(message));
      const shots: string[] = [];
      for (const view of VIEWS) {
        const shot = await chromium.screenshot({ url: pathToFileURL(html).href, width: view.width, scheme: view.scheme });
        const file = `${c.name}.${view.width}-${view.scheme}.png`;
        writeFileSync(join(dir, file), shot.png);
        shots.push(file);
        if (shot.scrollWidth > view.width) failures.push(`${view.width} px ${view.scheme}: ${shot.scrollWidth} px wide, wider than the window`);
      }
      if (failures.length > 0) failed++;
      process.stdout.write(`${failures.length === 0 ? 'ok  ' : 'FAIL'} ${c.name}\n${failures.map((f) => `       ${f}\n`).join('')}`);
      rows.push(
        `<section><h2>${escapeHtml(c.name)}</h2><p>${escapeHtml(c.about)}</p>${failures.length === 0 ? '' : `<ul>${failures.map((f) => `<li>${escapeHtml(f)}</li>`).join('')}</ul>`}${shots.map((s) => `<img src="${escapeHtml(s)}" width="300" alt="">`).join(' ')}</section>`,
      );
    }
  } finally {
    await chromium.close();
  }
  writeFileSync(join(dir, 'index.html'), `<!DOCTYPE html><html><head><meta charset="utf-8"><title>crashtriage first Slack messages</title></head><body>${rows.join('\n')}</body></html>\n`);
  process.stdout.write(`\n${all.length} messages in ${dir}/index.html; ${failed === 0 ? 'every check passed' : `${failed} with problems`}\n`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main();
