/**
 * The storm's call budget through the service as main.ts wires it, counted by the fake API server
 * (20 ms per call): 30 crash-looping pods of three Deployments, one alert per request (Alertmanager
 * grouping by pod), 20 requests at once. At most 3 namespaced calls per alert, every alert delivered
 * once, and each message diagnosing its own pod exactly as when that pod's alert came alone (one
 * service reading the pods one by one, a fresh one for the storm).
 */
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import type { DiagnosisDocument } from '../../src/diagnosis/document.ts';
import { wireService } from '../../src/wire.ts';
import { crashLoopAlert, webhookPayload } from '../fixtures/alertmanager/payloads.ts';
import { deploymentScenario } from '../fixtures/kube/workloads.ts';
import { waitFor } from '../support/alertmanager.ts';
import { type FakeKubeApi, startFakeKubeApi } from '../support/fake-kube-api.ts';
import { startWebhookCapture, type WebhookCapture } from '../support/webhook-capture.ts';

const TOKEN = 'storm-calls-token-7e2b';
const now = new Date();
const revisions = [
  { image: 'registry.acme.io/app:1.0', minutesAgo: 60 * 24 },
  { image: 'registry.acme.io/app:1.1', minutesAgo: 20 },
];
const scenarios = ['cart', 'search', 'orders'].map((name) => deploymentScenario({ namespace: 'storm', name, replicas: 11, revisions, crashing: 10, now }));
const pods = scenarios.flatMap((s) => s.crashing);

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startApi(): Promise<FakeKubeApi> {
  const api = await startFakeKubeApi({
    latencyMs: 20,
    objects: scenarios.flatMap((s) => s.objects),
    pods: scenarios.flatMap((s) => s.pods),
    events: scenarios.flatMap((s) => s.events),
    logs: scenarios.flatMap((s) => s.logs),
  });
  cleanups.push(() => api.close());
  return api;
}

/** A service as main.ts wires it (KUBE_MAX_IN_FLIGHT 10 by default), posting to `hook`; returns how to send one pod's alert. */
async function startService(api: FakeKubeApi, hook: WebhookCapture): Promise<(pod: string, seq: number) => Promise<number>> {
  const loaded = loadConfig({
    WEBHOOK_TOKEN: TOKEN,
    KUBECONFIG: api.kubeconfigPath,
    FORWARD_WEBHOOK_URL: hook.url,
    STORM_THRESHOLD: '1000',
    LOG_LEVEL: 'silent',
  });
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  const service = await wireService(loaded.config, pino({ level: 'silent' }));
  cleanups.push(async () => {
    await service.app.close();
    await service.close();
  });
  const address = await service.app.listen({ host: '127.0.0.1', port: 0 });
  return async (pod, seq) => {
    const alert = crashLoopAlert({ fingerprint: seq.toString(16).padStart(16, '0'), labels: { namespace: 'storm', pod, container: 'app' } });
    const res = await fetch(`${address}/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(webhookPayload([alert], { groupKey: `{}:{namespace="storm",pod="${pod}"}` })),
    });
    await res.arrayBuffer();
    return res.status;
  };
}

/** What a message says about its own pod: everything but the incident, which depends on what came before. */
const aboutThePod = (d: DiagnosisDocument) => ({
  target: d.target,
  cause: d.cause,
  evidence: d.evidence,
  logs: d.logs,
  remedies: d.remedies,
  problems: d.problems,
});
const byPod = (hook: WebhookCapture): Map<string, DiagnosisDocument[]> =>
  Map.groupBy(
    hook.accepted.map((r) => r.body as DiagnosisDocument),
    (d) => d.target.pod,
  );

describe('a 30-alert storm over three Deployments', () => {
  it('costs at most 3 namespaced calls per alert, delivers every alert once, and diagnoses each pod as when it came alone', async () => {
    const aloneApi = await startApi();
    const aloneHook = await startWebhookCapture();
    cleanups.push(() => aloneHook.close());
    const sendAlone = await startService(aloneApi, aloneHook);
    for (const [i, pod] of pods.entries()) expect(await sendAlone(pod, i)).toBe(200);
    await waitFor('every message of the pods alone', () => (aloneHook.accepted.length >= pods.length ? true : undefined));
    // Alone, every pod read is its own get.
    expect(aloneApi.requests.filter((r) => r.resource === 'pods')).toHaveLength(pods.length);

    const api = await startApi();
    const hook = await startWebhookCapture();
    cleanups.push(() => hook.close());
    const send = await startService(api, hook);
    let next = 0;
    const statuses: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (next < pods.length) {
          const i = next++;
          statuses.push(await send(pods[i] as string, 1000 + i));
        }
      }),
    );
    expect(statuses.every((s) => s === 200)).toBe(true);
    await waitFor('every message of the storm', () => (hook.accepted.length >= pods.length ? true : undefined));

    const namespaced = api.requests.filter((r) => r.path.includes('/namespaces/'));
    const by = Object.groupBy(namespaced, (r) => r.resource);
    expect(namespaced.length / pods.length).toBeLessThanOrEqual(3);
    // Each pod's own log and events; each owner once; the pods partly by shared lists.
    expect(by['pods/log']).toHaveLength(pods.length);
    expect(by.events).toHaveLength(pods.length);
    expect(by.deployments).toHaveLength(scenarios.length);
    expect(by.pods?.length).toBeLessThan(pods.length);
    expect(by.pods?.some((r) => r.path.endsWith('/pods') && r.query['labelSelector']?.startsWith('pod-template-hash=') === true)).toBe(true);

    const storm = byPod(hook);
    const alone = byPod(aloneHook);
    for (const pod of pods) {
      expect(storm.get(pod)).toHaveLength(1);
      expect(aboutThePod(storm.get(pod)?.[0] as DiagnosisDocument)).toEqual(aboutThePod(alone.get(pod)?.[0] as DiagnosisDocument));
    }
  });
});
