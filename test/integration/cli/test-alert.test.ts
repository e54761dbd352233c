/**
 * `crashtriage test-alert` against the stand-ins: the Slack stand-in (incoming webhook), a real SMTP
 * server on loopback and the webhook capture, configured by the service's own environment variables.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Terminal } from '../../../src/cli/diagnose-command.ts';
import { testAlertCommand } from '../../../src/cli/test-alert-command.ts';
import { type PagerDutyStandin, startPagerDutyStandin } from '../../support/pagerduty-standin.ts';
import { type SlackStandin, startSlackStandin } from '../../support/slack-standin.ts';
import { type SmtpCapture, startSmtpCapture } from '../../support/smtp-capture.ts';
import { startTeamsStandin, type TeamsStandin } from '../../support/teams-standin.ts';
import { startWebhookCapture, type WebhookCapture } from '../../support/webhook-capture.ts';

let slack: SlackStandin;
let smtp: SmtpCapture;
let webhook: WebhookCapture;
let teams: TeamsStandin;
let pagerduty: PagerDutyStandin;
beforeAll(async () => {
  [slack, smtp, webhook, teams, pagerduty] = await Promise.all([
    startSlackStandin(),
    startSmtpCapture(),
    startWebhookCapture(),
    startTeamsStandin(),
    startPagerDutyStandin(),
  ]);
});
afterAll(async () => {
  await Promise.all([slack.close(), smtp.close(), webhook.close(), teams.close(), pagerduty.close()]);
});

function terminal(env: NodeJS.ProcessEnv): Terminal & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s), isTTY: false },
    stderr: { write: (s: string) => (err += s), isTTY: false },
    env,
    now: () => new Date('2026-11-30T13:45:00Z'),
    out: () => out,
    err: () => err,
  };
}

const env = (): NodeJS.ProcessEnv => ({
  SLACK_WEBHOOK_URL: slack.webhookUrl,
  SMTP_URL: smtp.url,
  EMAIL_FROM: 'crashtriage@example.com',
  EMAIL_TO: 'oncall@example.com',
  FORWARD_WEBHOOK_URL: webhook.url,
});

describe('crashtriage test-alert', () => {
  it('Teams: a TEST card in the channel; PagerDuty: a TEST alert triggered and resolved at once', async () => {
    const term = terminal({ TEAMS_WEBHOOK_URL: teams.url, PAGERDUTY_ROUTING_KEY: pagerduty.routingKey, PAGERDUTY_URL: pagerduty.url });
    expect(await testAlertCommand([], term)).toBe(0);
    expect(term.out()).toMatch(/✓ teams \(teams\): accepted \(\d+ ms\)/);
    expect(term.out()).toMatch(/✓ pagerduty \(pagerduty\): accepted, and resolved \(\d+ ms\)/);
    expect(teams.failedRuns).toEqual([]);
    expect(JSON.stringify(teams.posts.at(-1)?.cards)).toContain('TEST MESSAGE from crashtriage test-alert');
    expect(pagerduty.alerts).toHaveLength(1);
    expect(pagerduty.alerts[0]?.status).toBe('resolved');
    expect(String((pagerduty.alerts[0]?.triggers[0]?.['payload'] as { summary: string }).summary)).toContain('TEST MESSAGE');
    expect(term.out()).not.toContain(teams.sig);
    expect(term.out()).not.toContain(pagerduty.routingKey);
  });

  it('a PagerDuty key PagerDuty refuses → refused for good, in its words, exit 1', async () => {
    const term = terminal({ PAGERDUTY_ROUTING_KEY: 'short-key', PAGERDUTY_URL: pagerduty.url });
    expect(await testAlertCommand([], term)).toBe(1);
    expect(term.out()).toContain(
      "✗ pagerduty (pagerduty): refused for good: HTTP 400 from PagerDuty: Length of 'routing_key' is incorrect (should be 32 characters)",
    );
  });

  it('sends one marked test message through every configured sink and reports each as accepted', async () => {
    const term = terminal(env());
    expect(await testAlertCommand([], term)).toBe(0);
    expect(term.out()).toMatch(/^crashtriage test-alert: 3 sinks\n/);
    for (const sink of ['slack (slack)', 'email (email)', 'webhook (webhook)'])
      expect(term.out()).toMatch(new RegExp(`✓ ${sink.replace(/[()]/g, '\\$&')}: accepted \\(\\d+ ms\\)`));

    const posted = slack.messages.at(-1);
    expect(JSON.stringify(posted)).toContain('TEST MESSAGE from crashtriage test-alert');
    const mail = smtp.mails.at(-1);
    expect(mail?.subject).toMatch(/TEST/);
    expect(mail?.text).toContain('This is a test, not a crash loop.');
    const document = webhook.accepted.at(-1)?.body as { alert: { labels: Record<string, string> }; cause: { title: string } };
    expect(document.alert.labels).toMatchObject({ alertname: 'CrashtriageTestAlert', test: 'true' });
    expect(document.cause.title).toContain('TEST MESSAGE');
  });

  it("reports each sink's own answer: a revoked Slack webhook and a 404 webhook are refused for good, a 503 would be retried; exit 1", async () => {
    slack.failNext({ status: 404, body: 'no_service' }, 1);
    webhook.failNext(503, 1);
    smtp.refuse(550, { times: 1 });
    const term = terminal(env());
    expect(await testAlertCommand([], term)).toBe(1);
    expect(term.out()).toMatch(/✗ slack \(slack\): refused for good: .*no_service/);
    expect(term.out()).toMatch(/✗ webhook \(webhook\): failed; the service would retry: .*503/);
    expect(term.out()).toMatch(/✗ email \(email\): refused for good: .*550/);
    // Nothing secret in the report: the Slack webhook URL is a credential.
    expect(term.out()).not.toContain(new URL(slack.webhookUrl).pathname);
  });

  it('without a sink, the console prints the test diagnosis readably', async () => {
    const term = terminal({});
    expect(await testAlertCommand([], term)).toBe(0);
    expect(term.out()).toContain('TEST MESSAGE from crashtriage test-alert');
    expect(term.out()).toMatch(/✓ console \(console\): accepted/);
  });

  it('invalid settings exit 2 naming the setting; an argument is a usage error', async () => {
    const term = terminal({ SLACK_WEBHOOK_URL: 'not a url' });
    expect(await testAlertCommand([], term)).toBe(2);
    expect(term.err()).toContain('SLACK_WEBHOOK_URL');
    expect(await testAlertCommand(['now'], terminal({}))).toBe(2);
  });
});
