/**
 * The memory chart reaches Slack and email: uploaded into the alert's thread through Slack's external
 * upload flow (the stand-in checks the bytes are a PNG that decodes), and inline in the email as a
 * related image part referenced by its Content-ID.
 */
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withHistory } from '../../fixtures/memory/document.ts';
import { leak, undersized } from '../../fixtures/memory/shapes.ts';
import { oomDocument } from '../../fixtures/notify/documents.ts';
import { pngInfo, type SlackStandin, startSlackStandin } from '../../support/slack-standin.ts';
import { type SmtpCapture, startSmtpCapture } from '../../support/smtp-capture.ts';
import { batch, harness } from './harness.ts';

const END = 1_800_000_000;

describe('memory chart in the Slack thread', () => {
  let slack: SlackStandin;
  beforeEach(async () => {
    slack = await startSlackStandin({ token: 'xoxb-1111-2222-standin', channel: '#payments-oncall' });
  });
  afterEach(async () => {
    await slack.close();
  });
  const setup = () => harness({ sinks: { 'slack-api': { type: 'slack-api', botToken: slack.token, channel: slack.channel, apiUrl: slack.apiUrl } } });

  it('uploads a PNG of the history as a reply to the alert’s message', async () => {
    const doc = withHistory(leak({ end: END }), END);
    expect((await setup().notifier.deliver(batch([doc]))).kind).toBe('delivered');
    const summary = slack.messages.find((m) => m.via === 'chat.postMessage' && m.thread_ts === undefined);
    expect(slack.uploads).toHaveLength(1);
    const upload = slack.uploads[0];
    expect(upload?.thread_ts).toBe(summary?.ts);
    expect(upload?.filename).toBe('memory-api-7d9f8b6c5-x2x4q.png');
    expect(upload?.title).toBe('Memory of shop/api-7d9f8b6c5-x2x4q (memory-leak)');
    expect(upload?.png).toEqual({ width: 1440, height: 600 });
    expect(upload?.altText).toMatch(
      /^Memory of container api in shop\/api-7d9f8b6c5-x2x4q over the last 6 h, min \d+Mi, max \d+Mi, limit 512Mi, 4 kills, memory-leak$/,
    );
  });

  it('the incoming webhook, which cannot upload, gets the one-line sparkline with min, max and limit', async () => {
    const h = harness({ sinks: { slack: { type: 'slack', webhookUrl: slack.webhookUrl } } });
    expect((await h.notifier.deliver(batch([withHistory(leak({ end: END }), END)]))).kind).toBe('delivered');
    expect(JSON.stringify(slack.messages[0]?.blocks)).toMatch(/memory, last 6 h: [▁▂▃▄▅▆▇█·]{40} +min \d+Mi · max \d+Mi · limit 512Mi/);
    expect(slack.uploads).toHaveLength(0);
  });

  it('uploads nothing for a document without history', async () => {
    expect((await setup().notifier.deliver(batch([oomDocument()]))).kind).toBe('delivered');
    expect(slack.uploads).toHaveLength(0);
  });

  it('a failed completion is retried without posting the summary or the thread again', async () => {
    const h = setup();
    // Let the post, the thread reply, the upload URL and the bytes through; fail the completion once.
    slack.failNext({ status: 503 }, 1, 4);
    expect((await h.notifier.deliver(batch([withHistory(undersized({ end: END }), END)]))).kind).toBe('delivered');
    expect(slack.messages.filter((m) => m.thread_ts === undefined)).toHaveLength(1);
    expect(slack.messages.filter((m) => m.thread_ts !== undefined)).toHaveLength(1);
    expect(slack.uploads).toHaveLength(1);
    expect(slack.uploads[0]?.png).toBeDefined();
  });

  it('the stand-in’s PNG check refuses truncated or corrupted bytes', async () => {
    const doc = withHistory(leak({ end: END }), END);
    await setup().notifier.deliver(batch([doc]));
    const bytes = slack.uploads[0]?.bytes ?? Buffer.alloc(0);
    expect(pngInfo(bytes)).toBeDefined();
    expect(pngInfo(bytes.subarray(0, bytes.length - 20))).toBeUndefined();
    const flipped = Buffer.from(bytes);
    flipped[100] = (flipped[100] ?? 0) ^ 0xff;
    expect(pngInfo(flipped)).toBeUndefined();
  });
});

describe('memory chart in the email', () => {
  let smtp: SmtpCapture;
  beforeEach(async () => {
    smtp = await startSmtpCapture({ user: 'crashtriage', pass: 'pw' });
  });
  afterEach(async () => {
    await smtp.close();
  });

  it('is an inline image part the HTML references by Content-ID', async () => {
    const h = harness({
      sinks: { email: { type: 'email', smtpUrl: smtp.url, from: 'crashtriage <alerts@example.com>', to: ['oncall@example.com'], password: 'pw' } },
    });
    const doc = withHistory(undersized({ end: END }), END);
    expect((await h.notifier.deliver(batch([doc]))).kind).toBe('delivered');
    const raw = smtp.mails[0]?.raw ?? '';
    expect(raw).toMatch(/Content-Type: multipart\/related/i);
    const parsed = await simpleParser(raw);
    expect(parsed.attachments).toHaveLength(1);
    const image = parsed.attachments[0];
    expect(image?.contentType).toBe('image/png');
    expect(image?.contentDisposition).toBe('inline');
    expect(image?.related).toBe(true);
    expect(pngInfo(image?.content ?? Buffer.alloc(0))).toEqual({ width: 1440, height: 600 });
    // mailparser rewrites cid: references to data: URLs; the raw HTML part (quoted-printable) keeps the reference.
    expect(raw).toContain(`Content-ID: <${image?.cid}>`);
    expect(raw.replace(/=\r\n/g, '').replace(/=3D/g, '=')).toContain(`<img src="cid:${image?.cid}"`);
    expect(String(parsed.html)).toMatch(/<img src="data:image\/png;base64,[^"]+" alt="Memory of container worker in batch\/worker-5c7b9d8f4-q7w2e/);
    expect(parsed.text).toMatch(/memory, last 6 h: [▁▂▃▄▅▆▇█·]+ +min \d+Mi · max \d+Mi · limit 256Mi/);
  });
});
