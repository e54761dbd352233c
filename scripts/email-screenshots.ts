/**
 * `npm run screenshots [-- out-dir [name-regex]]`: the email as mail clients show it, for reading before a change to it
 * lands. One email per cause and sub-cause of the diagnosis corpus (test/fixtures/diagnosis), the OOM
 * email with each memory chart, resolved emails, read problems and a rollout incident. Each goes
 * through the real email sink to a loopback SMTP server; mailparser resolves the inline chart
 * (cid: → data:); headless Chromium renders the HTML at 600 px (light, `prefers-color-scheme: dark`,
 * and a client's forced dark mode) and at 360 px (a phone).
 *
 * Beside the PNGs it checks what a reader would see wrong: a page wider than its window, a label
 * that wraps, a code or value line broken inside a word (anywhere but a space, `/`, `,` or `=`).
 * Writes <out-dir>/index.html; exits 1 when a check fails. Not part of `npm test` (Chromium is slow
 * and a Debian package: apt-get install chromium). Default out-dir: artifacts/screenshots.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import pino from 'pino';
import type { DiagnosisDocument } from '../src/diagnosis/document.ts';
import { createEmailSink } from '../src/notify/sinks/email.ts';
import { escapeHtml } from '../src/notify/text.ts';
import { fixtures } from '../test/fixtures/diagnosis/index.ts';
import { withHistory } from '../test/fixtures/memory/document.ts';
import { leak, spike, undersized } from '../test/fixtures/memory/shapes.ts';
import { oomDocument, resolvedOf } from '../test/fixtures/notify/documents.ts';
import { corpusDocuments } from '../test/support/corpus-documents.ts';
import { startSmtpCapture } from '../test/support/smtp-capture.ts';
import { type ColorScheme, launchChromium } from './chromium-pipe.ts';

interface Case {
  name: string;
  /** What the case shows, for the index. */
  about: string;
  doc: DiagnosisDocument;
}

const VIEWS: { width: number; scheme: ColorScheme }[] = [
  { width: 600, scheme: 'light' },
  { width: 600, scheme: 'dark' },
  { width: 600, scheme: 'forced-dark' },
  { width: 360, scheme: 'light' },
];

/**
 * Run in the page after it loads: labels that take more than one line, and lines of code or field
 * values that break inside a word (between two of letters, digits, `_`, `.` and `-`), unless the
 * text between break opportunities is longer than a line (a digest, a pod name in a phone's narrow
 * column: breaking it is then the last resort).
 */
const PROBE = `(() => {
  const lines = (el) => { const r = document.createRange(); r.selectNodeContents(el); return new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size; };
  const wrappedLabels = [...document.querySelectorAll('.ct-label')].filter((el) => lines(el) > 1).map((el) => el.textContent);
  const midWord = [];
  for (const el of document.querySelectorAll('pre, code, .ct-value')) {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    let top, prev = '', text = '';
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const t = n.textContent;
      for (let i = 0; i < t.length; i++) {
        const c = t[i];
        text += c;
        if (c === '\\n') { top = undefined; prev = c; continue; }
        const range = document.createRange(); range.setStart(n, i); range.setEnd(n, i + 1);
        const rect = range.getClientRects()[0];
        if (rect === undefined) { prev = c; continue; }
        if (top !== undefined && rect.top > top + 2 && /[\\w.-]/.test(prev) && /[\\w.-]/.test(c)) {
          const word = text.slice(0, -1).match(/[^\\s/,=@]*$/)[0] + t.slice(i).match(/^[^\\s/,=@]*/)[0];
          if (word.length * rect.width < el.clientWidth - 24) midWord.push(text.slice(-40, -1) + '⏎' + t.slice(i, i + 20));
        }
        top = rect.top; prev = c;
      }
    }
  }
  return { wrappedLabels, midWord };
})()`;

function cases(now: number): Case[] {
  const out: Case[] = [];
  // One per cause id and sub-cause: the fixture with the longest command or log line, to test the wrapping.
  const families = new Map<string, { fixture: string; doc: DiagnosisDocument; longest: number }>();
  for (const { fixture, document } of corpusDocuments()) {
    const family = document.cause.detail === undefined ? document.cause.id : `${document.cause.id}.${document.cause.detail}`;
    const lines = [...document.remedies.flatMap((r) => r.commands), ...(document.logs?.excerpt.split('\n') ?? [])];
    const longest = Math.max(0, ...lines.map((l) => l.length));
    if ((families.get(family)?.longest ?? -1) < longest) families.set(family, { fixture: fixture.name, doc: document, longest });
  }
  for (const [family, { fixture, doc }] of [...families].sort(([a], [b]) => a.localeCompare(b))) {
    const source = fixtures.find((f) => f.name === fixture)?.source;
    out.push({ name: family, about: `${family}: fixture ${fixture}${source === undefined ? '' : ` (${source})`}`, doc });
  }
  for (const [name, shape] of [
    ['leak', leak],
    ['undersized', undersized],
    ['spike', spike],
  ] as const) {
    out.push({ name: `oom-chart-${name}`, about: `OOM kill with the memory chart attached (${name})`, doc: withHistory(shape({ end: now }), now) });
  }
  const base = oomDocument();
  out.push(
    {
      name: 'resolved-replaced',
      about: 'resolved: the pod was replaced by a running one',
      doc: { ...resolvedOf(base), resolution: { state: 'replaced', text: 'replaced by pod payment-svc-7b9f6d-q8r2t (Running, 0 restarts)' } },
    },
    {
      name: 'resolved-still-failing',
      about: 'resolved alert while the pod still crash loops',
      doc: { ...resolvedOf(base), resolution: { state: 'still-failing', text: 'payment-svc-7b9f6d-xk2p is still in CrashLoopBackOff (15 restarts)' } },
    },
    {
      name: 'problems',
      about: 'reads that failed: the problems box',
      doc: oomDocument({
        cause: { ...base.cause, confidence: 'medium' },
        problems: [
          {
            source: 'logs',
            kind: 'forbidden',
            message:
              'pods "payment-svc-7b9f6d-xk2p" is forbidden: User "system:serviceaccount:monitoring:crashtriage" cannot get resource "pods/log" in API group "" in the namespace "payments"',
          },
          { source: 'events', kind: 'timeout', message: 'timeout after 5s reading events' },
        ],
      }),
    },
    {
      name: 'rollout-incident',
      about: 'a crash loop that began with a rollout: the incident lines and the rollback first',
      doc: oomDocument({
        target: { ...base.target, image: 'registry.internal.example.com/payments/payment-svc@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' },
        incident: {
          id: 'i1',
          cluster: 'prod-eu-1',
          workload: { kind: 'Deployment', name: 'payment-svc' },
          pods: [{ name: base.target.pod, cause: 'oom-killed', title: 'OOMKilled (exit 137)', status: 'firing' }],
          ready: { ready: 2, desired: 3 },
          change: { revision: 12, previousRevision: 11, since: '2026-04-09T13:55:00Z', differences: [] },
          news: 'opened',
          summary: [
            '1 of 3 pods of deployment/payment-svc in cluster prod-eu-1 crash looping (2 of 3 ready)',
            'began with revision 12, 8 minutes ago: image registry.internal.example.com/payments/payment-svc:3.0.0 → registry.internal.example.com/payments/payment-svc:3.1.4',
          ],
        },
        remedies: [
          { kind: 'remedy', title: 'Roll back to revision 11, the one before the change', commands: ['kubectl rollout undo deployment/payment-svc -n payments --to-revision=11'] },
          ...base.remedies,
        ],
      }),
    },
  );
  return out;
}

interface Result {
  case: Case;
  subject: string;
  shots: { file: string; width: number; scheme: ColorScheme }[];
  failures: string[];
}

async function main(): Promise<number> {
  const dir = resolve(process.argv[2] ?? 'artifacts/screenshots');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const now = Math.floor(Date.now() / 1000);
  const only = process.argv[3] === undefined ? undefined : new RegExp(process.argv[3]);
  const all = cases(now).filter((c) => only === undefined || only.test(c.name));

  const smtp = await startSmtpCapture();
  const sink = createEmailSink(
    { smtpUrl: smtp.url, from: 'crashtriage <alerts@example.com>', to: ['oncall@example.com'] },
    { fetch, clock: Date.now, logger: pino({ level: 'silent' }), timeoutMs: 10_000, stdout: process.stdout },
  );
  const chromium = await launchChromium();
  const results: Result[] = [];
  try {
    for (const [i, c] of all.entries()) {
      await sink.send(c.doc, {
        groupKey: c.name,
        receiver: 'screenshots',
        externalURL: 'https://alertmanager.example.com',
        idempotencyKey: c.name,
        signal: AbortSignal.timeout(30_000),
      });
      const mail = smtp.mails[i];
      if (mail === undefined) throw new Error(`${c.name}: the SMTP server received no mail`);
      const html = join(dir, `${c.name}.html`);
      writeFileSync(html, mail.html);
      const result: Result = { case: c, subject: mail.subject, shots: [], failures: [] };
      for (const view of VIEWS) {
        const file = `${c.name}.${view.width}-${view.scheme}.png`;
        const shot = await chromium.screenshot({ url: pathToFileURL(html).href, ...view, probe: PROBE });
        writeFileSync(join(dir, file), shot.png);
        result.shots.push({ file, ...view });
        const where = `${view.width} px ${view.scheme}`;
        if (shot.scrollWidth > view.width) result.failures.push(`${where}: ${shot.scrollWidth} px wide, wider than the window`);
        const probe = shot.probe as { wrappedLabels: string[]; midWord: string[] };
        for (const label of probe.wrappedLabels) result.failures.push(`${where}: label "${label}" wraps`);
        for (const at of probe.midWord.slice(0, 5)) result.failures.push(`${where}: broken inside a word: ${at}`);
        if (probe.midWord.length > 5) result.failures.push(`${where}: … ${probe.midWord.length - 5} more breaks inside words`);
      }
      results.push(result);
      process.stdout.write(`${result.failures.length === 0 ? 'ok  ' : 'FAIL'} ${c.name}: ${mail.subject}\n`);
      for (const f of result.failures) process.stdout.write(`       ${f}\n`);
    }
  } finally {
    await chromium.close();
    await sink.close();
    await smtp.close();
  }
  writeFileSync(join(dir, 'index.html'), indexHtml(results));
  const failed = results.filter((r) => r.failures.length > 0).length;
  process.stdout.write(
    `\n${results.length} emails, ${results.length * VIEWS.length} screenshots in ${dir}/index.html; ${failed === 0 ? 'every check passed' : `${failed} with problems`}\n`,
  );
  return failed === 0 ? 0 : 1;
}

function indexHtml(results: Result[]): string {
  const rows = results
    .map(
      (r) => `<section id="${escapeHtml(r.case.name)}"><h2>${escapeHtml(r.case.name)}</h2><p>${escapeHtml(r.case.about)}<br><b>Subject:</b> ${escapeHtml(r.subject)} · <a href="${escapeHtml(r.case.name)}.html">HTML</a></p>
${r.failures.length === 0 ? '' : `<ul class="fail">${r.failures.map((f) => `<li>${escapeHtml(f)}</li>`).join('')}</ul>`}
<div class="shots">${r.shots.map((s) => `<figure><a href="${escapeHtml(s.file)}"><img src="${escapeHtml(s.file)}" width="${s.width / 2}" alt=""></a><figcaption>${s.width} px, ${s.scheme}</figcaption></figure>`).join('')}</div></section>`,
    )
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>crashtriage email screenshots</title>
<style>body{font:14px system-ui,sans-serif;margin:16px}.shots{display:flex;gap:12px;align-items:flex-start}figure{margin:0}figcaption{color:#555}.fail{color:#b00}</style></head>
<body><h1>crashtriage email screenshots</h1><p>${results.length} emails; ${results.filter((r) => r.failures.length > 0).length} with problems. Click a screenshot for its full size.</p>
<ul>${results.map((r) => `<li><a href="#${escapeHtml(r.case.name)}">${escapeHtml(r.case.name)}</a>${r.failures.length === 0 ? '' : ' <b class="fail">✗</b>'}</li>`).join('')}</ul>
${rows}
</body></html>
`;
}

process.exitCode = await main();
