/**
 * A screenshot of the OOM email with its memory chart, as a mail client shows it: the real email sink
 * sends to a loopback SMTP server, mailparser resolves the inline image (cid: → data:), and headless
 * Chromium renders the HTML in a 600 px wide window. For reading the email before a change lands;
 * not part of `npm test` (it needs Chromium: apt-get install chromium).
 *
 *   node scripts/email-screenshot.ts [out.png] [leak|undersized|spike]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { simpleParser } from 'mailparser';
import pino from 'pino';
import { createEmailSink } from '../src/notify/sinks/email.ts';
import { withHistory } from '../test/fixtures/memory/document.ts';
import { ALL_SHAPES } from '../test/fixtures/memory/shapes.ts';
import { startSmtpCapture } from '../test/support/smtp-capture.ts';

const out = resolve(process.argv[2] ?? 'email-screenshot.png');
const shapeName = (process.argv[3] ?? 'leak') as keyof typeof ALL_SHAPES;
const end = Math.floor(Date.now() / 1000);
const doc = withHistory(ALL_SHAPES[shapeName]({ end }), end);

const smtp = await startSmtpCapture({ user: 'u', pass: 'p' });
try {
  const sink = createEmailSink(
    { smtpUrl: smtp.url, from: 'crashtriage <alerts@example.com>', to: ['oncall@example.com'], password: 'p' },
    { fetch, clock: Date.now, logger: pino({ level: 'silent' }), timeoutMs: 5000, stdout: process.stdout },
  );
  await sink.send(doc, { groupKey: 'g', receiver: 'r', externalURL: 'http://alertmanager.example', idempotencyKey: 'k', signal: AbortSignal.timeout(10_000) });
  await sink.close();
  const parsed = await simpleParser(smtp.mails[0]?.raw ?? '');
  const dir = mkdtempSync(join(tmpdir(), 'email-shot-'));
  const html = join(dir, 'mail.html');
  writeFileSync(html, String(parsed.html));
  const chromium = spawnSync(
    'chromium',
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      `--user-data-dir=${join(dir, 'profile')}`,
      '--hide-scrollbars',
      '--window-size=640,2400',
      `--screenshot=${out}`,
      `file://${html}`,
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  if (chromium.status !== 0) throw new Error(`chromium failed (${chromium.status}): ${chromium.stderr}`);
  console.log(`${parsed.subject}: ${parsed.attachments.length} inline image(s); screenshot ${out}`);
} finally {
  await smtp.close();
}
