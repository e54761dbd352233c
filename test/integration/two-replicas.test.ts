/**
 * Two replicas and an Alertmanager HA pair, end to end: two service processes (node src/main.ts,
 * STATE_STORE=kubernetes) sharing the fake API server's Leases, and two real Alertmanagers clustered
 * with --cluster.peer, each sending to one replica. Both Alertmanagers are told of every alert (as
 * Prometheus tells every Alertmanager) and, with --cluster.peer-timeout=0s, both send the group at once.
 * Counted at the sinks: the Slack stand-in, the SMTP server, the webhook capture.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiagnosisDocument } from '../../src/diagnosis/document.ts';
import { type RunningAlertmanager, startAlertmanager, waitFor } from '../support/alertmanager.ts';
import { type FakeKubeApi, startFakeKubeApi } from '../support/fake-kube-api.ts';
import { freePort } from '../support/free-port.ts';
import { scenarioObjects } from '../support/kube-fixtures.ts';
import { type ServiceProcess, startServiceProcess } from '../support/service-process.ts';
import type { SlackStandin } from '../support/slack-standin.ts';
import type { SmtpCapture } from '../support/smtp-capture.ts';
import type { WebhookCapture } from '../support/webhook-capture.ts';
import { type Standins, sinkEnv, startStandins } from '../support/world.ts';

const TOKEN = 'two-replicas-token';
let api: FakeKubeApi;
let slack: SlackStandin;
let smtp: SmtpCapture;
let hook: WebhookCapture;
let standins: Pick<Standins, 'slack' | 'smtp' | 'hook'>;
let closeStandins: (() => Promise<void>) | undefined;
const replicas: { name: string; port: number; service: ServiceProcess }[] = [];
const alertmanagers: RunningAlertmanager[] = [];

const envFor = (name: string, port: number): Record<string, string> => ({
  PORT: String(port),
  WEBHOOK_TOKEN: TOKEN,
  KUBECONFIG: api.kubeconfigPath,
  STATE_STORE: 'kubernetes',
  STATE_NAMESPACE: 'crashtriage',
  POD_NAME: name,
  ...sinkEnv(standins),
  LOG_LEVEL: 'info',
});

beforeAll(async () => {
  api = await startFakeKubeApi(scenarioObjects(['deployment-crashloop']));
  ({ standins, close: closeStandins } = await startStandins(['slack', 'smtp', 'hook']));
  ({ slack, smtp, hook } = standins);
  for (const name of ['crashtriage-a', 'crashtriage-b']) {
    const port = await freePort();
    replicas.push({ name, port, service: await startServiceProcess(envFor(name, port)) });
  }
  const gossip = [await freePort(), await freePort()];
  for (const [i, replica] of replicas.entries()) {
    alertmanagers.push(
      await startAlertmanager({
        webhookUrl: `${replica.service.address}/alerts`,
        token: TOKEN,
        cluster: { listenPort: gossip[i] ?? 0, peers: gossip.filter((_, j) => j !== i).map((p) => `127.0.0.1:${p}`), peerTimeout: '0s' },
      }),
    );
  }
}, 60_000);

afterAll(async () => {
  for (const am of alertmanagers) await am.stop();
  for (const r of replicas) await r.service.stop();
  await Promise.all([closeStandins?.(), api?.close()]);
});

const pushToBoth = async (alert: Parameters<RunningAlertmanager['push']>[0][number]): Promise<void> => {
  await Promise.all(alertmanagers.map((am) => am.push([alert])));
};
/** Requests each replica answered on POST /alerts (its own metric). */
const answered = async (replica: ServiceProcess): Promise<number> => {
  const text = await (await fetch(`${replica.address}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith('crashtriage_webhook_requests_total{'))
    .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
};
// Each test counts what arrived since it started.
let since = { slack: 0, mails: 0, hook: 0 };
const mark = (): void => {
  since = { slack: slack.messages.length, mails: smtp.mails.length, hook: hook.accepted.length };
};
const topLevelPosts = () => slack.messages.slice(since.slack).filter((m) => m.via === 'chat.postMessage' && m.thread_ts === undefined);
const documents = (pod: string) =>
  hook.accepted
    .slice(since.hook)
    .map((r) => r.body as DiagnosisDocument)
    .filter((d) => d.target.pod === pod);
const mails = () => smtp.mails.slice(since.mails);
const settle = () => new Promise((r) => setTimeout(r, 3000));

describe('two replicas behind an Alertmanager HA pair', () => {
  it('firing and resolved: one message per sink each, although both Alertmanagers sent to both replicas; the resolve edits the original', async () => {
    const pod = 'web-7d4b9c8f6-x2kqp';
    const alert = {
      labels: { alertname: 'KubePodCrashLooping', namespace: 'default', pod, container: 'app', reason: 'CrashLoopBackOff', severity: 'warning' },
      annotations: { summary: 'crash looping' },
      startsAt: new Date(Date.now() - 60_000).toISOString(),
    };
    mark();
    const before = await Promise.all(replicas.map((r) => answered(r.service)));
    await pushToBoth(alert);
    // Both Alertmanagers delivered the group, each to its replica.
    await waitFor(
      'both replicas to answer the firing group',
      async () => {
        const now = await Promise.all(replicas.map((r) => answered(r.service)));
        return now.every((n, i) => n > (before[i] ?? 0)) ? true : undefined;
      },
      30_000,
    );
    // 30 s like the waits above: on a loaded CI machine (2 cores, the whole suite beside it) the
    // default 20 s was once not enough for the resolve's pod read and three deliveries.
    await waitFor(
      'the firing message at every sink',
      () => (documents(pod).length > 0 && mails().length > 0 && topLevelPosts().length > 0 ? true : undefined),
      30_000,
    );
    await settle();
    expect(topLevelPosts()).toHaveLength(1);
    expect(mails()).toHaveLength(1);
    expect(documents(pod)).toHaveLength(1);
    const original = topLevelPosts()[0];

    const mid = await Promise.all(replicas.map((r) => answered(r.service)));
    await pushToBoth({ ...alert, endsAt: new Date().toISOString() });
    // The pair's own deduplication (the gossiped notification log) may keep the second instance
    // from sending the resolve; either way one message per sink must arrive.
    await waitFor(
      'a replica to answer the resolved group',
      async () => {
        const now = await Promise.all(replicas.map((r) => answered(r.service)));
        return now.some((n, i) => n > (mid[i] ?? 0)) ? true : undefined;
      },
      30_000,
    );
    await waitFor(
      'the resolved message at every sink',
      () =>
        documents(pod).some((d) => d.status === 'resolved') && mails().length > 1 && slack.messages.some((m) => m.via === 'chat.update') ? true : undefined,
      30_000,
    );
    await settle();
    expect(documents(pod).map((d) => d.status)).toEqual(['firing', 'resolved']);
    // The fake pod still crash loops, so the resolve says "[RESOLVED, STILL FAILING]".
    expect(mails().map((m) => m.subject.slice(0, m.subject.indexOf(']') + 1))).toEqual(['[FIRING]', '[RESOLVED, STILL FAILING]']);
    for (const m of mails()) expect(m.subject).toMatch(/ — default\/web\S*$/);
    const updates = slack.messages.filter((m) => m.via === 'chat.update');
    expect(updates).toHaveLength(1);
    expect(updates[0]?.ts).toBe(original?.ts);
    expect(topLevelPosts()).toHaveLength(1);
    // The state is in Leases, labelled for cleanup.
    expect([...api.leases.values()].length).toBeGreaterThan(0);
    for (const lease of api.leases.values()) {
      expect((lease['metadata'] as { labels: Record<string, string> }).labels['app.kubernetes.io/name']).toBe('crashtriage');
    }
  }, 90_000);

  it('a replica restarted between the retries of a failing sink: nothing doubled, nothing lost', async () => {
    const pod = 'api-6c9f8d7b5-r4t2w';
    const alert = {
      labels: { alertname: 'KubePodCrashLooping', namespace: 'default', pod, container: 'api', reason: 'CrashLoopBackOff', severity: 'warning' },
      annotations: { summary: 'crash looping' },
      startsAt: new Date(Date.now() - 60_000).toISOString(),
    };
    mark();
    const refusedBefore = hook.requestCount();
    hook.failNext(503, 1000);
    await pushToBoth(alert);
    // Slack and email have it; the webhook keeps failing, so both replicas answer 503 and Alertmanager retries.
    await waitFor('Slack and the mail', () => (mails().length > 0 && topLevelPosts().length > 0 ? true : undefined), 30_000);
    await waitFor('retries at the failing webhook', () => (hook.requestCount() > refusedBefore + 3 ? true : undefined), 30_000);

    const b = replicas[1];
    if (b === undefined) throw new Error('no second replica');
    await b.service.stop();
    b.service = await startServiceProcess(envFor(b.name, b.port));
    // Retries that reach the restarted replica still fail a while: the claims it finds are the old process's.
    await waitFor('a retry through the restarted replica', async () => ((await answered(b.service)) > 0 ? true : undefined), 60_000);
    hook.recover();
    await waitFor('the webhook to get the document after the outage', () => (documents(pod).length > 0 ? true : undefined), 60_000);
    await settle();
    expect(documents(pod)).toHaveLength(1);
    expect(mails()).toHaveLength(1);
    expect(topLevelPosts()).toHaveLength(1);
  }, 120_000);
});
