import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { oomDocument } from '../../fixtures/notify/documents.ts';
import { type SlackStandin, startSlackStandin } from '../../support/slack-standin.ts';
import { type SmtpCapture, startSmtpCapture } from '../../support/smtp-capture.ts';
import { startWebhookCapture, type WebhookCapture } from '../../support/webhook-capture.ts';
import { batch, harness } from './harness.ts';

let slack: SlackStandin;
let smtp: SmtpCapture;
let hook: WebhookCapture;
beforeEach(async () => {
  [slack, smtp, hook] = await Promise.all([startSlackStandin(), startSmtpCapture(), startWebhookCapture()]);
});
afterEach(async () => {
  await Promise.all([slack.close(), smtp.close(), hook.close()]);
});

const sinks = () => ({
  slack: { type: 'slack' as const, webhookUrl: slack.webhookUrl },
  email: { type: 'email' as const, smtpUrl: smtp.url, from: 'alerts@example.com', to: ['oncall@example.com'] },
  forward: { type: 'webhook' as const, url: hook.url },
});

const two = () => {
  const a = oomDocument();
  const b = oomDocument();
  return [
    a,
    {
      ...b,
      alert: { ...b.alert, fingerprint: 'ffff000011112222', labels: { ...b.alert.labels, pod: 'payment-svc-7b9f6d-zz9q' } },
      target: { ...b.target, pod: 'payment-svc-7b9f6d-zz9q' },
    },
  ];
};

describe('notifier across sinks', () => {
  it('one sink failing while the others succeed → retry-later naming only it; the resend fills it in, nobody gets a duplicate', async () => {
    const h = harness({ sinks: sinks(), budgetMs: 2000 });
    hook.failNext(503, 5);
    const first = await h.notifier.deliver(batch(two()));
    expect(first.kind).toBe('retry-later');
    expect(first.kind === 'retry-later' && first.failures.map((f) => f.sink)).toEqual(['forward', 'forward']);
    expect(slack.messages).toHaveLength(2);
    expect(smtp.mails).toHaveLength(2);
    expect(hook.accepted).toHaveLength(0);

    expect(await h.notifier.deliver(batch(two()))).toEqual({ kind: 'delivered', permanentFailures: [] });
    expect(slack.messages).toHaveLength(2);
    expect(smtp.mails).toHaveLength(2);
    expect(hook.accepted.map((r) => (r.body as { alert: { fingerprint: string } }).alert.fingerprint)).toEqual(['a1b2c3d4e5f60718', 'ffff000011112222']);
    expect(await h.delivered('slack', 'duplicate')).toBe(2);
    expect(await h.delivered('forward', 'retryable_failure')).toBe(2);
  });

  it('a permanent failure on one sink → the others still deliver and the answer is delivered', async () => {
    const h = harness({ sinks: sinks() });
    slack.failNext({ status: 403, body: 'invalid_token' }, 1);
    const outcome = await h.notifier.deliver(batch([oomDocument()]));
    expect(outcome).toMatchObject({ kind: 'delivered', permanentFailures: [{ sink: 'slack', reason: 'Slack answered invalid_token' }] });
    expect(smtp.mails).toHaveLength(1);
    expect(hook.accepted).toHaveLength(1);
  });

  it('the same group delivered twice at once (Alertmanager HA peers) → each sink gets each message once', async () => {
    const h = harness({ sinks: sinks() });
    const [a, b] = await Promise.all([h.notifier.deliver(batch(two())), h.notifier.deliver(batch(two()))]);
    expect([a.kind, b.kind]).toEqual(['delivered', 'delivered']);
    expect(slack.messages).toHaveLength(2);
    expect(smtp.mails).toHaveLength(2);
    expect(hook.accepted).toHaveLength(2);
  });

  it('routes → each alert only to its sinks; unmatched alerts to the defaults', async () => {
    const h = harness({ sinks: sinks(), routes: [{ match: { pod: 'payment-svc-7b9f6d-zz9q' }, sinks: ['forward'] }], defaultSinks: ['slack'] });
    await h.notifier.deliver(batch(two()));
    expect(slack.messages).toHaveLength(1);
    expect(hook.accepted).toHaveLength(1);
    expect(smtp.mails).toHaveLength(0);
  });

  it('a sink down → its later messages wait for the resend too, so the order is kept', async () => {
    const h = harness({ sinks: { slack: sinks().slack }, budgetMs: 1000 });
    await slack.setDown(true);
    const outcome = await h.notifier.deliver(batch(two()));
    expect(outcome.kind === 'retry-later' && outcome.failures.map((f) => f.reason)).toEqual([
      expect.stringContaining('connection error'),
      'not attempted: an earlier message to this sink failed',
    ]);
    await slack.setDown(false);
    await h.notifier.deliver(batch(two()));
    expect(slack.messages.map((m) => JSON.stringify(m.blocks).includes('zz9q'))).toEqual([false, true]);
  });

  it('the ledger cannot be read (a shared store unreachable) → nothing sent, retry-later naming the ledger', async () => {
    const h = harness({
      sinks: { forward: sinks().forward },
      ledger: {
        claim: () => Promise.reject(new Error('leases.coordination.k8s.io is forbidden')),
        peek: () => Promise.reject(new Error('leases.coordination.k8s.io is forbidden')),
      },
    });
    const outcome = await h.notifier.deliver(batch([oomDocument()]));
    expect(outcome).toEqual({
      kind: 'retry-later',
      failures: [{ sink: 'forward', fingerprint: 'a1b2c3d4e5f60718', reason: 'delivery ledger unavailable: leases.coordination.k8s.io is forbidden' }],
      permanentFailures: [],
    });
    expect(hook.accepted).toHaveLength(0);
  });

  it('the ledger cannot record a sent message → still delivered, and the risk of a repeat is logged', async () => {
    const h = harness({
      sinks: { forward: sinks().forward },
      ledger: {
        claim: async () => ({
          outcome: undefined,
          record: () => Promise.reject(new Error('lease update conflict')),
          release: async () => {},
        }),
        peek: async () => undefined,
      },
    });
    expect(await h.notifier.deliver(batch([oomDocument()]))).toEqual({ kind: 'delivered', permanentFailures: [] });
    expect(hook.accepted).toHaveLength(1);
    expect(h.logs.join('')).toContain('delivery ledger not updated: a resend may repeat this message');
  });

  it('the same message at once, refused for good the first time → the second waits for that record and does not send it again', async () => {
    const h = harness({ sinks: { forward: sinks().forward }, budgetMs: 2000 });
    hook.failNext(400, 1);
    const [a, b] = await Promise.all([h.notifier.deliver(batch([oomDocument()])), h.notifier.deliver(batch([oomDocument()]))]);
    expect(a).toMatchObject({ kind: 'delivered', permanentFailures: [{ sink: 'forward' }] });
    expect(b).toEqual({ kind: 'delivered', permanentFailures: [] });
    expect(hook.accepted).toHaveLength(0);
  });

  it('console sink → the text rendering on standard output', async () => {
    const h = harness({ sinks: { console: { type: 'console' } } });
    await h.notifier.deliver(batch([oomDocument()]));
    expect(h.stdout.join('')).toContain('[FIRING] payments/payment-svc: killed at its 512Mi memory limit');
  });

  it('close → waits for deliveries in progress', async () => {
    const h = harness({ sinks: sinks() });
    const pending = h.notifier.deliver(batch([oomDocument()]));
    await h.notifier.close();
    expect(smtp.mails).toHaveLength(1);
    expect((await pending).kind).toBe('delivered');
  });
});
