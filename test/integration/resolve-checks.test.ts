/**
 * A resolve that checks, end to end: the real Alertmanager fires, then resolves, while the fake API's
 * pod is healthy, gone, replaced by a new pod of its Deployment, or still crash looping; the service
 * reads the pod once on resolve (and, when it is gone, lists its owner's pods once by the owner's
 * selector) and the firing Slack message (chat.update) and the resolved email say which.
 */

import { describe, expect, it } from 'vitest';
import { kubeFixture } from '../fixtures/kube/index.ts';
import { waitFor } from '../support/alertmanager.ts';
import { recoveredPod, scenarioObjects } from '../support/kube-fixtures.ts';
import { startWorld } from '../support/world.ts';

const fixture = kubeFixture('deployment-oomkilled');
const POD = fixture.podName;
const alert = {
  labels: {
    alertname: 'KubePodCrashLooping',
    namespace: fixture.namespace,
    pod: POD,
    container: fixture.container,
    reason: 'CrashLoopBackOff',
    severity: 'warning',
  },
  annotations: { summary: `Pod ${fixture.namespace}/${POD} is crash looping.` },
};

/** The fixture's pod (and `objects`) in the API, Slack (Web API) and email as sinks. */
const world = (objects: object[] = []) => startWorld({ kube: { ...scenarioObjects(['deployment-oomkilled']), objects }, sinks: ['slack', 'smtp'] });

type World = Awaited<ReturnType<typeof world>>;

/** Fires, lets the world change, resolves; returns the firing post's update and the resolved mail. */
async function fireThenResolve(change: (w: World) => void, objects: object[] = []) {
  const w = await world(objects);
  const startsAt = new Date(Date.now() - 47 * 60_000).toISOString();
  await w.alertmanager.push([{ ...alert, startsAt }]);
  const post = await waitFor('the Slack post', () => w.slack.messages.find((m) => m.via === 'chat.postMessage' && m.thread_ts === undefined));
  await waitFor('the firing mail', () => w.smtp.mails[0]);
  const podReadsBefore = w.api.requests.filter((r) => r.path.endsWith(`/pods/${POD}`)).length;

  change(w);
  await w.alertmanager.push([{ ...alert, startsAt, endsAt: new Date().toISOString() }]);
  const update = await waitFor('the Slack update', () => w.slack.messages.find((m) => m.via === 'chat.update'));
  expect(update.ts).toBe(post.ts);
  const mail = await waitFor('the resolved mail', () => w.smtp.mails.find((m) => m.subject.startsWith('[RESOLVED')));
  // Read once on resolve: the pod, nothing else.
  expect(w.api.requests.filter((r) => r.path.endsWith(`/pods/${POD}`)).length).toBe(podReadsBefore + 1);
  return { update: { text: update.text, blocks: JSON.stringify(update.blocks) }, mail, requests: w.api.requests };
}

/** The fixture pod's Deployment, as the API serves it: its selector is what the resolve lists pods by. */
const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'billing-api', namespace: fixture.namespace, uid: '9a1f2c3d-0b4e-4f5a-8c6d-7e8f9a0b1c2d', generation: 3 },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'billing-api' } },
    template: {
      metadata: { labels: { app: 'billing-api' } },
      spec: { containers: [{ name: fixture.container, image: 'registry.acme.internal:5000/billing/api:latest' }] },
    },
  },
  status: { replicas: 1, readyReplicas: 0 },
};

/** A new pod of the same ReplicaSet, created and running since `startedAt` (what the ReplicaSet makes after a delete). */
function replacementPod(name: string, startedAt: Date): Record<string, unknown> {
  const pod = recoveredPod(fixture.rawPod, startedAt, 0) as { metadata: Record<string, unknown> };
  pod.metadata = { ...pod.metadata, name, uid: 'c0ffee00-1111-4222-8333-444455556666', creationTimestamp: startedAt.toISOString() };
  return pod;
}

describe('a resolved alert says how the pod is now', () => {
  it('(a) healthy: running and ready, with no restart since it fired', async () => {
    const restarts = (fixture.rawPod as { status: { containerStatuses: { restartCount: number }[] } }).status.containerStatuses[0]?.restartCount ?? 0;
    const { update, mail } = await fireThenResolve((w) => w.api.setPod(recoveredPod(fixture.rawPod, new Date(Date.now() - 12 * 60_000), restarts)));
    expect(update.text).toMatch(/^✅ Resolved after 47m/);
    expect(update.blocks).toContain('Running for 12m, 0 restarts since');
    expect(mail.subject).toMatch(/^\[RESOLVED\] /);
    expect(mail.text).toContain('Running for 12m, 0 restarts since');
  }, 60_000);

  it('(b) gone: the pod is deleted, and its owner was never read', async () => {
    const { update, mail } = await fireThenResolve((w) => w.api.deletePod(fixture.namespace, POD));
    expect(update.text).toMatch(/^✅ Resolved after 47m/);
    expect(update.blocks).toContain(`pod ${POD} is gone (replaced or deleted)`);
    expect(mail.subject).toMatch(/^\[RESOLVED\] /);
    expect(mail.text).toContain(`pod ${POD} is gone (replaced or deleted)`);
  }, 60_000);

  it('(d) replaced: the pod is gone and a new pod of its ReplicaSet runs and is ready', async () => {
    const NEW = 'billing-api-5f6c7d8b9-n7x2k';
    const { update, mail, requests } = await fireThenResolve(
      (w) => {
        w.api.deletePod(fixture.namespace, POD);
        w.api.setPod(replacementPod(NEW, new Date(Date.now() - 11 * 60_000)));
      },
      [deployment],
    );
    expect(update.text).toMatch(/^✅ Resolved after 47m/);
    expect(update.blocks).toContain(`replaced by pod ${NEW} (Running for 11m, ready)`);
    expect(mail.subject).toMatch(/^\[RESOLVED\] /);
    expect(mail.text).toContain(`replaced by pod ${NEW} (Running for 11m, ready)`);
    // One list of the owner's pods, by the Deployment's selector, bounded.
    const lists = requests.filter((r) => r.path === `/api/v1/namespaces/${fixture.namespace}/pods`);
    expect(lists.map((r) => r.query)).toEqual([{ labelSelector: 'app=billing-api', limit: '100' }]);
  }, 60_000);

  it("(e) the list of the owner's pods fails: the resolve still goes out, with the problem shown", async () => {
    const { update, mail } = await fireThenResolve(
      (w) => {
        w.api.deletePod(fixture.namespace, POD);
        w.api.failNext(new RegExp(`^/api/v1/namespaces/${fixture.namespace}/pods$`), 503);
      },
      [deployment],
    );
    expect(update.text).toMatch(/^✅ Resolved after 47m/);
    expect(update.blocks).toContain(`pod ${POD} is gone (replaced or deleted); the pods of deployment/billing-api could not be listed`);
    expect(mail.subject).toMatch(/^\[RESOLVED\] /);
    expect(mail.text).toContain('the pods of deployment/billing-api could not be listed on resolve');
  }, 60_000);

  it('(c) still crash looping: the alert resolved but the pod still waits in CrashLoopBackOff', async () => {
    const { update, mail } = await fireThenResolve(() => {});
    expect(update.text).toMatch(/^⚠️ Resolved after 47m/);
    expect(update.blocks).toContain(`the alert resolved but ${POD} (container ${fixture.container}) is still in CrashLoopBackOff`);
    expect(mail.subject).toMatch(/^\[RESOLVED, STILL FAILING\] /);
    expect(mail.text).toContain('is still in CrashLoopBackOff');
  }, 60_000);
});
