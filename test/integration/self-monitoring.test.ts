/**
 * crashtriage watching itself, end to end: the service as `npm start` runs it, a webhook sink that
 * answers 404 for good (a revoked endpoint), and a real Prometheus (Debian's package) scraping the
 * service every second and evaluating alerts/crashtriage-receiver-rules.yaml. The refused message
 * raises the failure counter on /metrics, and CrashtriageDeliveryRefused fires; before it, the
 * rule is quiet although Prometheus has been scraping.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crashLoopAlert, webhookPayload } from '../fixtures/alertmanager/payloads.ts';
import { waitFor } from '../support/alertmanager.ts';
import { type FakeKubeApi, startFakeKubeApi } from '../support/fake-kube-api.ts';
import { scenarioObjects } from '../support/kube-fixtures.ts';
import { type RunningPrometheus, startScrapingPrometheus } from '../support/prometheus.ts';
import { extractRuleGroups } from '../support/promtool.ts';
import { type ServiceProcess, startServiceProcess } from '../support/service-process.ts';
import { startWebhookCapture, type WebhookCapture } from '../support/webhook-capture.ts';

const TOKEN = 'self-monitoring-token-4f1e';

let api: FakeKubeApi;
let sink: WebhookCapture;
let service: ServiceProcess;
let address: string;
let prometheus: RunningPrometheus;

beforeAll(async () => {
  api = await startFakeKubeApi(scenarioObjects(['deployment-crashloop']));
  sink = await startWebhookCapture();
  service = await startServiceProcess({
    WEBHOOK_TOKEN: TOKEN,
    KUBECONFIG: api.kubeconfigPath,
    FORWARD_WEBHOOK_URL: sink.url,
    LOG_LEVEL: 'info',
  });
  address = service.address;
  prometheus = await startScrapingPrometheus({
    job: 'crashtriage',
    targets: [new URL(address).host],
    ruleGroups: extractRuleGroups(['alerts/crashtriage-receiver-rules.yaml']),
    intervalSeconds: 1,
  });
}, 60_000);

afterAll(async () => {
  await prometheus?.stop();
  await service?.stop();
  await sink?.close();
  await api?.close();
});

const metrics = async (): Promise<string> => (await fetch(`${address}/metrics`)).text();
const refusedCount = async (): Promise<number> =>
  Number(/crashtriage_deliveries_total\{sink="webhook",outcome="permanent_failure"\} (\d+)/.exec(await metrics())?.[1]);

interface PromAlert {
  labels: Record<string, string>;
  state: string;
}
const alerts = async (): Promise<PromAlert[]> =>
  ((await (await fetch(`${prometheus.url}/api/v1/alerts`)).json()) as { data: { alerts: PromAlert[] } }).data.alerts;
const scrapedUp = async (): Promise<boolean> => {
  const body = (await (await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent('up{job="crashtriage"}')}`)).json()) as {
    data: { result: Array<{ value: [number, string] }> };
  };
  return body.data.result[0]?.value[1] === '1';
};

describe('a sink that refuses for good', () => {
  it('is quiet while nothing failed, although Prometheus scrapes the zero counter', async () => {
    await waitFor('Prometheus scraping crashtriage', async () => ((await scrapedUp()) ? true : undefined), 20_000);
    expect(await refusedCount()).toBe(0);
    // Two more evaluation intervals: a rule that fired on the zero counter would show by now.
    await new Promise((r) => setTimeout(r, 2_500));
    expect((await alerts()).filter((a) => a.labels['alertname'] === 'CrashtriageDeliveryRefused')).toEqual([]);
  });

  it('raises the failure counter on /metrics, and CrashtriageDeliveryRefused fires for that sink', async () => {
    sink.failNext(404, 10);
    const alert = crashLoopAlert({ labels: { namespace: 'default', pod: 'web-7d4b9c8f6-x2kqp', container: 'app' } });
    const response = await fetch(`${address}/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(webhookPayload([alert])),
    });
    // A permanent refusal is not retried by Alertmanager: the answer is 200, and the loss shows only in the metrics.
    expect(response.status).toBe(200);
    expect(sink.requestCount()).toBeGreaterThan(0);
    expect(await refusedCount()).toBe(1);
    const firing = await waitFor(
      'CrashtriageDeliveryRefused firing',
      async () => (await alerts()).find((a) => a.labels['alertname'] === 'CrashtriageDeliveryRefused' && a.state === 'firing'),
      20_000,
    );
    expect(firing.labels).toMatchObject({ sink: 'webhook', job: 'crashtriage', severity: 'warning' });
  });
});
