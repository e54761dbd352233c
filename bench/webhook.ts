/**
 * Benchmark: the whole service on loopback, as `npm start` runs it (a child process, so its memory is
 * its own) with the Deployment's NODE_OPTIONS and MALLOC_ARENA_MAX. Webhook requests (one alert each, as Alertmanager sends a group per pod) go through HTTP,
 * auth, schema, evidence from the fake API server with injected latency, diagnosis and delivery to a
 * webhook sink. Prints alerts/s, request latency and the service's peak RSS (VmHWM).
 *
 *   node_modules/.bin/node bench/webhook.ts [alerts=300] [concurrency=20] [apiLatencyMs=20]
 */
import { crashLoopAlert, webhookPayload } from '../test/fixtures/alertmanager/payloads.ts';
import { KUBE_SCENARIO_NAMES, kubeFixture } from '../test/fixtures/kube/index.ts';
import { startFakeKubeApi } from '../test/support/fake-kube-api.ts';
import { deploymentEnv, startCountingSink, startService, TOKEN } from './_service.ts';

const [alerts = 300, concurrency = 20, latencyMs = 20] = process.argv.slice(2).map(Number);

const api = await startFakeKubeApi({ latencyMs });
const sink = await startCountingSink();
// The memory settings deploy/deployment.yaml gives the service (NODE_OPTIONS, MALLOC_ARENA_MAX).
const memoryEnv = deploymentEnv();
const service = await startService({ KUBECONFIG: api.kubeconfigPath, FORWARD_WEBHOOK_URL: sink.url, ...memoryEnv });
const address = service.address;
const memory = service.memory;
const idleRss = memory('VmRSS');

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
latencies.sort((a, b) => a - b);
const pct = (p: number): string => `${(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0).toFixed(0)} ms`;
const delivered = [...sink.byFingerprint.values()].reduce((n, c) => n + c, 0);
console.log(
  Object.entries(memoryEnv)
    .map(([k, v]) => `${k}="${v}"`)
    .join(' ') || 'no memory settings',
);
console.log(`${alerts} alerts, ${concurrency} requests in flight, API latency ${latencyMs} ms, KUBE_MAX_IN_FLIGHT 10 (default)`);
console.log(
  `wall ${wallMs.toFixed(0)} ms → ${Math.round(alerts / (wallMs / 1000))} alerts/s; non-200 answers: ${failures}; delivered to the sink: ${delivered}`,
);
console.log(`request latency: p50 ${pct(50)}, p90 ${pct(90)}, p99 ${pct(99)}`);
console.log(
  `API calls: ${api.requests.length} (${(api.requests.length / alerts).toFixed(2)} per alert), ideal wall ${((api.requests.length / 10) * latencyMs).toFixed(0)} ms`,
);
console.log(`service memory: idle RSS ${idleRss.toFixed(0)} MiB, peak RSS ${memory('VmHWM').toFixed(0)} MiB`);

await service.stop();
await api.close();
sink.close();
