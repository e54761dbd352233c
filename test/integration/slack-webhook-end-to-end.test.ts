/**
 * The real Alertmanager → the service → a Slack incoming-webhook stand-in answering exactly as Slack
 * does (`ok` as text/html, test/support/slack-standin.ts SLACK_WEBHOOK_REPLIES). Every message is
 * posted once: in a storm of several workloads, and when Slack is slower to say `ok` than the request
 * deadline while an Alertmanager HA pair sends the same group twice (the second send reads nothing).
 */
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { wireService } from '../../src/wire.ts';
import { deploymentScenario, type WorkloadScenario } from '../fixtures/kube/workloads.ts';
import { type PostableAlert, type RunningAlertmanager, startAlertmanager, waitFor } from '../support/alertmanager.ts';
import { type FakeKubeApi, type FakeRequest, startFakeKubeApi } from '../support/fake-kube-api.ts';
import { freePort } from '../support/free-port.ts';
import { type SlackStandin, startSlackStandin } from '../support/slack-standin.ts';

const TOKEN = 'webhook-e2e-token-51c2';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startApi(...scenarios: WorkloadScenario[]): Promise<FakeKubeApi> {
  const api = await startFakeKubeApi({
    objects: scenarios.flatMap((s) => s.objects),
    pods: scenarios.flatMap((s) => s.pods),
    events: scenarios.flatMap((s) => s.events),
    logs: scenarios.flatMap((s) => s.logs),
  });
  cleanups.push(() => api.close());
  return api;
}

async function startService(api: FakeKubeApi, slack: SlackStandin, env: Record<string, string> = {}): Promise<string> {
  const result = loadConfig({ WEBHOOK_TOKEN: TOKEN, KUBECONFIG: api.kubeconfigPath, SLACK_WEBHOOK_URL: slack.webhookUrl, LOG_LEVEL: 'silent', ...env });
  if (!result.ok) throw new Error(result.errors.join('\n'));
  const service = await wireService(result.config, pino({ level: 'silent' }));
  cleanups.push(async () => {
    await service.app.close();
    await service.close();
  });
  return service.app.listen({ host: '127.0.0.1', port: 0 });
}

async function alertmanager(address: string, cluster?: { listenPort: number; peers: string[]; peerTimeout: string }): Promise<RunningAlertmanager> {
  const am = await startAlertmanager({
    webhookUrl: `${address}/alerts`,
    token: TOKEN,
    groupBy: ['namespace', 'pod'],
    ...(cluster === undefined ? {} : { cluster }),
  });
  cleanups.push(() => am.stop());
  return am;
}

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
    const api = await startApi(...scenarios);
    const slack = await startSlackStandin();
    cleanups.push(() => slack.close());
    const am = await alertmanager(await startService(api, slack));
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
    const api = await startApi(crash);
    const slack = await startSlackStandin();
    cleanups.push(() => slack.close());
    slack.delayAnswers(2500);
    const address = await startService(api, slack, { REQUEST_BUDGET_MS: '1500' });
    const gossip = [await freePort(), await freePort()];
    const pair = [
      await alertmanager(address, { listenPort: gossip[0] ?? 0, peers: [`127.0.0.1:${gossip[1]}`], peerTimeout: '0s' }),
      await alertmanager(address, { listenPort: gossip[1] ?? 0, peers: [`127.0.0.1:${gossip[0]}`], peerTimeout: '0s' }),
    ];
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
