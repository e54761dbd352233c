import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hugeDocument, oomDocument, resolvedOf } from '../../fixtures/notify/documents.ts';
import { type SlackStandin, startSlackStandin, validateSlackPayload } from '../../support/slack-standin.ts';
import { batch, harness } from './harness.ts';

let slack: SlackStandin;
beforeEach(async () => {
  slack = await startSlackStandin();
});
afterEach(async () => {
  await slack.close();
});

const setup = (over: { budgetMs?: number } = {}) => harness({ sinks: { slack: { type: 'slack', webhookUrl: slack.webhookUrl } }, ...over });

describe('Slack incoming webhook sink', () => {
  it('firing alert → one Block Kit message Slack accepts', async () => {
    const h = setup();
    expect(await h.notifier.deliver(batch([oomDocument()]))).toEqual({ kind: 'delivered', permanentFailures: [] });
    expect(slack.messages).toHaveLength(1);
    expect(validateSlackPayload(slack.messages[0])).toBeUndefined();
    expect(JSON.stringify(slack.messages[0]?.blocks)).toContain('killed at its 512Mi memory limit');
    expect(await h.delivered('slack', 'sent')).toBe(1);
  });

  it('huge diagnosis → accepted by the limit-checking stand-in as blocks, not as the text fallback', async () => {
    const h = setup();
    expect((await h.notifier.deliver(batch([hugeDocument()]))).kind).toBe('delivered');
    expect(slack.messages).toHaveLength(1);
    // One screen, as blocks: header, proof and state, the fix, the footer.
    expect(slack.messages[0]?.blocks?.map((b) => (b as { type: string }).type)).toEqual(['header', 'section', 'section', 'context']);
  });

  it('429 with Retry-After then OK → waits the Retry-After, delivers once', async () => {
    const h = setup();
    slack.failNext({ status: 429, retryAfter: 2 }, 2);
    expect((await h.notifier.deliver(batch([oomDocument()]))).kind).toBe('delivered');
    expect(h.slept).toEqual([2000, 2000]);
    expect(slack.requestCount()).toBe(3);
    expect(slack.messages).toHaveLength(1);
  });

  it('Retry-After longer than the budget → retry-later at once, without waiting', async () => {
    const h = setup({ budgetMs: 5000 });
    slack.failNext({ status: 429, retryAfter: 30 }, 1);
    const outcome = await h.notifier.deliver(batch([oomDocument()]));
    expect(outcome.kind).toBe('retry-later');
    expect(outcome.kind === 'retry-later' && outcome.failures[0]?.reason).toContain('Retry-After 30s exceeds the delivery budget');
    expect(h.slept).toEqual([]);
    expect(slack.requestCount()).toBe(1);
  });

  it('5xx for a while → retried with backoff, delivered once', async () => {
    const h = setup();
    slack.failNext({ status: 503 }, 3);
    expect((await h.notifier.deliver(batch([oomDocument()]))).kind).toBe('delivered');
    expect(h.slept).toHaveLength(3);
    expect(slack.messages).toHaveLength(1);
  });

  it('down longer than the budget → retry-later; Alertmanager resend after recovery → delivered exactly once', async () => {
    const h = setup({ budgetMs: 2000 });
    await slack.setDown(true);
    const first = await h.notifier.deliver(batch([oomDocument()]));
    expect(first.kind).toBe('retry-later');
    expect(first.kind === 'retry-later' && first.failures).toEqual([
      { sink: 'slack', fingerprint: 'a1b2c3d4e5f60718', reason: expect.stringContaining('connection error') },
    ]);
    expect(slack.messages).toHaveLength(0);
    await slack.setDown(false);
    expect((await h.notifier.deliver(batch([oomDocument()]))).kind).toBe('delivered');
    expect((await h.notifier.deliver(batch([oomDocument()]))).kind).toBe('delivered');
    expect(slack.messages).toHaveLength(1);
    expect(await h.delivered('slack', 'duplicate')).toBe(1);
  });

  it('ok slower than the attempt timeout → posted once: not retried, counted as maybe sent, the resend posts nothing', async () => {
    const h = harness({ sinks: { slack: { type: 'slack', webhookUrl: slack.webhookUrl } }, sinkTimeoutMs: 300 });
    slack.delayAnswers(1000);
    expect(await h.notifier.deliver(batch([oomDocument()]))).toEqual({ kind: 'delivered', permanentFailures: [] });
    expect(slack.requestCount()).toBe(1);
    expect(slack.messages).toHaveLength(1);
    expect(await h.delivered('slack', 'maybe_sent')).toBe(1);
    expect(h.logs.find((l) => l.includes('may have been posted'))).toContain('Slack may have posted it');
    await h.notifier.deliver(batch([oomDocument()]));
    expect(slack.requestCount()).toBe(1);
    expect(await h.delivered('slack', 'duplicate')).toBe(1);
  });

  it('connection reset after the request was sent → not sent again (Slack may have posted it)', async () => {
    const h = setup();
    slack.dropAnswers(true);
    expect((await h.notifier.deliver(batch([oomDocument()]))).kind).toBe('delivered');
    slack.dropAnswers(false);
    await h.notifier.deliver(batch([oomDocument()]));
    expect(slack.requestCount()).toBe(1);
    expect(slack.messages).toHaveLength(1);
    expect(await h.delivered('slack', 'maybe_sent')).toBe(1);
  });

  it("a 200 with a proxy's HTML page is transient: retried, then posted once", async () => {
    const h = setup();
    slack.failNext({ status: 200, body: '<!DOCTYPE html><html><body>Please log in to the guest network</body></html>', contentType: 'text/html' }, 2);
    expect((await h.notifier.deliver(batch([oomDocument()]))).kind).toBe('delivered');
    expect(slack.requestCount()).toBe(3);
    expect(slack.messages).toHaveLength(1);
  });

  it('404 no_service → permanent: logged loudly, counted, not retried now nor on resend', async () => {
    const h = setup();
    slack.failNext({ status: 404, body: 'no_service' }, 5);
    const outcome = await h.notifier.deliver(batch([oomDocument()]));
    expect(outcome).toEqual({
      kind: 'delivered',
      permanentFailures: [{ sink: 'slack', fingerprint: 'a1b2c3d4e5f60718', reason: 'Slack answered no_service' }],
    });
    expect(slack.requestCount()).toBe(1);
    await h.notifier.deliver(batch([oomDocument()]));
    expect(slack.requestCount()).toBe(1);
    expect(await h.delivered('slack', 'permanent_failure')).toBe(1);
    const line = h.logs.find((l) => l.includes('DELIVERY FAILED PERMANENTLY'));
    expect(JSON.parse(line ?? '{}')).toMatchObject({ level: 50, sink: 'slack', fingerprint: 'a1b2c3d4e5f60718', reason: 'Slack answered no_service' });
    expect(h.logs.join('')).not.toContain('standinsecret');
  });

  it('Slack refuses the blocks (invalid_blocks) → the text fallback is sent instead of losing the alert', async () => {
    const h = setup();
    slack.failNext({ status: 400, body: 'invalid_blocks' }, 1);
    expect((await h.notifier.deliver(batch([oomDocument()]))).kind).toBe('delivered');
    expect(slack.messages).toHaveLength(1);
    expect(slack.messages[0]?.blocks).toBeUndefined();
    expect(slack.messages[0]?.text).toBe('🔧 payments/payment-svc: killed at its 512Mi memory limit');
  });

  it('resolved alert → a short resolved post with the incident duration', async () => {
    const h = setup();
    await h.notifier.deliver(batch([oomDocument()]));
    await h.notifier.deliver(batch([resolvedOf(oomDocument())]));
    expect(slack.messages).toHaveLength(2);
    expect(slack.messages[1]?.text).toBe('✅ Resolved after 47m: payments/payment-svc: killed at its 512Mi memory limit');
  });
});
