/**
 * The Slack Web API sink against every chat.postMessage error in the stand-in's table
 * (SLACK_API_REPLIES, JSON as application/json; charset=utf-8): refusals are not retried and counted
 * for the DeliveryRefused alert; transient errors are retried, after Retry-After when given, and the
 * message is posted once.
 */
import { describe, expect, it } from 'vitest';
import { oomDocument } from '../../fixtures/notify/documents.ts';
import { rowsMeaning } from '../../support/peer-reply.ts';
import { SLACK_API_REPLIES } from '../../support/slack-standin.ts';
import { batch, harness, slackStandinPerTest } from './harness.ts';

const slack = slackStandinPerTest();

const setup = () => harness({ sinks: { slack: { type: 'slack-api', botToken: slack().token, channel: slack().channel, apiUrl: slack().apiUrl } } });
const topLevel = () => slack().messages.filter((m) => m.via === 'chat.postMessage' && m.thread_ts === undefined);

describe('Slack Web API sink × every documented chat.postMessage error', () => {
  it('every row is JSON as Slack sends it and names its public source', () => {
    for (const [name, row] of Object.entries(SLACK_API_REPLIES)) {
      expect(row.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(JSON.parse(row.body)).toEqual({ ok: false, error: name });
      expect(row.source).toMatch(/docs\.slack\.dev/);
    }
  });

  it.each(rowsMeaning(SLACK_API_REPLIES, 'refused'))('%s → permanent: not retried, counted, not resent', async (name, row) => {
    const h = setup();
    slack().failNext(row, 5);
    const outcome = await h.notifier.deliver(batch([oomDocument()]));
    expect(outcome).toEqual({ kind: 'delivered', permanentFailures: [{ sink: 'slack', fingerprint: 'a1b2c3d4e5f60718', reason: `Slack answered ${name}` }] });
    expect(slack().requestCount()).toBe(1);
    expect(await h.delivered('slack', 'permanent_failure')).toBe(1);
    await h.notifier.deliver(batch([oomDocument()]));
    expect(slack().requestCount()).toBe(1);
  });

  it.each(rowsMeaning(SLACK_API_REPLIES, 'try-again'))('%s → retried (after Retry-After when given), then posted once', async (_name, row) => {
    const h = setup();
    slack().failNext(row, 1);
    expect(await h.notifier.deliver(batch([oomDocument()]))).toEqual({ kind: 'delivered', permanentFailures: [] });
    expect(topLevel()).toHaveLength(1);
    const retryAfter = row.headers['retry-after'];
    if (retryAfter !== undefined) expect(h.slept[0]).toBe(Number(retryAfter) * 1000);
    else expect(h.slept.length).toBeGreaterThanOrEqual(1);
  });
});
