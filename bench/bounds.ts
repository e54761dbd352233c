/**
 * Benchmark: the service's bounds under storms (issue "bounded under storms"), as `npm start` runs it
 * with the Deployment's NODE_OPTIONS and MALLOC_ARENA_MAX (override with BENCH_NODE_OPTIONS and
 * BENCH_MALLOC_ARENA_MAX; an empty value unsets it), against the fake API server.
 *   1. idle RSS, and peak RSS over a 300-alert storm whose previous logs are 8 MiB each;
 *   2. 1,000 concurrent one-alert requests: every answer's status and time against REQUEST_BUDGET_MS,
 *      then the 503s resent as Alertmanager does until none is left: nothing lost, what was doubled;
 *   3. one group's API reads hang while another group is served: its latency alone and beside them;
 *   4. a million distinct fingerprints through the state stores and the delivery ledger, in a child
 *      process with the same settings (bench/_fingerprints.ts): RSS as the caps fill and after.
 *
 *   node_modules/.bin/node bench/bounds.ts
 */

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { crashLoopAlert, webhookPayload } from '../test/fixtures/alertmanager/payloads.ts';
import { KUBE_SCENARIO_NAMES, kubeFixture } from '../test/fixtures/kube/index.ts';
import { startFakeKubeApi } from '../test/support/fake-kube-api.ts';
import { deploymentEnv, postAlerts, startCountingSink, startService } from './_service.ts';

const shipped = deploymentEnv();
const memoryEnv: Record<string, string> = {};
for (const name of ['NODE_OPTIONS', 'MALLOC_ARENA_MAX']) {
  const value = process.env[`BENCH_${name}`] ?? shipped[name];
  if (value !== undefined && value !== '') memoryEnv[name] = value;
}
/** Which parts to run (BENCH_PARTS=1,3); all by default. */
const parts = new Set((process.env['BENCH_PARTS'] ?? '1,2,3,4').split(','));
const BUDGET_MS = 9000;
const api = await startFakeKubeApi({ latencyMs: 20 });
const sink = await startCountingSink();
const service = await startService({ KUBECONFIG: api.kubeconfigPath, FORWARD_WEBHOOK_URL: sink.url, STORM_THRESHOLD: '1000', ...memoryEnv });
await new Promise((r) => setTimeout(r, 1000));
const idle = service.memory('VmRSS');
console.log(
  Object.entries(memoryEnv)
    .map(([k, v]) => `${k}="${v}"`)
    .join(' ') || 'no memory settings',
);
console.log(`idle RSS ${idle.toFixed(0)} MiB`);

/** The service's V8 heap in use (from its /metrics), sampled every 250 ms: what the heap cap must leave room for. */
let heapPeak = 0;
const heapSampler = setInterval(() => {
  fetch(`${service.address}/metrics`)
    .then((r) => r.text())
    .then((text) => {
      const used = /^crashtriage_nodejs_heap_size_used_bytes (\S+)/m.exec(text)?.[1];
      if (used !== undefined) heapPeak = Math.max(heapPeak, Number(used) / 1048576);
    })
    .catch(() => {});
}, 250);
const heap = (): string => `peak V8 heap used ${heapPeak.toFixed(0)} MiB`;

const scenarios = KUBE_SCENARIO_NAMES.map(kubeFixture);
const EIGHT_MIB_LOG = `${'level=info msg="request served" status=200 path=/healthz\n'.repeat(150_000)}panic: runtime error\n`;
let seq = 0;
/** A pod of its own (a copy of a scenario pod) and the body of a one-alert request about it. */
function oneAlert(namespace?: string, log?: string): { body: string; fingerprint: string } {
  const i = seq++;
  const f = scenarios[i % scenarios.length]!;
  const ns = namespace ?? f.namespace;
  const pod = `${f.podName}-${i}`;
  api.setPod({ ...f.rawPod, metadata: { ...(f.rawPod['metadata'] as object), name: pod, namespace: ns } });
  const previous = log ?? f.previousLog;
  if (previous !== undefined) api.setLog({ namespace: ns, pod, container: f.container, previous });
  const fingerprint = i.toString(16).padStart(16, '0');
  const alert = crashLoopAlert({ fingerprint, labels: { namespace: ns, pod, container: f.container } });
  return { body: JSON.stringify(webhookPayload([alert], { groupKey: `{}:{pod="${pod}",i="${i}"}` })), fingerprint };
}

async function pool<T>(items: T[], concurrency: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await run(items[next++] as T);
    }),
  );
}
const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? 0;

// 1. A storm over 8 MiB logs (the kubelet cuts them at limitBytes; the service holds at most 64 KiB each).
if (parts.has('1')) {
  const storm = Array.from({ length: 300 }, () => oneAlert(undefined, EIGHT_MIB_LOG));
  const statuses: number[] = [];
  await pool(storm, 20, async ({ body }) => {
    statuses.push((await postAlerts(service.address, body)).status);
  });
  console.log(
    `storm: 300 alerts with 8 MiB logs, 20 in flight: ${statuses.filter((s) => s === 200).length} × 200; peak RSS ${service.memory('VmHWM').toFixed(0)} MiB, ${heap()}`,
  );
}

// 2. 1,000 concurrent one-alert requests, then Alertmanager-style resends of the 503s.
if (parts.has('2')) {
  const requests = Array.from({ length: 1000 }, () => oneAlert());
  const started = performance.now();
  const first = await Promise.all(requests.map(async (r) => ({ ...r, ...(await postAlerts(service.address, r.body)) })));
  const times = first.map((r) => r.ms);
  const count = (s: number) => first.filter((r) => r.status === s).length;
  console.log(
    `1,000 at once: ${count(200)} × 200, ${count(503)} × 503, other ${1000 - count(200) - count(503)}; answer time p50 ${pct(times, 50).toFixed(0)} ms, p99 ${pct(times, 99).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms (budget ${BUDGET_MS} ms); first round ${(performance.now() - started).toFixed(0)} ms; peak RSS ${service.memory('VmHWM').toFixed(0)} MiB, ${heap()}`,
  );
  let left = first.filter((r) => r.status !== 200);
  let rounds = 0;
  while (left.length > 0 && rounds < 30) {
    rounds++;
    await new Promise((r) => setTimeout(r, 1000)); // Alertmanager backs off before resending
    const again = await Promise.all(left.map(async (r) => ({ ...r, ...(await postAlerts(service.address, r.body)) })));
    left = again.filter((r) => r.status !== 200);
  }
  await new Promise((r) => setTimeout(r, 500));
  const missing = requests.filter((r) => (sink.byFingerprint.get(r.fingerprint) ?? 0) === 0).length;
  const doubled = requests.filter((r) => (sink.byFingerprint.get(r.fingerprint) ?? 0) > 1).length;
  console.log(
    `after ${rounds} resend round(s): still refused ${left.length}; lost ${missing}; delivered twice ${doubled}; peak RSS ${service.memory('VmHWM').toFixed(0)} MiB, ${heap()}`,
  );
}

// 3. Groups whose API reads hang (namespace "stuck": every read hangs until KUBE_TIMEOUT_MS) beside a calm group.
if (parts.has('3')) {
  const measure = async (label: string): Promise<void> => {
    const ms: number[] = [];
    for (let i = 0; i < 10; i++) ms.push((await postAlerts(service.address, oneAlert('calm').body)).ms);
    console.log(`  group "calm" ${label}: p50 ${pct(ms, 50).toFixed(0)} ms, max ${Math.max(...ms).toFixed(0)} ms`);
  };
  console.log('hanging groups beside a calm one:');
  await measure('alone');
  api.failNext(/\/namespaces\/stuck\//, 'hang', 100_000);
  for (const groups of [1, 10]) await beside(groups);
}

async function beside(groups: number): Promise<void> {
  const measure = async (label: string): Promise<void> => {
    const ms: number[] = [];
    for (let i = 0; i < 10; i++) ms.push((await postAlerts(service.address, oneAlert('calm').body)).ms);
    console.log(`  group "calm" ${label}: p50 ${pct(ms, 50).toFixed(0)} ms, max ${Math.max(...ms).toFixed(0)} ms`);
  };
  const stuckBodies = Array.from({ length: groups }, () => {
    const alerts = Array.from({ length: 10 }, () => JSON.parse(oneAlert('stuck').body).alerts[0]);
    return JSON.stringify(webhookPayload(alerts, { groupKey: `{}:{namespace="stuck",n="${seq}"}` }));
  });
  const stuck = Promise.all(stuckBodies.map((b) => postAlerts(service.address, b)));
  await new Promise((r) => setTimeout(r, 200));
  await measure(`beside ${groups} hanging group(s) of 10 alerts`);
  const stuckAnswers = await stuck;
  console.log(
    `  the hanging groups were answered ${stuckAnswers.map((a) => a.status).join(',')} within max ${Math.max(...stuckAnswers.map((a) => a.ms)).toFixed(0)} ms`,
  );
}

clearInterval(heapSampler);
await service.stop();
await api.close();
sink.close();

// 4. A million fingerprints through the service's own stores and caps, in a process with the service's settings.
if (parts.has('4')) {
  const child = spawnSync(process.execPath, ['--expose-gc', join(import.meta.dirname, '_fingerprints.ts')], {
    env: { PATH: process.env['PATH'] ?? '', ...memoryEnv },
    encoding: 'utf8',
  });
  process.stdout.write(child.stdout);
  process.stderr.write(child.stderr);
}
