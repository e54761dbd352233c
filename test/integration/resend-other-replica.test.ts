/**
 * Alertmanager's resend of a group that reaches the other replica (issue #25 item 4): two service
 * processes (node src/main.ts, STATE_STORE=kubernetes) share the fake API server's Leases; a group is
 * sent to replica A, then the same group (same groupKey, same alerts) to replica B, as Alertmanager
 * resends it when A's answer was lost or late, or through the other instance of an HA pair. B has no
 * memory of it; the shared delivery ledger has. Sinks: the Slack incoming webhook (answering `ok` as
 * text/html, as Slack does) and the JSON webhook. Counted at the fake API server, apart: the pod,
 * its log and its events (the cluster reads a resend should not make) and Lease calls (the shared
 * state, the ledger lookup included).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiagnosisDocument } from '../../src/diagnosis/document.ts';
import { crashLoopAlert, webhookPayload } from '../fixtures/alertmanager/payloads.ts';
import { deploymentScenario } from '../fixtures/kube/workloads.ts';
import { waitFor } from '../support/alertmanager.ts';
import { type FakeKubeApi, startFakeKubeApi } from '../support/fake-kube-api.ts';
import { scenarioObjects } from '../support/kube-fixtures.ts';
import { type ServiceProcess, startServiceProcess } from '../support/service-process.ts';
import type { SlackStandin } from '../support/slack-standin.ts';
import type { WebhookCapture } from '../support/webhook-capture.ts';
import { sinkEnv, startStandins, workloadFixtures } from '../support/world.ts';

const TOKEN = 'resend-other-replica-token';
/** One Deployment with three crash-looping pods: one incident, whose later pods are not news to the incoming webhook. */
const cart = deploymentScenario({
  namespace: 'shop',
  name: 'cart',
  replicas: 3,
  revisions: [{ image: 'cart:1.0', minutesAgo: 9000 }],
  crashing: 3,
  now: new Date(),
});
let api: FakeKubeApi;
let slack: SlackStandin;
let hook: WebhookCapture;
let closeStandins: (() => Promise<void>) | undefined;
let a: ServiceProcess;
let b: ServiceProcess;

beforeAll(async () => {
  const single = scenarioObjects(['deployment-crashloop', 'deployment-oomkilled', 'config-error', 'statefulset-liveness']);
  const storm = workloadFixtures(cart);
  api = await startFakeKubeApi({
    objects: storm.objects ?? [],
    pods: [...single.pods, ...(storm.pods ?? [])],
    events: [...single.events, ...(storm.events ?? [])],
    logs: [...single.logs, ...(storm.logs ?? [])],
  });
  const started = await startStandins(['slackWebhook', 'hook']);
  ({ slackWebhook: slack, hook } = started.standins);
  closeStandins = started.close;
  const env = (name: string): Record<string, string> => ({
    WEBHOOK_TOKEN: TOKEN,
    KUBECONFIG: api.kubeconfigPath,
    STATE_STORE: 'kubernetes',
    STATE_NAMESPACE: 'crashtriage',
    POD_NAME: name,
    // A sink that keeps failing answers 503 after 4 s, not 9.
    REQUEST_BUDGET_MS: '4000',
    ...sinkEnv(started.standins),
    LOG_LEVEL: 'info',
  });
  [a, b] = await Promise.all([startServiceProcess(env('crashtriage-a')), startServiceProcess(env('crashtriage-b'))]);
}, 60_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await Promise.all([closeStandins?.(), api?.close()]);
});

/** A group as Alertmanager sends it for one pod: KubePodCrashLooping and KubePodNotReady (no container: it folds into the first). */
function podGroup(namespace: string, pod: string, container: string, tag: string) {
  const startsAt = new Date(Date.now() - 60_000).toISOString();
  const { container: _c, reason: _r, ...notReadyLabels } = crashLoopAlert({ labels: { alertname: 'KubePodNotReady', namespace, pod } }).labels;
  return webhookPayload(
    [
      crashLoopAlert({ labels: { namespace, pod, container }, startsAt, fingerprint: `${tag}c0000000000`.slice(0, 16) }),
      { ...crashLoopAlert({ startsAt, fingerprint: `${tag}n0000000000`.slice(0, 16) }), labels: notReadyLabels },
    ],
    { groupKey: `{}:{namespace="${namespace}", pod="${pod}"}`, groupLabels: { namespace, pod } },
  );
}

/** The process writes its log asynchronously: wait for the line. */
const logged = (replica: ServiceProcess, line: string) => waitFor(`"${line}" in the log`, () => (replica.stdout().includes(line) ? true : undefined), 5000);

async function send(replica: ServiceProcess, payload: object): Promise<number> {
  const res = await fetch(`${replica.address}/alerts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(payload),
  });
  await res.arrayBuffer();
  return res.status;
}

/** What each replica's request cost at the fake API server and at the sinks, from `mark()` on. */
function counter() {
  const at = { requests: api.requests.length, posts: slack.requestCount(), docs: hook.accepted.length };
  return {
    evidence: () => api.requests.slice(at.requests).filter((r) => r.resource === 'pods' || r.resource === 'pods/log' || r.resource === 'events').length,
    leases: () => api.requests.slice(at.requests).filter((r) => r.resource === 'leases').length,
    posts: () => slack.requestCount() - at.posts,
    documents: (pod: string) =>
      hook.accepted
        .slice(at.docs)
        .map((r) => r.body as DiagnosisDocument)
        .filter((d) => d.target.pod === pod),
  };
}

describe('a resend that reaches the other replica', () => {
  it('of a group every sink has: answered 200 with no pod, log or events read and nothing posted', async () => {
    const group = podGroup('default', 'web-7d4b9c8f6-x2kqp', 'app', 'web');
    const first = counter();
    expect(await send(a, group)).toBe(200);
    expect(first.evidence()).toBeGreaterThanOrEqual(3);
    expect(first.posts()).toBe(1);
    expect(first.documents('web-7d4b9c8f6-x2kqp')).toHaveLength(1);

    const resend = counter();
    expect(await send(b, group)).toBe(200);
    expect(resend.evidence()).toBe(0);
    expect(resend.posts()).toBe(0);
    expect(resend.documents('web-7d4b9c8f6-x2kqp')).toHaveLength(0);
    // The lookup: a GET of the KubePodCrashLooping message's ledger Lease per sink (2), one for the
    // KubePodNotReady alert (no sink has a message of it: it folded), and that alert's pod claim.
    console.log(`resend to the other replica: ${resend.leases()} Lease calls, ${resend.evidence()} pod/log/events calls`);
    expect(resend.leases()).toBeLessThanOrEqual(8);
    await logged(b, 'resend: alerts every routed sink has in the shared delivery ledger are not read again');
  }, 60_000);

  it('of a group one sink failed: read again, delivered to that sink, and Slack gets nothing again', async () => {
    const pod = 'billing-api-5f6c7d8b9-qw4zt';
    const group = podGroup('payments', pod, 'api', 'bil');
    const first = counter();
    hook.failNext(503, 1000);
    expect(await send(a, group)).toBe(503);
    expect(first.posts()).toBe(1);
    expect(first.documents(pod)).toHaveLength(0);
    hook.recover();

    const resend = counter();
    expect(await send(b, group)).toBe(200);
    expect(resend.evidence()).toBeGreaterThanOrEqual(3);
    expect(resend.documents(pod)).toHaveLength(1);
    expect(resend.posts()).toBe(0);
  }, 60_000);

  it('when the ledger cannot be read first: read as before, and the ledger still keeps Slack from a second post', async () => {
    const pod = 'orders-6d5f8c7b4-tz9xw';
    const group = podGroup('default', pod, 'app', 'ord');
    const first = counter();
    expect(await send(a, group)).toBe(200);
    expect(first.posts()).toBe(1);

    // The lookup's reads (one per alert: each stops at its first failure) are the replica's first ledger calls for this group: they fail.
    api.failNext(/\/leases\/crashtriage-ledger-/, 500, 2);
    const resend = counter();
    expect(await send(b, group)).toBe(200);
    expect(resend.evidence()).toBeGreaterThanOrEqual(3);
    expect(resend.posts()).toBe(0);
    expect(resend.documents(pod)).toHaveLength(0);
    await logged(b, 'delivery ledger not read before enrichment');
  }, 60_000);

  it('of a resolved group: the lead every sink has is answered unread, the folded KubePodNotReady folds again (no resolve posted for it)', async () => {
    const pod = 'db-0';
    const group = podGroup('data', pod, 'postgres', 'dbz');
    expect(await send(a, group)).toBe(200);
    const endsAt = new Date().toISOString();
    const resolved = { ...group, status: 'resolved', alerts: group.alerts.map((x) => ({ ...x, status: 'resolved' as const, endsAt })) };
    const first = counter();
    expect(await send(a, resolved)).toBe(200);
    expect(first.posts()).toBe(1);
    expect(first.documents(pod).map((d) => `${d.alert.name} ${d.status}`)).toEqual(['KubePodCrashLooping resolved']);

    const resend = counter();
    expect(await send(b, resolved)).toBe(200);
    expect(resend.evidence()).toBe(0);
    expect(resend.posts()).toBe(0);
    expect(resend.documents(pod)).toEqual([]);
  }, 60_000);

  it("of a workload's resolved groups: the pods whose resolve was not news to the incoming webhook are not read, and no resolve is posted again", async () => {
    const groups = cart.crashing.map((pod, i) => podGroup('shop', pod, 'app', `cart${i}`));
    const endsAt = new Date().toISOString();
    const resolvedGroups = groups.map((g) => ({ ...g, status: 'resolved', alerts: g.alerts.map((x) => ({ ...x, status: 'resolved' as const, endsAt })) }));
    for (const g of groups) expect(await send(a, g)).toBe(200);
    const first = counter();
    for (const g of resolvedGroups) expect(await send(a, g)).toBe(200);
    // The incoming webhook takes only the incident's end (the last pod's resolve); the JSON webhook every resolve.
    expect(first.posts()).toBe(1);

    const resend = counter();
    for (const g of resolvedGroups) expect(await send(b, g)).toBe(200);
    expect(resend.evidence()).toBe(0);
    expect(resend.posts()).toBe(0);
    expect(cart.crashing.flatMap((pod) => resend.documents(pod))).toEqual([]);
  }, 60_000);
});
