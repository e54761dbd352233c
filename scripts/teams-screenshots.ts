/**
 * `npm run screenshots:teams [-- out-dir [name-regex]]`: the Teams card as a channel shows it. Each
 * case goes through the real Teams sink to the Workflows stand-in (which runs the template flow and
 * checks the card against the Adaptive Card 1.4 schema); the card it would post is rendered in
 * headless Chromium by Microsoft's own renderer (the `adaptivecards` npm package) with the Teams host
 * configs (test/fixtures/notify/teams/), light and dark, in a 540 px channel column.
 *
 * It checks what a reader would see wrong: a parse warning from the renderer (an element or property
 * it does not know), a card wider than its column. Writes <out-dir>/index.html; exits 1 when a check
 * fails. Not part of `npm test` (Chromium is a Debian package: apt-get install chromium).
 * Default out-dir: artifacts/teams-screenshots; `docs/images/` keeps the ones install.md shows.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import pino from 'pino';
import type { DiagnosisDocument } from '../src/diagnosis/document.ts';
import { createTeamsSink } from '../src/notify/sinks/teams.ts';
import { escapeHtml } from '../src/notify/text.ts';
import { hugeDocument, oomDocument, resolvedOf } from '../test/fixtures/notify/documents.ts';
import { corpusDocuments } from '../test/support/corpus-documents.ts';
import { startTeamsStandin } from '../test/support/teams-standin.ts';
import { launchChromium } from './chromium-pipe.ts';

interface Case {
  name: string;
  about: string;
  doc: DiagnosisDocument;
}

const THEMES = ['light', 'dark'] as const;
/** A Teams channel message column, roughly, on a laptop screen. */
const COLUMN = 540;

function cases(): Case[] {
  const base = oomDocument();
  const corpus = corpusDocuments();
  const pick = (id: string): DiagnosisDocument | undefined => corpus.find((c) => c.document.cause.id === id && c.document.logs !== undefined)?.document;
  const out: Case[] = [
    {
      name: 'oom-firing',
      about: 'an OOM kill, firing',
      doc: { ...base, alert: { ...base.alert, labels: { ...base.alert.labels, cluster: 'prod-eu-1' } }, target: { ...base.target, restarts: 14 } },
    },
    {
      name: 'rollout-incident',
      about: 'a crash loop that began with a rollout: the incident lines and the rollback first',
      doc: oomDocument({
        alert: { ...base.alert, labels: { ...base.alert.labels, severity: 'critical' } },
        incident: {
          id: 'prod-eu-1/payments/payment-svc@2026-04-09T14:05:00Z',
          cluster: 'prod-eu-1',
          workload: { kind: 'Deployment', name: 'payment-svc' },
          pods: [{ name: base.target.pod, cause: 'oom-killed', title: 'OOMKilled (exit 137)', status: 'firing' }],
          ready: { ready: 2, desired: 3 },
          change: { revision: 12, previousRevision: 11, since: '2026-04-09T13:55:00Z', differences: ['image payment-svc:3.0.0 → payment-svc:3.1.4'] },
          news: 'opened',
          summary: ['1 of 3 pods of deployment/payment-svc in cluster prod-eu-1 crash looping (2 of 3 ready)', 'began with revision 12, 8 minutes ago: image payment-svc:3.0.0 → payment-svc:3.1.4'],
        },
        remedies: [{ kind: 'remedy', title: 'Roll back to revision 11, the one before the change', commands: ['kubectl rollout undo deployment/payment-svc -n payments --to-revision=11'] }, ...base.remedies],
      }),
    },
    { name: 'resolved-healthy', about: 'resolved: the check found the pod running', doc: { ...resolvedOf(base), resolution: { state: 'healthy', text: 'Running for 12m, 0 restarts since' } } },
    {
      name: 'resolved-still-failing',
      about: 'resolved alert while the pod still crash loops',
      doc: { ...resolvedOf(base), resolution: { state: 'still-failing', text: 'payment-svc-7b9f6d-xk2p is still in CrashLoopBackOff (15 restarts)' } },
    },
    { name: 'huge', about: 'a deliberately huge diagnosis: lists cut with a count, the card under 24 KB', doc: hugeDocument() },
  ];
  for (const id of ['app-crash', 'missing-config', 'liveness-probe']) {
    const doc = pick(id);
    if (doc !== undefined) out.push({ name: id, about: `${id} from the diagnosis corpus`, doc });
  }
  return out;
}

function page(card: unknown, hostConfig: unknown, theme: 'light' | 'dark', script: string, css: string): string {
  const background = theme === 'light' ? '#f5f5f5' : '#1f1f1f';
  return `<!DOCTYPE html><html><head><meta charset="utf-8">
<style>${css}
body{margin:0;padding:16px;background:${background};font-family:'Segoe UI',system-ui,sans-serif}
#card{width:${COLUMN}px;border-radius:6px;overflow:hidden;box-shadow:0 1px 3px rgba(0,0,0,.2)}</style>
<script>${script}</script></head><body><div id="card"></div>
<script>
const warnings = [];
try {
  const card = new AdaptiveCards.AdaptiveCard();
  card.hostConfig = new AdaptiveCards.HostConfig(${JSON.stringify(hostConfig)});
  const context = new AdaptiveCards.SerializationContext();
  card.parse(${JSON.stringify(card)}, context);
  for (let i = 0; i < context.eventCount; i++) warnings.push(context.getEventAt(i).message);
  for (const e of card.validateProperties().validationEvents) warnings.push(e.message);
  document.getElementById('card').appendChild(card.render());
} catch (err) { warnings.push('render failed: ' + err.message); }
window.__warnings = warnings;
</script></body></html>`;
}

async function main(): Promise<number> {
  const dir = resolve(process.argv[2] ?? 'artifacts/teams-screenshots');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const only = process.argv[3] === undefined ? undefined : new RegExp(process.argv[3]);
  const all = cases().filter((c) => only === undefined || only.test(c.name));
  const require = createRequire(import.meta.url);
  const dist = join(require.resolve('adaptivecards/package.json'), '..', 'dist');
  const script = readFileSync(join(dist, 'adaptivecards.min.js'), 'utf8');
  const css = readFileSync(join(dist, 'adaptivecards.css'), 'utf8');
  const hostConfigs = Object.fromEntries(
    THEMES.map((t) => [t, JSON.parse(readFileSync(new URL(`../test/fixtures/notify/teams/microsoft-teams-${t}.hostconfig.json`, import.meta.url), 'utf8')) as unknown]),
  );

  const teams = await startTeamsStandin();
  const sink = createTeamsSink({ webhookUrl: teams.url }, { fetch, clock: Date.now, logger: pino({ level: 'silent' }), timeoutMs: 10_000, stdout: process.stdout });
  const chromium = await launchChromium();
  const rows: string[] = [];
  let failed = 0;
  try {
    for (const c of all) {
      const before = teams.posts.length;
      await sink.send(c.doc, { groupKey: c.name, receiver: 'screenshots', externalURL: 'https://alertmanager.example.com', idempotencyKey: c.name, signal: AbortSignal.timeout(30_000) });
      const post = teams.posts[before];
      const failures = teams.failedRuns.splice(0).map((r) => `the flow failed: ${r.reason}`);
      const shots: string[] = [];
      for (const theme of THEMES) {
        if (post === undefined) break;
        const html = join(dir, `${c.name}.${theme}.html`);
        writeFileSync(html, page(post.cards[0], hostConfigs[theme], theme, script, css));
        const shot = await chromium.screenshot({ url: pathToFileURL(html).href, width: COLUMN + 32, scheme: theme, probe: 'window.__warnings' });
        const file = `${c.name}.${theme}.png`;
        writeFileSync(join(dir, file), shot.png);
        shots.push(file);
        for (const w of (shot.probe as string[] | undefined) ?? ['no result from the page']) failures.push(`${theme}: renderer: ${w}`);
        if (shot.scrollWidth > COLUMN + 32) failures.push(`${theme}: ${shot.scrollWidth} px wide, wider than the column`);
      }
      if (post === undefined && failures.length === 0) failures.push('nothing reached the channel');
      if (failures.length > 0) failed++;
      process.stdout.write(`${failures.length === 0 ? 'ok  ' : 'FAIL'} ${c.name} (${post?.bytes ?? 0} bytes)\n${failures.map((f) => `       ${f}\n`).join('')}`);
      rows.push(
        `<section><h2>${escapeHtml(c.name)}</h2><p>${escapeHtml(c.about)} · ${post?.bytes ?? 0} bytes</p>${failures.length === 0 ? '' : `<ul>${failures.map((f) => `<li>${escapeHtml(f)}</li>`).join('')}</ul>`}${shots.map((s) => `<img src="${escapeHtml(s)}" width="${(COLUMN + 32) / 1.5}" alt="">`).join(' ')}</section>`,
      );
    }
  } finally {
    await chromium.close();
    await teams.close();
  }
  writeFileSync(join(dir, 'index.html'), `<!DOCTYPE html><html><head><meta charset="utf-8"><title>crashtriage Teams cards</title></head><body>${rows.join('\n')}</body></html>\n`);
  process.stdout.write(`\n${all.length} cards in ${dir}/index.html; ${failed === 0 ? 'every check passed' : `${failed} with problems`}\n`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main();
