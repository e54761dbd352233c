/**
 * Incidents end to end: the real Alertmanager grouping by [cluster, namespace, pod] (so each pod's
 * alerts arrive in requests of their own, often concurrently) → the service as main.ts wires it →
 * fake API servers over TLS → Slack (Web API stand-in), a real SMTP server and a webhook receiver.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DiagnosisDocument } from '../../src/diagnosis/document.ts';
import { kubeFixture } from '../fixtures/kube/index.ts';
import { deploymentScenario, setScenario } from '../fixtures/kube/workloads.ts';
import { type PostableAlert, waitFor } from '../support/alertmanager.ts';
import type { FakeKubeApiOptions, FakeRequest } from '../support/fake-kube-api.ts';
import { writeMultiKubeconfig } from '../support/kube-fixtures-kubeconfig.ts';
import type { SlackStandin } from '../support/slack-standin.ts';
import type { WebhookCapture } from '../support/webhook-capture.ts';
import { startKubeApi, startWorld, type WorldOptions, workloadFixtures } from '../support/world.ts';

/** Slack (Web API), email and the JSON webhook behind Alertmanager grouping by cluster, namespace and pod. */
const world = (kube: FakeKubeApiOptions, env: NonNullable<WorldOptions<never>['env']> = {}) =>
  startWorld({ kube, sinks: ['slack', 'smtp', 'hook'], env, alertmanager: { groupBy: ['cluster', 'namespace', 'pod'] } });

/** What the stock kube-prometheus rules fire for one crash-looping pod: KubePodCrashLooping and KubePodNotReady. */
function stockAlerts(namespace: string, pod: string, extra: Record<string, string> = {}): PostableAlert[] {
  const startsAt = new Date(Date.now() - 30_000).toISOString();
  return [
    { labels: { alertname: 'KubePodCrashLooping', namespace, pod, container: 'app', reason: 'CrashLoopBackOff', severity: 'warning', ...extra }, startsAt },
    { labels: { alertname: 'KubePodNotReady', namespace, pod, severity: 'warning', ...extra }, startsAt },
  ];
}

const topLevel = (slack: SlackStandin) => slack.messages.filter((m) => m.via === 'chat.postMessage' && m.thread_ts === undefined);
const docs = (hook: WebhookCapture) => hook.accepted.map((r) => r.body as DiagnosisDocument);
const namespaced = (requests: FakeRequest[]) => requests.filter((r) => r.path.includes('/namespaces/'));

describe('incidents end to end (Alertmanager grouping by cluster, namespace, pod)', () => {
  it('a Deployment whose new revision crash loops: one Slack message for its 3 pods, the rollback to the healthy revision first', async () => {
    const now = new Date();
    const checkout = deploymentScenario({
      namespace: 'shop',
      name: 'checkout',
      replicas: 3,
      firstRevision: 6,
      revisions: [
        { image: 'registry.acme.io/checkout:2.2.0', minutesAgo: 60 * 24 * 9 },
        { image: 'registry.acme.io/checkout:2.3.0', minutesAgo: 60 * 24 * 2 },
        { image: 'registry.acme.io/checkout:2.4.0', env: ['PAYMENTS_URL'], minutesAgo: 7 },
      ],
      crashing: 3,
      now,
    });
    const w = await world(workloadFixtures(checkout));
    await w.alertmanager.push(checkout.crashing.flatMap((pod) => stockAlerts('shop', pod)));

    const all = await waitFor('three firing documents', () => (docs(w.hook).length >= 3 ? docs(w.hook) : undefined));
    expect(new Set(all.map((d) => d.incident?.id)).size).toBe(1);
    expect(all.map((d) => d.alert.name)).toEqual(['KubePodCrashLooping', 'KubePodCrashLooping', 'KubePodCrashLooping']);
    const last = all.at(-1) as DiagnosisDocument;
    expect(last.incident).toMatchObject({
      workload: { kind: 'Deployment', name: 'checkout' },
      ready: { ready: 0, desired: 3 },
      change: {
        revision: 8,
        previousRevision: 7,
        differences: ['image registry.acme.io/checkout:2.3.0 → registry.acme.io/checkout:2.4.0', 'env added: PAYMENTS_URL'],
      },
    });
    expect(last.incident?.summary[0]).toBe('3 of 3 pods of deployment/checkout crash looping (0 of 3 ready)');
    expect(last.incident?.summary[1]).toMatch(/^began with revision 8, 7 minutes ago: image /);
    expect(last.remedies[0]?.commands).toEqual(['kubectl rollout undo deployment/checkout -n shop --to-revision=7']);
    expect(last.remedies[1]?.title).toMatch(/^Or fix forward: /);

    // Slack: one message, updated in place as the pods joined, each pod named in its thread.
    await waitFor('two updates', () => (w.slack.messages.filter((m) => m.via === 'chat.update').length >= 2 ? true : undefined));
    expect(topLevel(w.slack)).toHaveLength(1);
    const updated = w.slack.messages.filter((m) => m.via === 'chat.update').at(-1);
    expect(JSON.stringify(updated?.blocks)).toContain('3 of 3 pods of deployment/checkout crash looping');
    expect(JSON.stringify(updated?.blocks)).toContain('kubectl rollout undo deployment/checkout -n shop --to-revision=7');
    // The thread posts may land after the last update (each pod's delivery is its own request): wait for them.
    const joinedPosts = () => w.slack.messages.filter((m) => m.thread_ts === topLevel(w.slack)[0]?.ts && /is crash looping too/.test(m.text ?? ''));
    const joined = await waitFor('both joining pods named in the thread', () => (joinedPosts().length >= 2 ? joinedPosts() : undefined));
    expect(joined).toHaveLength(2);
    // Email announces the incident once: the later pods have the same cause.
    await waitFor('the mail', () => w.smtp.mails[0]);
    expect(w.smtp.mails).toHaveLength(1);
    expect(w.smtp.mails[0]?.text).toContain('kubectl rollout undo deployment/checkout -n shop --to-revision=7');

    // The owner was read once for the incident; each further pod cost only the reads of its cause.
    const calls = namespaced(w.api.requests);
    expect(calls.filter((r) => r.resource === 'deployments')).toHaveLength(1);
    expect(calls.filter((r) => r.resource === 'replicasets')).toHaveLength(1);
    expect(calls.length / 6).toBeLessThanOrEqual(3);
    expect(w.api.requests.some((r) => /secrets/.test(r.path))).toBe(false);
  });

  it('a pod of the old revision stopped by its deletion while revision 7 rolls out: the first Fix says the rollout replaced it, nothing to change', async () => {
    const now = new Date();
    const storefront = deploymentScenario({
      namespace: 'web',
      name: 'storefront',
      replicas: 2,
      firstRevision: 6,
      revisions: [
        { image: 'registry.acme.io/storefront:3.1.0', minutesAgo: 60 * 24 * 5 },
        { image: 'registry.acme.io/storefront:3.2.0', minutesAgo: 2 },
      ],
      crashing: 1,
      crashingRevisions: [0],
      now,
    });
    // The rollout deletes the old pod: deletionTimestamp = the request + its 30s grace; the container stopped on SIGTERM since.
    const pod = storefront.pods[0] as {
      metadata: Record<string, unknown>;
      spec: Record<string, unknown>;
      status: { containerStatuses: Record<string, unknown>[] };
    };
    const at = (seconds: number) => new Date(now.getTime() + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    pod.metadata['deletionTimestamp'] = at(25);
    pod.metadata['deletionGracePeriodSeconds'] = 30;
    pod.spec['terminationGracePeriodSeconds'] = 30;
    for (const c of pod.status.containerStatuses) {
      c['state'] = { terminated: { exitCode: 143, reason: 'Error', startedAt: at(-3600), finishedAt: at(-3) } };
      c['ready'] = false;
    }
    const w = await world(workloadFixtures(storefront));
    await w.alertmanager.push(stockAlerts('web', storefront.crashing[0] ?? ''));

    const doc = await waitFor('the document', () => docs(w.hook)[0]);
    expect(doc.cause).toMatchObject({ id: 'sigterm', detail: 'pod-deleting' });
    expect(doc.remedies[0]).toEqual({
      kind: 'no-change',
      title: 'Rollout to revision 7 replaced it (this pod ran revision 6): nothing to change; confirm the rollout completes',
      commands: ['kubectl rollout status deployment/storefront -n web --timeout=5m', 'kubectl get pods -n web -l app=storefront -o wide'],
    });
    await waitFor('the Slack message', () => topLevel(w.slack)[0]);
    expect(topLevel(w.slack)[0]?.text ?? '').toMatch(/^🔵 /);
  });

  it('pods of a StatefulSet and of a DaemonSet crashing together: one message each, the pod counts right', async () => {
    const now = new Date();
    const ledger = setScenario({
      kind: 'StatefulSet',
      namespace: 'data',
      name: 'ledger',
      replicas: 3,
      revisions: [{ image: 'ledger:1.4.0', minutesAgo: 9000 }],
      crashing: 2,
      now,
    });
    const agent = setScenario({
      kind: 'DaemonSet',
      namespace: 'data',
      name: 'log-agent',
      replicas: 4,
      revisions: [{ image: 'log-agent:3.1', minutesAgo: 9000 }],
      crashing: 2,
      now,
    });
    const w = await world(workloadFixtures(ledger, agent));
    await w.alertmanager.push([...ledger.crashing, ...agent.crashing].flatMap((pod) => stockAlerts('data', pod)));

    await waitFor('four documents', () => (docs(w.hook).length >= 4 ? true : undefined));
    await waitFor('two updates', () => (w.slack.messages.filter((m) => m.via === 'chat.update').length >= 2 ? true : undefined));
    expect(topLevel(w.slack)).toHaveLength(2);
    const updates = w.slack.messages.filter((m) => m.via === 'chat.update').map((m) => JSON.stringify(m.blocks));
    expect(updates.some((u) => u.includes('2 of 3 pods of statefulset/ledger crash looping (1 of 3 ready)'))).toBe(true);
    expect(updates.some((u) => u.includes('2 of 4 pods of daemonset/log-agent crash looping (2 of 4 ready)'))).toBe(true);
    expect(w.smtp.mails).toHaveLength(2);
    // Old revisions only: nothing is said of rollbacks.
    expect(docs(w.hook).every((d) => d.incident?.change === undefined && !d.remedies.some((r) => r.commands.some((c) => c.includes('rollout undo'))))).toBe(
      true,
    );
  });

  it('two clusters as two kubeconfig contexts: the same namespace and pod in both, each diagnosed from its own; an unknown cluster is read from none', async () => {
    const crash = kubeFixture('deployment-crashloop');
    const oom = kubeFixture('deployment-oomkilled');
    // The OOM pod renamed to the crash-looping pod's name and namespace, as the other cluster would have it.
    const twin = structuredClone(oom.rawPod) as { metadata: Record<string, unknown> };
    twin.metadata = { ...twin.metadata, name: crash.podName, namespace: crash.namespace, labels: { 'pod-template-hash': '7d4b9c8f6' } };
    twin.metadata['ownerReferences'] = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d4b9c8f6', uid: 'rs-us', controller: true }];
    const us = await startKubeApi({
      pods: [twin],
      logs: [{ namespace: crash.namespace, pod: crash.podName, container: 'api', previous: oom.previousLog ?? '' }],
    });
    // eu-1 is a context's own name; us-1 reaches the context prod-us through the config file's mapping.
    const configFile = join(mkdtempSync(join(tmpdir(), 'crashtriage-config-')), 'config.yaml');
    writeFileSync(configFile, 'kube:\n  clusters:\n    us-1: prod-us\n');
    const euFixtures = {
      pods: [crash.rawPod],
      events: crash.rawEvents,
      logs: [{ namespace: crash.namespace, pod: crash.podName, container: 'app', previous: crash.previousLog ?? '' }],
    };
    const w = await world(euFixtures, ({ api: eu }) => ({
      KUBECONFIG: writeMultiKubeconfig([
        { context: 'eu-1', server: eu.url, caPem: eu.caPem, token: eu.token },
        { context: 'prod-us', server: us.url, caPem: us.caPem, token: us.token },
      ]),
      CONFIG_FILE: configFile,
    }));
    const eu = w.api;
    await w.alertmanager.push([
      ...stockAlerts(crash.namespace, crash.podName, { cluster: 'eu-1' }).slice(1),
      ...stockAlerts(crash.namespace, crash.podName, { cluster: 'us-1' }).slice(1),
      ...stockAlerts(crash.namespace, crash.podName, { cluster: 'ap-1' }).slice(1),
    ]);
    const got = await waitFor('three documents', () => (docs(w.hook).length >= 3 ? docs(w.hook) : undefined));
    const byCluster = new Map(got.map((d) => [d.alert.labels['cluster'], d]));
    expect(byCluster.get('eu-1')?.cause.id).toBe('app-crash');
    expect(byCluster.get('us-1')?.cause.id).toBe('oom-killed');
    expect(byCluster.get('ap-1')?.cause.id).toBe('unknown');
    expect(byCluster.get('ap-1')?.problems[0]?.message).toMatch(/^no kubeconfig context for cluster "ap-1"/);
    expect(new Set(got.map((d) => d.incident?.id)).size).toBe(3);
    expect(byCluster.get('eu-1')?.incident?.cluster).toBe('eu-1');
    // Each cluster's API was asked only about its own alert.
    expect(eu.requests.every((r) => r.path.includes(`/namespaces/${crash.namespace}/`))).toBe(true);
    expect(eu.requests.filter((r) => r.resource === 'pods')).toHaveLength(1);
    expect(us.requests.filter((r) => r.resource === 'pods')).toHaveLength(1);
    expect(topLevel(w.slack)).toHaveLength(3);
    expect(
      topLevel(w.slack)
        .map((m) => JSON.stringify(m.blocks))
        .some((b) => b.includes('ap-1')),
    ).toBe(true);
  });

  it('a storm in one namespace: beyond the threshold one digest, kept updated; at most 3 namespaced API calls per alert, owners read once each', async () => {
    const now = new Date();
    const scenarios = ['cart', 'search', 'orders', 'payments'].map((name) =>
      deploymentScenario({ namespace: 'shop', name, replicas: 3, revisions: [{ image: `${name}:1.0`, minutesAgo: 9000 }], crashing: 3, now }),
    );
    const w = await world(workloadFixtures(...scenarios), { STORM_THRESHOLD: '2' });
    const alerts = scenarios.flatMap((s) => s.crashing.flatMap((pod) => stockAlerts('shop', pod)));
    await w.alertmanager.push(alerts);
    await waitFor('twelve documents', () => (docs(w.hook).length >= 12 ? true : undefined), 30_000);
    const calls = namespaced(w.api.requests);
    const perAlert = calls.length / alerts.length;
    expect(perAlert).toBeLessThanOrEqual(3);
    expect(calls.filter((r) => r.resource === 'deployments')).toHaveLength(4);
    expect(calls.filter((r) => r.resource === 'replicasets')).toHaveLength(4);
    // Two incidents with messages of their own, then one digest for the other two, edited as their pods joined.
    expect(topLevel(w.slack)).toHaveLength(3);
    const digest = topLevel(w.slack).find((m) => /Crash-loop storm in shop/.test(m.text ?? ''));
    expect(digest).toBeDefined();
    const last = w.slack.messages.filter((m) => m.via === 'chat.update' && m.ts === digest?.ts).at(-1);
    expect(last?.text).toMatch(/^Crash-loop storm in shop: 2 more workloads in one digest, 2 still crash looping\n/);
    expect(last?.text?.split('\n').slice(1)).toHaveLength(2);
    expect(last?.text).toMatch(/deployment\/\w+: .+, 3 pods/);
    // Email: the two incidents and the digest, once each.
    await waitFor('three mails', () => (w.smtp.mails.length >= 3 ? true : undefined));
    expect(w.smtp.mails).toHaveLength(3);
    expect(w.smtp.mails.filter((m) => m.text.includes('Crash-loop storm in shop'))).toHaveLength(1);
  });
  it("one sink has the incident's first message and another failed: the resend brings the failed sink the first message, once, and the other nothing again", async () => {
    const checkout = deploymentScenario({
      namespace: 'shop',
      name: 'checkout',
      replicas: 3,
      revisions: [{ image: 'checkout:1.0', minutesAgo: 9000 }],
      crashing: 2,
      now: new Date(),
    });
    const [first, second] = checkout.crashing as [string, string];
    const w = await startWorld({ kube: workloadFixtures(checkout), sinks: ['slack', 'teams'], alertmanager: { groupBy: ['cluster', 'namespace', 'pod'] } });
    await w.teams.setDown(true);

    // The first pod: Slack takes the incident's first message, Teams does not; Alertmanager will resend.
    await w.alertmanager.push(stockAlerts('shop', first));
    await waitFor('the Slack post', () => topLevel(w.slack)[0]);
    await w.alertmanager.waitForNotification('failed', 30_000);
    // The second pod of the workload, while Teams is still down: for Slack it joins the incident it has.
    await w.alertmanager.push(stockAlerts('shop', second));
    const named = (pod: string) => w.slack.messages.some((m) => JSON.stringify(m).includes(pod));
    await waitFor('the second pod in Slack', () => (named(second) ? true : undefined), 30_000);
    expect(w.teams.posts).toHaveLength(0);

    // Teams recovers; Alertmanager resends both groups.
    await w.teams.setDown(false);
    await waitFor('the Teams card', () => w.teams.posts[0], 40_000);
    await new Promise((r) => setTimeout(r, 3000));
    // Slack kept its one message: the second pod updated it and was named in its thread.
    expect(topLevel(w.slack)).toHaveLength(1);
    const thread = w.slack.messages.filter((m) => m.thread_ts === topLevel(w.slack)[0]?.ts && /is crash looping too/.test(m.text ?? ''));
    expect(thread.map((m) => m.text)).toEqual([expect.stringContaining(second)]);
    // Teams got the incident's first message, once: the whole message (cause, proof, fix), both pods counted.
    expect(w.teams.failedRuns).toEqual([]);
    expect(w.teams.posts).toHaveLength(1);
    const card = JSON.stringify(w.teams.posts[0]?.cards[0] ?? {});
    expect(card).toContain('2 of 3 pods of deployment/checkout crash looping');
    expect(card).toContain('kubectl');
    expect(card).not.toContain('Resolved');
  }, 90_000);
});

describe('a storm digest under partial failure (Slack takes it, Teams is down)', () => {
  it('the resend brings Teams the digest, once, and Slack nothing again; a later workload joins the same digest', async () => {
    const now = new Date();
    const [cart, search, orders] = ['cart', 'search', 'orders'].map((name) =>
      deploymentScenario({ namespace: 'shop', name, replicas: 2, revisions: [{ image: `${name}:1.0`, minutesAgo: 9000 }], crashing: 1, now }),
    ) as [ReturnType<typeof deploymentScenario>, ReturnType<typeof deploymentScenario>, ReturnType<typeof deploymentScenario>];
    const w = await startWorld({
      kube: workloadFixtures(cart, search, orders),
      sinks: ['slack', 'teams'],
      env: { STORM_THRESHOLD: '1' },
      alertmanager: { groupBy: ['cluster', 'namespace', 'pod'] },
    });
    const isDigest = (text: string | undefined) => /Crash-loop storm in shop/.test(text ?? '');
    const teamsCards = () => w.teams.posts.map((p) => JSON.stringify(p.cards[0] ?? {}));

    // The first workload: its own message, in both sinks.
    await w.alertmanager.push(stockAlerts('shop', cart.crashing[0] as string));
    await waitFor('the first incident in Teams', () => w.teams.posts[0], 30_000);
    // Teams goes down; the second workload opens the digest: Slack takes it, Teams does not.
    await w.teams.setDown(true);
    await w.alertmanager.push(stockAlerts('shop', search.crashing[0] as string));
    await waitFor('the digest in Slack', () => topLevel(w.slack).find((m) => isDigest(m.text)), 30_000);
    await w.alertmanager.waitForNotification('failed', 30_000);

    // Teams recovers; Alertmanager resends the second workload's group.
    await w.teams.setDown(false);
    await waitFor('a second Teams card', () => w.teams.posts[1], 40_000);
    await new Promise((r) => setTimeout(r, 3000));
    // Teams got the digest (not the workload's own message), once; Slack nothing new.
    expect(teamsCards()).toHaveLength(2);
    expect(isDigest(teamsCards()[1])).toBe(true);
    expect(topLevel(w.slack).filter((m) => isDigest(m.text))).toHaveLength(1);

    // A third workload joins the digest both sinks have: Slack's is edited, Teams (which cannot edit) gets nothing.
    await w.alertmanager.push(stockAlerts('shop', orders.crashing[0] as string));
    const digest = topLevel(w.slack).find((m) => isDigest(m.text));
    const edited = () => w.slack.messages.filter((m) => m.via === 'chat.update' && m.ts === digest?.ts && /deployment\/orders/.test(m.text ?? ''));
    await waitFor('the digest edited for the third workload', () => edited()[0], 30_000);
    await new Promise((r) => setTimeout(r, 2000));
    expect(topLevel(w.slack).filter((m) => isDigest(m.text))).toHaveLength(1);
    expect(topLevel(w.slack)).toHaveLength(2);
    expect(edited().at(-1)?.text).toMatch(/^Crash-loop storm in shop: 2 more workloads in one digest/);
    expect(teamsCards()).toHaveLength(2);
  }, 150_000);
});
