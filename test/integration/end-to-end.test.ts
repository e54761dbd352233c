/**
 * The whole product: the real Alertmanager → the service (as main.ts wires it) → the fake Kubernetes
 * API over TLS → Slack (Web API stand-in), a real SMTP server and a webhook receiver; a firing alert,
 * then its resolution. One message each, the resolved one linked to the firing one.
 */

import { describe, expect, it } from 'vitest';
import type { DiagnosisDocument } from '../../src/diagnosis/document.ts';
import { kubeFixture } from '../fixtures/kube/index.ts';
import { waitFor } from '../support/alertmanager.ts';
import { recoveredPod, scenarioObjects } from '../support/kube-fixtures.ts';
import { startWorld } from '../support/world.ts';

/** The OOM-killed fixture's pod; Slack (Web API), email to two recipients and the JSON webhook. */
const world = () =>
  startWorld({
    kube: scenarioObjects(['deployment-oomkilled']),
    sinks: ['slack', 'smtp', 'hook'],
    env: { EMAIL_TO: 'oncall@example.com,sre@example.com' },
  });

const oomAlert = {
  labels: {
    alertname: 'CrashtriageContainerOOMKilled',
    namespace: 'payments',
    pod: 'billing-api-5f6c7d8b9-qw4zt',
    container: 'api',
    reason: 'OOMKilled',
    severity: 'warning',
  },
  annotations: { summary: 'Container payments/billing-api-5f6c7d8b9-qw4zt/api was OOM-killed.' },
  generatorURL: 'http://prometheus.example:9090/graph?g0.expr=x',
};

describe('Alertmanager → crashtriage → Slack, email, webhook', () => {
  it('sends one diagnosed message per sink when firing, and links the resolved one to it', async () => {
    const w = await world();
    const startsAt = new Date(Date.now() - 60_000).toISOString();
    await w.alertmanager.push([{ ...oomAlert, startsAt }]);

    const firingDoc = await waitFor('the webhook document', () => w.hook.accepted[0]?.body as DiagnosisDocument | undefined);
    expect(firingDoc).toMatchObject({
      version: 1,
      status: 'firing',
      cause: { id: 'oom-killed' },
      target: { namespace: 'payments', pod: 'billing-api-5f6c7d8b9-qw4zt', container: 'api', owner: { kind: 'Deployment', name: 'billing-api' } },
    });
    expect(firingDoc.remedies.flatMap((r) => r.commands).join('\n')).toContain('deployment/billing-api');
    const post = await waitFor('the Slack post', () => w.slack.messages.find((m) => m.via === 'chat.postMessage' && m.thread_ts === undefined));
    // The thread reply (log excerpt, escalation) needs the post's ts from Slack's several-KiB answer.
    const thread = await waitFor('the Slack thread reply', () => w.slack.messages.find((m) => m.thread_ts === post.ts));
    expect(JSON.stringify(thread.blocks)).toContain('*Log (previous container api)*');
    expect(w.slack.apiAnswerBytes[0]).toBeGreaterThan(2048);
    const firingMail = await waitFor('the firing mail', () => w.smtp.mails[0]);
    expect(firingMail.subject).toMatch(/^\[FIRING\] killed at its \S+ memory limit.* — payments\/billing-api$/);
    expect(firingMail.envelopeTo.sort()).toEqual(['oncall@example.com', 'sre@example.com']);
    expect(firingMail.text).toContain('kubectl');
    // The evidence cost at most 3 API calls (pod, events, log) and the owner 2 (the Deployment beside
    // its namespace's ReplicaSets, in the same round), and no Secret was asked for.
    expect(w.api.requests.filter((r) => !['deployments', 'replicasets'].includes(r.resource)).length).toBeLessThanOrEqual(3);
    expect(w.api.requests.filter((r) => ['deployments', 'replicasets'].includes(r.resource)).length).toBeLessThanOrEqual(2);
    expect(w.api.requests.some((r) => /secrets/.test(r.path))).toBe(false);

    // The pod recovered: the resolve reads it once and says so.
    w.api.setPod(recoveredPod(kubeFixture('deployment-oomkilled').rawPod, new Date(Date.now() - 30_000), firingDoc.target.restarts ?? 0));
    await w.alertmanager.push([{ ...oomAlert, startsAt, endsAt: new Date().toISOString() }]);
    const resolvedDoc = await waitFor('the resolved document', () =>
      w.hook.accepted.map((r) => r.body as DiagnosisDocument).find((d) => d.status === 'resolved'),
    );
    expect(resolvedDoc.alert.fingerprint).toBe(firingDoc.alert.fingerprint);
    expect(resolvedDoc.cause.id).toBe('oom-killed');
    expect(resolvedDoc.resolution?.state).toBe('healthy');
    expect(resolvedDoc.resolution?.text).toMatch(/^Running for 3\ds, 0 restarts since$/);
    const update = await waitFor('the Slack update', () => w.slack.messages.find((m) => m.via === 'chat.update'));
    expect(update.ts).toBe(post.ts);
    expect(JSON.stringify(update.blocks)).toContain('✅ Resolved');
    await waitFor('the resolved reply in the thread', () => w.slack.messages.filter((m) => m.thread_ts === post.ts).length === 2 || undefined);
    const resolvedMail = await waitFor('the resolved mail', () => w.smtp.mails.find((m) => m.subject.startsWith('[RESOLVED]')));
    expect(resolvedMail.inReplyTo).toBe(firingMail.messageId);

    // Alertmanager's flushes may resend the group: still one message of each kind per sink.
    await new Promise((r) => setTimeout(r, 2500));
    expect(w.hook.accepted.map((r) => (r.body as DiagnosisDocument).status)).toEqual(['firing', 'resolved']);
    expect(w.smtp.mails.map((m) => `${m.subject.slice(0, 10)}…${m.subject.split(' — ').at(-1)}`)).toEqual([
      '[FIRING] k…payments/billing-api',
      '[RESOLVED]…payments/billing-api',
    ]);
    expect(w.slack.messages.filter((m) => m.via === 'chat.postMessage' && m.thread_ts === undefined)).toHaveLength(1);
    expect(w.slack.messages.filter((m) => m.via === 'chat.update')).toHaveLength(1);
    expect(w.slack.messages.filter((m) => m.thread_ts === post.ts)).toHaveLength(2);
  });

  it('still delivers the alert when the Kubernetes API fails, saying what could not be read', async () => {
    const w = await world();
    w.api.forbid('pods/log');
    w.api.failNext(/\/pods\/billing-api-5f6c7d8b9-qw4zt$/, 503);
    await w.alertmanager.push([{ ...oomAlert, startsAt: new Date().toISOString() }]);
    const doc = await waitFor('the webhook document', () => w.hook.accepted[0]?.body as DiagnosisDocument | undefined);
    expect(doc.problems.map((p) => p.source)).toEqual(expect.arrayContaining(['pod']));
    expect(doc.problems.map((p) => p.message).join('\n')).toMatch(/503|unavailable|server/i);
    await waitFor('the Slack post', () => w.slack.messages[0]);
    await waitFor('the mail', () => w.smtp.mails[0]);
  });

  it('asks Alertmanager to retry while Slack is down, then delivers once', async () => {
    const w = await world();
    await w.slack.setDown(true);
    await w.alertmanager.push([{ ...oomAlert, startsAt: new Date().toISOString() }]);
    await w.alertmanager.waitForNotification('failed', 30_000);
    expect(w.hook.accepted).toHaveLength(1);
    await w.slack.setDown(false);
    await waitFor('the Slack post after the retry', () => w.slack.messages.find((m) => m.via === 'chat.postMessage'), 30_000);
    await new Promise((r) => setTimeout(r, 2500));
    expect(w.hook.accepted).toHaveLength(1);
    expect(w.smtp.mails).toHaveLength(1);
    expect(w.slack.messages.filter((m) => m.via === 'chat.postMessage' && m.thread_ts === undefined)).toHaveLength(1);
  }, 60_000);

  it('asks Alertmanager to retry while a proxy answers Slack calls with a 200 HTML page, then delivers once', async () => {
    const w = await world();
    w.slack.answerAll({ status: 200, body: '<!doctype html><html><body><h1>Proxy authentication required</h1></body></html>', contentType: 'text/html' });
    await w.alertmanager.push([{ ...oomAlert, startsAt: new Date().toISOString() }]);
    await w.alertmanager.waitForNotification('failed', 30_000);
    expect(w.slack.messages).toHaveLength(0);
    w.slack.answerAll(undefined);
    const post = await waitFor('the Slack post after the retry', () => w.slack.messages.find((m) => m.via === 'chat.postMessage'), 30_000);
    await waitFor('its thread reply', () => w.slack.messages.find((m) => m.thread_ts === post.ts), 30_000);
    await new Promise((r) => setTimeout(r, 2500));
    expect(w.slack.messages.filter((m) => m.via === 'chat.postMessage' && m.thread_ts === undefined)).toHaveLength(1);
    expect(w.hook.accepted).toHaveLength(1);
  }, 60_000);

  it('after a restart between Alertmanager retries, loses nothing and resends only to sinks it cannot remember (README)', async () => {
    const w = await world();
    await w.slack.setDown(true);
    await w.alertmanager.push([{ ...oomAlert, startsAt: new Date().toISOString() }]);
    await w.alertmanager.waitForNotification('failed', 30_000);
    expect(w.hook.accepted).toHaveLength(1);
    expect(w.smtp.mails).toHaveLength(1);

    // Restart: the in-memory delivery ledger is gone; the new process listens on the same address.
    await w.restart();
    await w.slack.setDown(false);

    await waitFor('the Slack post after the restart', () => w.slack.messages.find((m) => m.via === 'chat.postMessage'), 30_000);
    await new Promise((r) => setTimeout(r, 2500));
    expect(w.slack.messages.filter((m) => m.via === 'chat.postMessage' && m.thread_ts === undefined)).toHaveLength(1);
    // The sinks that had it already get it once more, recognisably the same message.
    expect(w.hook.accepted).toHaveLength(2);
    expect(w.hook.accepted[1]?.headers['idempotency-key']).toBe(w.hook.accepted[0]?.headers['idempotency-key']);
    expect(w.smtp.mails).toHaveLength(2);
    expect(w.smtp.mails[1]?.messageId).toBe(w.smtp.mails[0]?.messageId);
  }, 60_000);
});
