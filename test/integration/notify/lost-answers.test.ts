/**
 * Each HTTP sink when its peer takes the request and the answer is lost (the stand-in handles the
 * request, then resets the connection or holds the answer past the attempt timeout). Whether to send
 * again is the peer's documented semantics: a Teams Workflows trigger runs the flow for every request
 * and a PagerDuty change event has no dedup_key, so neither is sent again (counted as maybe posted);
 * a PagerDuty alert event is folded into its open alert by dedup_key and the generic webhook carries
 * an Idempotency-Key, so those are retried. (Slack: slack-webhook.test.ts, slack-api-lost-answer.test.ts.)
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DiagnosisDocument } from '../../../src/diagnosis/document.ts';
import { rapidRetryPolicy } from '../../../src/notify/retry-policy.ts';
import { oomDocument } from '../../fixtures/notify/documents.ts';
import { waitFor } from '../../support/alertmanager.ts';
import { type PagerDutyStandin, startPagerDutyStandin } from '../../support/pagerduty-standin.ts';
import { startStalledTlsHost } from '../../support/stalled-tls-host.ts';
import { startTeamsStandin, type TeamsStandin } from '../../support/teams-standin.ts';
import { startWebhookCapture, type WebhookCapture } from '../../support/webhook-capture.ts';
import { batch, harness } from './harness.ts';

describe('Teams: an answer lost after the trigger took the card', () => {
  let teams: TeamsStandin;
  beforeEach(async () => {
    teams = await startTeamsStandin();
  });
  afterEach(async () => teams.close());
  const setup = (sinkTimeoutMs?: number) =>
    harness({ sinks: { teams: { type: 'teams', webhookUrl: teams.url } }, ...(sinkTimeoutMs === undefined ? {} : { sinkTimeoutMs }) });

  it('reset after the request → one card, counted as maybe posted, the resend posts nothing', async () => {
    const h = setup();
    teams.dropAnswers(1);
    expect(await h.notifier.deliver(batch([oomDocument()]))).toEqual({ kind: 'delivered', permanentFailures: [] });
    expect(teams.posts).toHaveLength(1);
    expect(teams.requestCount()).toBe(1);
    expect(await h.delivered('teams', 'maybe_sent')).toBe(1);
    expect(h.logs.find((l) => l.includes('may have been posted'))).toContain('the Teams workflow may have posted it');
    expect(h.logs.join('')).not.toContain(teams.sig);
    await h.notifier.deliver(batch([oomDocument()]));
    expect(teams.requestCount()).toBe(1);
  });

  it('202 slower than the attempt timeout → one card, not retried', async () => {
    const h = setup(300);
    teams.delayAnswers(1000);
    expect((await h.notifier.deliver(batch([oomDocument()]))).kind).toBe('delivered');
    expect(teams.posts).toHaveLength(1);
    expect(teams.requestCount()).toBe(1);
    expect(await h.delivered('teams', 'maybe_sent')).toBe(1);
  });

  it('down (connection refused: nothing reached the trigger) → still retried', async () => {
    const h = harness({ sinks: { teams: { type: 'teams', webhookUrl: teams.url } }, budgetMs: 500 });
    await teams.setDown(true);
    expect((await h.notifier.deliver(batch([oomDocument()]))).kind).toBe('retry-later');
    expect(h.slept.length).toBeGreaterThan(1);
    expect(await h.delivered('teams', 'maybe_sent')).toBe(0);
    await teams.setDown(false);
    expect((await h.notifier.deliver(batch([oomDocument()]))).kind).toBe('delivered');
    expect(teams.posts).toHaveLength(1);
  });
});

describe('Teams: no connection within the attempt timeout, or no time left for an attempt', () => {
  it('nothing reached the trigger, so it is retried and left to the resend; never counted as maybe posted', async () => {
    const host = await startStalledTlsHost();
    try {
      const h = harness({
        sinks: { teams: { type: 'teams', webhookUrl: `${host.base}/workflows/3f0c/triggers/manual/paths/invoke?api-version=2016-06-01&sig=c2ln` } },
        sinkTimeoutMs: 100,
        budgetMs: 60_000,
      });
      const outcome = await h.notifier.deliver(batch([oomDocument()]));
      expect(outcome).toMatchObject({
        kind: 'retry-later',
        failures: [{ sink: 'teams', reason: expect.stringContaining('no connection within the attempt timeout') }],
      });
      expect(await h.delivered('teams', 'maybe_sent')).toBe(0);
      expect(host.connections()).toBe(rapidRetryPolicy.maxAttempts);
      // The ledger kept nothing: the resend tries again.
      await h.notifier.deliver(batch([oomDocument()]));
      expect(host.connections()).toBe(2 * rapidRetryPolicy.maxAttempts);
    } finally {
      await host.close();
    }
  });

  it('less of the budget left than an attempt needs: not attempted, left to the resend', async () => {
    const teams = await startTeamsStandin();
    try {
      const policy = { ...rapidRetryPolicy, minAttemptMs: 500 };
      const h = harness({ sinks: { teams: { type: 'teams', webhookUrl: teams.url } }, retryPolicy: policy });
      const outcome = await h.notifier.deliver({ ...batch([oomDocument()]), deadline: Date.now() + 400 });
      expect(outcome).toMatchObject({ kind: 'retry-later', failures: [{ sink: 'teams', reason: 'delivery budget spent before the attempt' }] });
      expect(teams.requestCount()).toBe(0);
      expect((await h.notifier.deliver(batch([oomDocument()]))).kind).toBe('delivered');
      expect(teams.posts).toHaveLength(1);
    } finally {
      await teams.close();
    }
  });
});

describe('PagerDuty: an answer lost after the Events API took the event', () => {
  let pd: PagerDutyStandin;
  beforeEach(async () => {
    pd = await startPagerDutyStandin();
  });
  afterEach(async () => pd.close());
  const setup = (sinkTimeoutMs?: number) =>
    harness({
      sinks: { pagerduty: { type: 'pagerduty', routingKey: pd.routingKey, url: pd.url, changeEvents: true } },
      ...(sinkTimeoutMs === undefined ? {} : { sinkTimeoutMs }),
    });
  const withRollout = (): DiagnosisDocument => ({
    ...oomDocument(),
    incident: {
      id: 'payments/payment-svc@2026-04-09T14:05:00Z',
      workload: { kind: 'Deployment', name: 'payment-svc' },
      pods: [],
      news: 'opened',
      summary: ['1 of 3 pods of deployment/payment-svc crash looping'],
      change: { revision: 8, previousRevision: 7, since: '2026-04-09T13:58:00Z', differences: ['image payment-svc:2.3.0 → 2.4.0'] },
    },
  });

  it('trigger reset after the request → retried: the repeat folds into the one open alert by dedup_key', async () => {
    const h = setup();
    pd.dropAnswers(1);
    expect(await h.notifier.deliver(batch([oomDocument()]))).toEqual({ kind: 'delivered', permanentFailures: [] });
    expect(pd.requestCount()).toBe(2);
    expect(pd.events).toHaveLength(2);
    expect(pd.alerts).toHaveLength(1);
    expect(pd.alerts[0]?.triggers).toHaveLength(2);
    expect(await h.delivered('pagerduty', 'sent')).toBe(1);
    expect(await h.delivered('pagerduty', 'maybe_sent')).toBe(0);
  });

  it('trigger slower than the attempt timeout → retried, every repeat folded into one alert', async () => {
    const h = setup(300);
    pd.delayAnswers(1000);
    // Every attempt (five, rapidRetryPolicy) times out: each event was taken, none answered in time.
    expect((await h.notifier.deliver(batch([oomDocument()]))).kind).toBe('retry-later');
    pd.delayAnswers(0);
    await waitFor('the late events to land', () => (pd.events.length === 5 ? true : undefined), 3000);
    expect(await h.delivered('pagerduty', 'maybe_sent')).toBe(0);
    expect((await h.notifier.deliver(batch([oomDocument()]))).kind).toBe('delivered');
    expect(pd.alerts).toHaveLength(1);
    expect(pd.alerts[0]?.triggers).toHaveLength(6);
    expect(pd.alerts[0]?.status).toBe('triggered');
  });

  it('change event reset after the request → not sent again (it has no dedup_key); the alert event still goes', async () => {
    const h = setup();
    pd.dropAnswers(1);
    expect(await h.notifier.deliver(batch([withRollout()]))).toEqual({ kind: 'delivered', permanentFailures: [] });
    expect(pd.changes).toHaveLength(1);
    expect(pd.alerts).toHaveLength(1);
    expect(pd.requestCount()).toBe(2);
    expect(await h.delivered('pagerduty', 'maybe_sent')).toBe(1);
    expect(h.logs.find((l) => l.includes('may have been posted'))).toContain('PagerDuty (change event) may have posted it');
    expect(h.logs.join('')).not.toContain(pd.routingKey);
    await h.notifier.deliver(batch([withRollout()]));
    expect(pd.changes).toHaveLength(1);
  });
});

describe('generic webhook: an answer lost after the receiver took the document', () => {
  let hook: WebhookCapture;
  beforeEach(async () => {
    hook = await startWebhookCapture();
  });
  afterEach(async () => hook.close());

  it('reset after the request → retried with the same Idempotency-Key, so the receiver can drop the repeat', async () => {
    const h = harness({ sinks: { webhook: { type: 'webhook', url: hook.url } } });
    hook.dropAnswers(1);
    expect(await h.notifier.deliver(batch([oomDocument()]))).toEqual({ kind: 'delivered', permanentFailures: [] });
    expect(hook.accepted).toHaveLength(2);
    const keys = hook.accepted.map((r) => r.headers['idempotency-key']);
    expect(keys[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(await h.delivered('webhook', 'sent')).toBe(1);
  });
});
