/**
 * Benchmark: the whole service on loopback, as `npm start` runs it (a child process, so its memory is
 * its own). Webhook requests (one alert each, as Alertmanager sends a group per pod) go through HTTP,
 * auth, schema, evidence from the fake API server with injected latency, diagnosis and delivery to a
 * webhook sink. Prints alerts/s, request latency and the service's peak RSS (VmHWM).
 *
 *   node_modules/.bin/node bench/webhook.ts [alerts=300] [concurrency=20] [apiLatencyMs=20]
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { crashLoopAlert, webhookPayload } from '../test/fixtures/alertmanager/payloads.ts';
import { KUBE_SCENARIO_NAMES, kubeFixture } from '../test/fixtures/kube/index.ts';
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
const service = spawn(process.execPath, ['src/main.ts'], {
  cwd: join(import.meta.dirname, '..'),
  env: {
    PATH: process.env['PATH'] ?? '',
    WEBHOOK_TOKEN: TOKEN,
    KUBECONFIG: api.kubeconfigPath,
    FORWARD_WEBHOOK_URL: `http://127.0.0.1:${(sink.address() as AddressInfo).port}/`,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'info', // the 'listening' line names the port
    NODE_OPTIONS: '--max-old-space-size=192', // as deploy/deployment.yaml runs it
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
let serviceOut = '';
const address = await new Promise<string>((resolve, reject) => {
  service.stdout.on('data', (d: Buffer) => {
    serviceOut += d.toString();
    const m = /"address":"(http:\/\/[^"]+)"/.exec(serviceOut);
    if (m?.[1] !== undefined) resolve(m[1]);
  });
  service.once('exit', (code) => reject(new Error(`the service exited (${code}) before listening`)));
});
const memory = (field: 'VmHWM' | 'VmRSS'): number =>
  Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${service.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
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
console.log(`${alerts} alerts, ${concurrency} requests in flight, API latency ${latencyMs} ms, KUBE_MAX_IN_FLIGHT 10 (default)`);
console.log(
  `wall ${wallMs.toFixed(0)} ms → ${Math.round(alerts / (wallMs / 1000))} alerts/s; non-200 answers: ${failures}; delivered to the sink: ${delivered}`,
);
console.log(`request latency: p50 ${pct(50)}, p90 ${pct(90)}, p99 ${pct(99)}`);
console.log(
  `API calls: ${api.requests.length} (${(api.requests.length / alerts).toFixed(2)} per alert), ideal wall ${((api.requests.length / 10) * latencyMs).toFixed(0)} ms`,
);
console.log(
  `service memory: idle RSS ${idleRss.toFixed(0)} MiB, peak RSS ${memory('VmHWM').toFixed(0)} MiB (deploy/deployment.yaml: request 192 MiB, limit 384 MiB)`,
);

service.kill('SIGTERM');
await new Promise((resolve) => service.once('exit', resolve));
await api.close();
sink.close();
