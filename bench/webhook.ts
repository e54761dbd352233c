/**
 * Benchmark: the whole service on loopback. Webhook requests (one alert each, as Alertmanager sends a
 * group per pod) go through HTTP, auth, schema, evidence from the fake API server with injected
 * latency, diagnosis and delivery to a webhook sink. Prints alerts/s, request latency and peak RSS.
 *
 *   node_modules/.bin/node bench/webhook.ts [alerts=300] [concurrency=20] [apiLatencyMs=20]
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { loadConfig } from '../src/config.ts';
import { wireService } from '../src/wire.ts';
import { KUBE_SCENARIO_NAMES, kubeFixture } from '../test/fixtures/kube/index.ts';
import { crashLoopAlert, webhookPayload } from '../test/support/alertmanager-payloads.ts';
import { startFakeKubeApi } from '../test/support/fake-kube-api.ts';

const [alerts = 300, concurrency = 20, latencyMs = 20] = process.argv.slice(2).map(Number);
const TOKEN = 'bench-token';

const api = await startFakeKubeApi({ latencyMs });
let delivered = 0;
const sink = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    delivered++;
    res.writeHead(200).end();
  });
});
await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
const result = loadConfig({
  WEBHOOK_TOKEN: TOKEN,
  KUBECONFIG: api.kubeconfigPath,
  FORWARD_WEBHOOK_URL: `http://127.0.0.1:${(sink.address() as AddressInfo).port}/`,
});
if (!result.ok) throw new Error(result.errors.join('\n'));
const service = await wireService(result.config, pino({ level: 'silent' }));
const address = await service.app.listen({ host: '127.0.0.1', port: 0 });

// One pod per alert (copies of the scenario pods), so that no alert folds into another's incident.
const scenarios = KUBE_SCENARIO_NAMES.map(kubeFixture);
const bodies = Array.from({ length: alerts }, (_, i) => {
  const f = scenarios[i % scenarios.length]!;
  const pod = `${f.podName}-${i}`;
  api.setPod({ ...f.rawPod, metadata: { ...(f.rawPod['metadata'] as object), name: pod } });
  if (f.previousLog !== undefined) api.setLog({ namespace: f.namespace, pod, container: f.container, previous: f.previousLog });
  const t = { namespace: f.namespace, pod, container: f.container };
  const alert = crashLoopAlert({ fingerprint: i.toString(16).padStart(16, '0'), labels: { namespace: t.namespace, pod: t.pod, container: t.container } });
  return JSON.stringify(webhookPayload([alert], { groupKey: `{}:{pod="${t.pod}",i="${i}"}` }));
});

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 10);
const latencies: number[] = [];
let next = 0;
let failures = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < bodies.length) {
      const body = bodies[next++]!;
      const t = performance.now();
      const res = await fetch(`${address}/alerts`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body });
      await res.arrayBuffer();
      if (res.status !== 200) failures++;
      latencies.push(performance.now() - t);
    }
  }),
);
const wallMs = performance.now() - started;
clearInterval(sampler);
latencies.sort((a, b) => a - b);
const pct = (p: number): string => `${(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0).toFixed(0)} ms`;
console.log(`${alerts} alerts, ${concurrency} requests in flight, API latency ${latencyMs} ms, KUBE_MAX_IN_FLIGHT ${result.config.kube.maxInFlight}`);
console.log(
  `wall ${wallMs.toFixed(0)} ms → ${Math.round(alerts / (wallMs / 1000))} alerts/s; non-200 answers: ${failures}; delivered to the sink: ${delivered}`,
);
console.log(`request latency: p50 ${pct(50)}, p90 ${pct(90)}, p99 ${pct(99)}`);
console.log(
  `API calls: ${api.requests.length} (${(api.requests.length / alerts).toFixed(2)} per alert); peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB (fake API server in the same process)`,
);

await service.app.close();
await service.close();
await api.close();
sink.close();
