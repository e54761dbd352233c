/**
 * The real Alertmanager → the service → a Slack incoming-webhook stand-in answering exactly as Slack
 * does (`ok` as text/html, test/support/slack-standin.ts SLACK_WEBHOOK_REPLIES). Every message is
 * posted once: in a storm of several workloads, and when Slack is slower to say `ok` than the request
 * deadline while an Alertmanager HA pair sends the same group twice (the second send reads nothing).
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { deploymentScenario } from '../fixtures/kube/workloads.ts';
import { type PostableAlert, startAlertmanager, waitFor } from '../support/alertmanager.ts';
import type { FakeRequest } from '../support/fake-kube-api.ts';
import { freePort } from '../support/free-port.ts';
import { startWorld, workloadFixtures } from '../support/world.ts';

/** What the stock kube-prometheus rules fire for one crash-looping pod: KubePodCrashLooping and KubePodNotReady. */
function stockAlerts(namespace: string, pod: string): PostableAlert[] {
  const startsAt = new Date(Date.now() - 30_000).toISOString();
  return [
    { labels: { alertname: 'KubePodCrashLooping', namespace, pod, container: 'app', reason: 'CrashLoopBackOff', severity: 'warning' }, startsAt },
    { labels: { alertname: 'KubePodNotReady', namespace, pod, severity: 'warning' }, startsAt },
  ];
}

/** Webhook requests the service took, from its own /metrics. */
async function requestsTaken(address: string): Promise<number> {
  const text = await (await fetch(`${address}/metrics`)).text();
  return [...text.matchAll(/^crashtriage_webhook_requests_total\{outcome="(?:accepted|retry_later|deadline)"\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
}

const namespaced = (requests: FakeRequest[]) => requests.filter((r) => r.path.includes('/namespaces/'));
const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Alertmanager → crashtriage → Slack incoming webhook (answering as Slack does)', () => {
  it('a storm of 3 workloads × 3 pods: every message posted exactly once, each answered ok as text/html', async () => {
    const now = new Date();
    const scenarios = ['cart', 'search', 'orders'].map((name) =>
      deploymentScenario({ namespace: 'shop', name, replicas: 3, revisions: [{ image: `${name}:1.0`, minutesAgo: 9000 }], crashing: 3, now }),
    );
    const { api, slackWebhook: slack, alertmanager: am } = await startWorld({ kube: workloadFixtures(...scenarios), sinks: ['slackWebhook'] });
    const alerts = scenarios.flatMap((s) => s.crashing.flatMap((pod) => stockAlerts('shop', pod)));
    await am.push(alerts);
    await waitFor('a message per workload', () => (slack.messages.length >= 3 ? true : undefined), 30_000);
    // Alertmanager's flushes may resend groups: give them time, then nothing was posted twice.
    await settle(3000);
    expect(slack.requestCount()).toBe(slack.messages.length);
    const texts = slack.messages.map((m) => m.text);
    expect(new Set(texts).size).toBe(texts.length);
    for (const s of scenarios) expect(texts.filter((t) => t?.includes(`shop/${s.crashing[0]?.split('-')[0]}`)).length).toBeGreaterThanOrEqual(1);
    // The incident budget: at most 3 namespaced API calls per alert.
    expect(namespaced(api.requests).length / alerts.length).toBeLessThanOrEqual(3);
  }, 60_000);

  it('ok slower than the request deadline, the same group sent by both Alertmanagers of a pair: one post, and the second send reads nothing', async () => {
    const [crash] = [
      deploymentScenario({
        namespace: 'payments',
        name: 'ledger',
        replicas: 1,
        revisions: [{ image: 'ledger:3.1', minutesAgo: 9000 }],
        crashing: 1,
        now: new Date(),
      }),
    ];
    if (crash === undefined) throw new Error('no scenario');
    const gossip = [await freePort(), await freePort()];
    const w = await startWorld({
      kube: workloadFixtures(crash),
      sinks: ['slackWebhook'],
      env: { REQUEST_BUDGET_MS: '1500' },
      alertmanager: { cluster: { listenPort: gossip[0] ?? 0, peers: [`127.0.0.1:${gossip[1]}`], peerTimeout: '0s' } },
    });
    const { api, slackWebhook: slack, address } = w;
    slack.delayAnswers(2500);
    const peer = await startAlertmanager({
      webhookUrl: `${address}/alerts`,
      token: w.token,
      groupBy: ['namespace', 'pod'],
      cluster: { listenPort: gossip[1] ?? 0, peers: [`127.0.0.1:${gossip[0]}`], peerTimeout: '0s' },
    });
    onTestFinished(() => peer.stop());
    const pair = [w.alertmanager, peer];
    const alerts = stockAlerts('payments', crash.crashing[0] ?? '');
    await Promise.all(pair.map((am) => am.push(alerts)));
    await waitFor('the Slack post', () => slack.messages[0], 30_000);
    const afterFirst = namespaced(api.requests).length;
    await settle(4000);
    // Both Alertmanagers sent the group (peer timeout 0s): the test is about the second send.
    expect(await requestsTaken(address)).toBeGreaterThanOrEqual(2);
    expect(slack.messages).toHaveLength(1);
    expect(slack.requestCount()).toBe(1);
    // Whatever either Alertmanager sent after the first read cost no Kubernetes API call.
    expect(namespaced(api.requests).length).toBe(afterFirst);
    // One read: the pod, its previous log, its events, its ReplicaSet and Deployment.
    expect(afterFirst).toBeLessThanOrEqual(5);
  }, 60_000);
});
