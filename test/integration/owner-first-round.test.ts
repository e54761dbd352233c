/**
 * The owner read in the first round, through the service as main.ts wires it, against the fake API
 * server (100 ms per call) whose request log records when each call arrived and was answered:
 * for the pods of a Deployment, a StatefulSet, a DaemonSet and a Job, the owner's reads arrive
 * before the pod read is answered; a pod whose name follows no convention (a bare pod named like a
 * StatefulSet's, a custom controller's, a pod whose name says another owner than its
 * ownerReferences) gets its owner facts a round later, and no wrong guess reaches the message.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import type { DiagnosisDocument } from '../../src/diagnosis/document.ts';
import { type Service, wireService } from '../../src/wire.ts';
import { crashLoopAlert, webhookPayload } from '../fixtures/alertmanager/payloads.ts';
import { kubeFixture, type RawObject } from '../fixtures/kube/index.ts';
import { deploymentScenario, setScenario, type WorkloadScenario } from '../fixtures/kube/workloads.ts';
import { waitFor } from '../support/alertmanager.ts';
import { type FakeKubeApi, type FakeRequest, startFakeKubeApi } from '../support/fake-kube-api.ts';
import { startWebhookCapture, type WebhookCapture } from '../support/webhook-capture.ts';

const TOKEN = 'owner-round-token-5d1e';
const LATENCY_MS = 100;
const now = new Date();
const revisions = [
  { image: 'registry.acme.io/app:1.0', minutesAgo: 60 * 24 },
  { image: 'registry.acme.io/app:1.1', minutesAgo: 15 },
];

const checkout = deploymentScenario({ namespace: 'shop', name: 'checkout', replicas: 3, revisions, crashing: 1, now });
const ledger = setScenario({ kind: 'StatefulSet', namespace: 'data', name: 'ledger', replicas: 3, revisions, crashing: 1, now });
const agent = setScenario({ kind: 'DaemonSet', namespace: 'monitoring', name: 'log-agent', replicas: 4, revisions, crashing: 1, now });
/** The Deployment the misnamed pod's name points at: read on the guess, and never in the message. */
const orders = deploymentScenario({ namespace: 'shop', name: 'orders', replicas: 2, revisions, crashing: 1, now });
const storefront = deploymentScenario({ namespace: 'shop', name: 'storefront', replicas: 2, revisions, crashing: 1, now });

/** The job-start-error fixture's pod (Job nightly-report-28912345, from a CronJob) and its Job. */
const cron = kubeFixture('job-start-error');
const cronJob: RawObject = {
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: {
    name: 'nightly-report-28912345',
    namespace: cron.namespace,
    uid: 'b3c0e7a4-2f6d-4e1b-9c8a-7d5e3f1a2b4c',
    ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly-report', uid: 'c1', controller: true }],
  },
  spec: { selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'b3c0e7a4-2f6d-4e1b-9c8a-7d5e3f1a2b4c' } } },
  status: { active: 1 },
};

/** A copy of `scenario`'s crashing pod named `name`, with `owners` as its ownerReferences. */
function renamed(scenario: WorkloadScenario, namespace: string, name: string, owners?: RawObject[]): { pod: RawObject; log: object } {
  const pod = structuredClone(scenario.pods[0]) as { metadata: RawObject };
  pod.metadata = { ...pod.metadata, name, namespace, ...(owners === undefined ? {} : { ownerReferences: owners }) };
  if (owners?.length === 0) delete pod.metadata['ownerReferences'];
  return { pod, log: { ...(scenario.logs[0] as object), namespace, pod: name } };
}
// A bare pod named like a StatefulSet's: guessed as statefulset/web, which does not exist.
const bare = renamed(checkout, 'shop', 'web-1', []);
// A custom controller's pod (OpenKruise CloneSet: <name>-<5 chars>): guessed as a DaemonSet or Job.
const cloned = renamed(checkout, 'shop', 'cache-x2k4q', [
  { apiVersion: 'apps.kruise.io/v1alpha1', kind: 'CloneSet', name: 'cache', uid: 'k1', controller: true },
]);
// Named like a pod of orders, owned by storefront's ReplicaSet: the name says orders, the pod storefront.
const storefrontSet = (storefront.pods[0] as { metadata: { ownerReferences: RawObject[]; labels: Record<string, string> } }).metadata;
const misnamedPod = renamed(storefront, 'shop', `orders-${storefrontSet.labels['pod-template-hash']}-q2w4z`);
// A Deployment's pod whose name follows no convention: its owner known only from the pod.
const canary = deploymentScenario({ namespace: 'shop', name: 'payments-api', replicas: 2, revisions, crashing: 1, now });
const canaryPod = renamed(canary, 'shop', 'payments-api-canary');

let api: FakeKubeApi;
let hook: WebhookCapture;
let service: Service;
let address: string;

beforeAll(async () => {
  const scenarios = [checkout, ledger, agent, orders, storefront, canary];
  api = await startFakeKubeApi({
    latencyMs: LATENCY_MS,
    objects: [...scenarios.flatMap((s) => s.objects), cronJob],
    pods: [...scenarios.flatMap((s) => s.pods), cron.rawPod, bare.pod, cloned.pod, misnamedPod.pod, canaryPod.pod],
    events: scenarios.flatMap((s) => s.events),
    logs: [...scenarios.flatMap((s) => s.logs), bare.log, cloned.log, misnamedPod.log, canaryPod.log] as never,
  });
  hook = await startWebhookCapture();
  const loaded = loadConfig({ WEBHOOK_TOKEN: TOKEN, KUBECONFIG: api.kubeconfigPath, FORWARD_WEBHOOK_URL: hook.url, LOG_LEVEL: 'silent' });
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  service = await wireService(loaded.config, pino({ level: 'silent' }));
  address = await service.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await service?.app.close();
  await service?.close();
  await Promise.all([api?.close(), hook?.close()]);
});

let seq = 0;
/** Posts one alert about the pod as Alertmanager would, and returns its message and the calls it cost. */
async function alertAbout(namespace: string, pod: string, container = 'app'): Promise<{ doc: DiagnosisDocument; calls: FakeRequest[] }> {
  const before = api.requests.length;
  const fingerprint = (0xab00 + seq++).toString(16).padStart(16, '0');
  const alert = crashLoopAlert({ fingerprint, labels: { namespace, pod, container, uid: '' } });
  const res = await fetch(`${address}/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify(webhookPayload([alert], { groupKey: `{}:{pod="${pod}"}` })),
  });
  expect(res.status).toBe(200);
  const doc = await waitFor(
    `the message of ${pod}`,
    () => hook.accepted.map((r) => r.body as DiagnosisDocument).find((d) => d.alert.fingerprint === fingerprint),
    5000,
  );
  return { doc, calls: api.requests.slice(before) };
}

const OWNER_RESOURCES = new Set(['deployments', 'replicasets', 'statefulsets', 'daemonsets', 'controllerrevisions', 'jobs']);
const podRead = (calls: FakeRequest[], pod: string) => calls.find((c) => c.resource === 'pods' && c.path.endsWith(`/pods/${pod}`)) as FakeRequest;
const ownerCalls = (calls: FakeRequest[]) => calls.filter((c) => OWNER_RESOURCES.has(c.resource));
const shown = (calls: FakeRequest[]) => calls.map((c) => `${c.resource} ${c.path.split('/').slice(-1)[0]}`).sort();

describe('owner reads start with the pod read', () => {
  it.each([
    ['Deployment', () => checkout, 'shop', ['deployments checkout', 'replicasets replicasets'], 'deployment/checkout'],
    ['StatefulSet', () => ledger, 'data', ['controllerrevisions controllerrevisions', 'statefulsets ledger'], 'statefulset/ledger'],
    ['DaemonSet', () => agent, 'monitoring', ['controllerrevisions controllerrevisions', 'daemonsets log-agent', 'jobs log-agent'], 'daemonset/log-agent'],
  ])("%s's pod: the owner and its revisions are asked for before the pod is answered", async (_kind, scenario, namespace, asked, workload) => {
    const pod = scenario().crashing[0] as string;
    const { doc, calls } = await alertAbout(namespace, pod);
    const owners = ownerCalls(calls);
    expect(shown(owners)).toEqual(asked);
    for (const call of owners) expect(call.arrivedAt).toBeLessThan(podRead(calls, pod).answeredAt ?? 0);
    expect(doc.incident?.workload && `${doc.incident.workload.kind.toLowerCase()}/${doc.incident.workload.name}`).toBe(workload);
    expect(doc.target.ownerSelector).toBe(`app=${workload.split('/')[1]}`);
    // The DaemonSet's name could have been a Job's: that guess's 404 is not in the message.
    expect(doc.problems).toEqual([]);
  });

  it("a CronJob's Job's pod: the Job is asked for before the pod is answered, and the CronJob is the workload", async () => {
    const { doc, calls } = await alertAbout(cron.namespace, cron.podName, cron.container);
    expect(shown(ownerCalls(calls))).toEqual(['jobs nightly-report-28912345']);
    expect(ownerCalls(calls)[0]?.arrivedAt).toBeLessThan(podRead(calls, cron.podName).answeredAt ?? 0);
    expect(doc.incident?.workload).toEqual({ kind: 'CronJob', name: 'nightly-report' });
    expect(doc.problems.filter((p) => p.message.includes('job'))).toEqual([]);
  });

  it('a second pod of a workload read moments ago costs no owner read', async () => {
    const second = deploymentScenario({ namespace: 'shop', name: 'checkout', replicas: 3, revisions, crashing: 2, now }).pods[1] as {
      metadata: { name: string };
    };
    api.setPod(second);
    const { doc, calls } = await alertAbout('shop', second.metadata.name);
    expect(ownerCalls(calls)).toEqual([]);
    expect(doc.target.ownerSelector).toBe('app=checkout');
  });
});

describe('a pod whose name follows no convention still gets its owner facts, a round later', () => {
  it("a Deployment's pod named payments-api-canary: the owner is read once the pod names it", async () => {
    const { doc, calls } = await alertAbout('shop', 'payments-api-canary');
    const owners = ownerCalls(calls);
    expect(shown(owners)).toEqual(['deployments payments-api', 'replicasets replicasets']);
    for (const call of owners) expect(call.arrivedAt).toBeGreaterThanOrEqual(podRead(calls, 'payments-api-canary').answeredAt ?? Infinity);
    expect(doc.incident?.workload).toEqual({ kind: 'Deployment', name: 'payments-api' });
    expect(doc.target.ownerSelector).toBe('app=payments-api');
  });

  it('a pod named like one of orders but owned by storefront: the guess is dropped, storefront is read and named, orders never', async () => {
    const pod = (misnamedPod.pod as { metadata: { name: string } }).metadata.name;
    const { doc, calls } = await alertAbout('shop', pod);
    expect(shown(ownerCalls(calls))).toEqual(['deployments orders', 'deployments storefront', 'replicasets replicasets', 'replicasets replicasets']);
    const right = ownerCalls(calls).find((c) => c.path.endsWith('/storefront'));
    expect(right?.arrivedAt).toBeGreaterThanOrEqual(podRead(calls, pod).answeredAt ?? Infinity);
    expect(doc.incident?.workload).toEqual({ kind: 'Deployment', name: 'storefront' });
    expect(doc.target.ownerSelector).toBe('app=storefront');
    const { target, alert, ...rest } = doc;
    expect(JSON.stringify(rest)).not.toContain('deployment/orders');
    expect(JSON.stringify(rest)).not.toMatch(/"orders"/);
  });

  it('a bare pod named like a StatefulSet’s: the guess’s 404 is dropped, the pod is its own workload', async () => {
    const { doc, calls } = await alertAbout('shop', 'web-1');
    expect(shown(ownerCalls(calls))).toEqual(['controllerrevisions controllerrevisions', 'statefulsets web']);
    expect(doc.problems).toEqual([]);
    expect(doc.incident?.workload).toEqual({ kind: 'Pod', name: 'web-1' });
    expect(JSON.stringify(doc)).not.toContain('statefulset');
  });

  it("a custom controller's pod: the guesses are dropped, the CloneSet is the workload, nothing about a DaemonSet or Job is said", async () => {
    const { doc } = await alertAbout('shop', 'cache-x2k4q');
    expect(doc.problems).toEqual([]);
    expect(doc.incident?.workload).toEqual({ kind: 'CloneSet', name: 'cache' });
    expect(JSON.stringify(doc)).not.toMatch(/daemonset|job\//i);
  });
});
