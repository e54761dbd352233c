import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { oomDocument, resolvedOf } from '../../fixtures/notify/documents.ts';
import { type SlackStandin, startSlackStandin } from '../../support/slack-standin.ts';
import { batch, harness } from './harness.ts';

let slack: SlackStandin;
beforeEach(async () => {
  slack = await startSlackStandin({ token: 'xoxb-1111-2222-standin', channel: '#payments-oncall' });
});
afterEach(async () => {
  await slack.close();
});

const setup = (token = slack.token) =>
  harness({ sinks: { 'slack-api': { type: 'slack-api', botToken: token, channel: slack.channel, apiUrl: slack.apiUrl } } });
const topLevel = () => slack.messages.filter((m) => m.via === 'chat.postMessage' && m.thread_ts === undefined);
const replies = () => slack.messages.filter((m) => m.thread_ts !== undefined);

describe('Slack Web API sink', () => {
  it('firing → the short first message, then the details (log excerpt, other fixes) as a reply in its thread', async () => {
    const h = setup();
    expect((await h.notifier.deliver(batch([oomDocument()]))).kind).toBe('delivered');
    expect(topLevel()).toHaveLength(1);
    expect(replies()).toHaveLength(1);
    const summary = topLevel()[0];
    expect(replies()[0]?.thread_ts).toBe(summary?.ts);
    expect(JSON.stringify(summary?.blocks)).not.toContain('*Log');
    expect(JSON.stringify(replies()[0]?.blocks)).toContain('*Log (previous container payment-svc)*');
    expect(JSON.stringify(replies()[0]?.blocks)).toContain('kubectl top pod payment-svc-7b9f6d-xk2p -n payments');
  });

  it("reads Slack's answers whole: the summary's echo is several KiB, and the thread reply follows", async () => {
    const h = setup();
    expect((await h.notifier.deliver(batch([oomDocument()]))).kind).toBe('delivered');
    expect(slack.apiAnswerBytes).toHaveLength(2);
    // Larger than the 2 KiB the reply reader used to keep: the reason threads went missing in production.
    expect(slack.apiAnswerBytes[0]).toBeGreaterThan(2048);
    expect(replies()).toHaveLength(1);
  });

  it("a 200 with a proxy's HTML page instead of JSON is transient: retried, then posted once", async () => {
    const h = setup();
    const portal = `<!doctype html><html><head><title>Sign in to the guest network</title></head><body>${'<p>Accept the terms to continue.</p>'.repeat(20)}</body></html>`;
    slack.failNext({ status: 200, body: portal, contentType: 'text/html; charset=utf-8' }, 2);
    expect((await h.notifier.deliver(batch([oomDocument()]))).kind).toBe('delivered');
    expect(slack.requestCount()).toBe(4);
    expect(topLevel()).toHaveLength(1);
    expect(replies()).toHaveLength(1);
  });

  it('a 200 that stays non-JSON → retry-later (Alertmanager resends), never a permanent failure', async () => {
    const h = setup();
    slack.answerAll({ status: 200, body: '<html><body>Service temporarily unavailable</body></html>', contentType: 'text/html' });
    const outcome = await h.notifier.deliver(batch([oomDocument()]));
    expect(outcome).toMatchObject({ kind: 'retry-later', permanentFailures: [] });
    expect(JSON.stringify(outcome)).toContain('chat.postMessage: answer is not JSON');
    expect(topLevel()).toHaveLength(0);
  });

  it('an answer larger than the 1 MiB read limit is a transient bad response, not read further', async () => {
    const h = setup();
    slack.answerAll({ status: 200, body: JSON.stringify({ ok: true, pad: 'x'.repeat(2 * 1024 * 1024) }), contentType: 'application/json' });
    const outcome = await h.notifier.deliver(batch([oomDocument()]));
    expect(outcome).toMatchObject({ kind: 'retry-later', permanentFailures: [] });
    expect(JSON.stringify(outcome)).toContain('answer larger than the read limit');
  });

  it('answers as Slack does: warning and response_metadata when the Content-Type names no charset', async () => {
    const res = await fetch(`${slack.apiUrl}/chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${slack.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ channel: slack.channel, text: 'hello' }),
    });
    expect(await res.json()).toMatchObject({
      ok: true,
      channel: 'C0STANDIN',
      message: { type: 'message', text: 'hello', bot_profile: { app_id: 'A0STANDIN' } },
      warning: 'missing_charset',
      response_metadata: { warnings: ['missing_charset'] },
    });
  });

  it('resolved → chat.update of the original (marked resolved, with duration) and a reply in its thread, no new top-level post', async () => {
    const h = setup();
    await h.notifier.deliver(batch([oomDocument()]));
    expect((await h.notifier.deliver(batch([resolvedOf(oomDocument())]))).kind).toBe('delivered');
    expect(topLevel()).toHaveLength(1);
    const original = topLevel()[0];
    const updates = slack.messages.filter((m) => m.via === 'chat.update');
    expect(updates).toHaveLength(1);
    expect(updates[0]?.ts).toBe(original?.ts);
    expect(JSON.stringify(updates[0]?.blocks)).toContain('✅ Resolved: payments/payment-svc: killed at its 512Mi memory limit');
    expect(JSON.stringify(updates[0]?.blocks)).toContain('Resolved after 47m');
    expect(replies().at(-1)?.thread_ts).toBe(original?.ts);
    expect(JSON.stringify(replies().at(-1)?.blocks)).toContain('Resolved after 47m');
  });

  it('resolved after a restart (original unknown) → a new resolved post', async () => {
    await setup().notifier.deliver(batch([oomDocument()]));
    const restarted = setup();
    expect((await restarted.notifier.deliver(batch([resolvedOf(oomDocument())]))).kind).toBe('delivered');
    expect(slack.messages.filter((m) => m.via === 'chat.update')).toHaveLength(0);
    expect(topLevel()).toHaveLength(2);
    expect(topLevel()[1]?.text).toContain('Resolved after 47m');
  });

  it('thread reply fails transiently after the summary was posted → retry posts only the reply', async () => {
    const h = setup();
    slack.failNext({ status: 500 }, 1, 1);
    expect((await h.notifier.deliver(batch([oomDocument()]))).kind).toBe('delivered');
    expect(topLevel()).toHaveLength(1);
    expect(replies()).toHaveLength(1);
  });

  it('rate limited (429 + Retry-After) → honoured, posted once', async () => {
    const h = setup();
    slack.failNext({ status: 429, retryAfter: 1 }, 1);
    expect((await h.notifier.deliver(batch([oomDocument()]))).kind).toBe('delivered');
    expect(h.slept).toEqual([1000]);
    expect(topLevel()).toHaveLength(1);
  });

  it('wrong bot token → invalid_auth is permanent; the token never reaches the log', async () => {
    const h = setup('xoxb-wrong-token-9999');
    const outcome = await h.notifier.deliver(batch([oomDocument()]));
    expect(outcome).toMatchObject({ kind: 'delivered', permanentFailures: [{ sink: 'slack-api', reason: 'Slack answered invalid_auth' }] });
    expect(slack.requestCount()).toBe(1);
    expect(h.logs.join('')).not.toContain('xoxb-wrong-token-9999');
  });

  it('several alerts in one group → posted in batch order', async () => {
    const h = setup();
    const docs = ['p1', 'p2', 'p3'].map((pod, i) => {
      const d = oomDocument();
      return { ...d, alert: { ...d.alert, fingerprint: `f${i}` }, target: { ...d.target, pod, owner: { kind: 'Deployment', name: pod } } };
    });
    await h.notifier.deliver(batch(docs));
    expect(topLevel().map((m) => (m.blocks?.[0] as { text: { text: string } }).text.text.split(':')[0])).toEqual([
      '🔧 payments/p1',
      '🔧 payments/p2',
      '🔧 payments/p3',
    ]);
  });
});
