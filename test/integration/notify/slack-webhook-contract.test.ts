/**
 * The Slack incoming-webhook sink against every reply in the stand-in's tables: Slack's own answers
 * (accepted `ok` as text/html, each documented error) and what Slack-compatible receivers and captive
 * portals answer on a webhook URL. Each row's documented meaning decides what the sink must do.
 */
import { describe, expect, it } from 'vitest';
import { oomDocument } from '../../fixtures/notify/documents.ts';
import { type PeerReply, rowsMeaning } from '../../support/peer-reply.ts';
import { SLACK_WEBHOOK_REPLIES, WEBHOOK_LOOKALIKE_REPLIES } from '../../support/slack-standin.ts';
import { batch, harness, slackStandinPerTest } from './harness.ts';

const slack = slackStandinPerTest();

const setup = () => harness({ sinks: { slack: { type: 'slack', webhookUrl: slack().webhookUrl } } });
const tables: Record<string, PeerReply> = { ...SLACK_WEBHOOK_REPLIES, ...WEBHOOK_LOOKALIKE_REPLIES };

describe('Slack incoming webhook sink × every documented reply', () => {
  it('every row names its public source', () => {
    for (const [name, row] of Object.entries(tables)) expect(row.source, name).toMatch(/\S{6,}/);
  });

  it("Slack's own answers come as text/html, ok and errors alike", () => {
    for (const row of Object.values(SLACK_WEBHOOK_REPLIES)) expect(row.headers['content-type']).toBe('text/html');
  });

  it.each(rowsMeaning(tables, 'accepted'))('%s → posted once, not retried', async (_name, row) => {
    const h = setup();
    slack().failNext(row, 3);
    expect(await h.notifier.deliver(batch([oomDocument()]))).toEqual({ kind: 'delivered', permanentFailures: [] });
    expect(slack().requestCount()).toBe(1);
    expect(await h.delivered('slack', 'sent')).toBe(1);
    // Alertmanager's resend of the group: already delivered, not posted again.
    await h.notifier.deliver(batch([oomDocument()]));
    expect(slack().requestCount()).toBe(1);
    expect(await h.delivered('slack', 'duplicate')).toBe(1);
  });

  it.each(rowsMeaning(tables, 'refused').filter(([name]) => name !== 'invalid_blocks'))(
    '%s → permanent: not retried, counted for the DeliveryRefused alert, not resent',
    async (name, row) => {
      const h = setup();
      slack().failNext(row, 5);
      const outcome = await h.notifier.deliver(batch([oomDocument()]));
      expect(outcome).toEqual({ kind: 'delivered', permanentFailures: [{ sink: 'slack', fingerprint: 'a1b2c3d4e5f60718', reason: `Slack answered ${name}` }] });
      expect(slack().requestCount()).toBe(1);
      expect(await h.delivered('slack', 'permanent_failure')).toBe(1);
      await h.notifier.deliver(batch([oomDocument()]));
      expect(slack().requestCount()).toBe(1);
      expect(h.logs.join('')).not.toContain('standinsecret');
    },
  );

  it('invalid_blocks → the text fallback is posted once instead', async () => {
    const h = setup();
    slack().failNext(SLACK_WEBHOOK_REPLIES.invalid_blocks, 1);
    expect(await h.notifier.deliver(batch([oomDocument()]))).toEqual({ kind: 'delivered', permanentFailures: [] });
    expect(slack().requestCount()).toBe(2);
    expect(slack().messages).toHaveLength(1);
    expect(slack().messages[0]?.blocks).toBeUndefined();
  });

  it.each(rowsMeaning(tables, 'try-again'))('%s → retried (after Retry-After when given), then posted once', async (_name, row) => {
    const h = setup();
    slack().failNext(row, 1);
    expect(await h.notifier.deliver(batch([oomDocument()]))).toEqual({ kind: 'delivered', permanentFailures: [] });
    expect(slack().requestCount()).toBe(2);
    expect(slack().messages).toHaveLength(1);
    const retryAfter = row.headers['retry-after'];
    if (retryAfter !== undefined) expect(h.slept).toEqual([Number(retryAfter) * 1000]);
    else expect(h.slept).toHaveLength(1);
  });
});
