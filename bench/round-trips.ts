/**
 * Benchmark: the time to a message in Kubernetes API round trips, and a storm against the bound its
 * concurrency allows. The service runs as `npm start` runs it, with the Deployment's NODE_OPTIONS and
 * MALLOC_ARENA_MAX (bench/_service.ts), against the fake API server adding `latencyMs` to every call;
 * its owners and revisions are served (Deployments with their ReplicaSets, StatefulSets and DaemonSets
 * with their ControllerRevisions, Jobs), so that every read is a real one.
 *   1. one round trip: a pod read from this process, on a warm connection (the median of 20);
 *   2. one alert per request, each answer's time over that round trip: a Deployment's pod cold (its
 *      workload never read) and warm (another pod of it right after), a StatefulSet's, a DaemonSet's,
 *      a Job's, and a pod whose name follows no convention (its owner known only from the pod);
 *   3. `storms` storms (each on Deployments of its own, so that nothing is remembered from the one
 *      before): `storm` alerts, one per request, `inFlight` requests at once, over Deployments of 10
 *      crashing pods each: wall time over the ideal (namespaced calls / KUBE_MAX_IN_FLIGHT × latency),
 *      namespaced calls per alert, alerts delivered; idle and peak RSS.
 * The last line (`quote:`) has every figure with its goal, the settings and the machine's load.
 *
 *   node bench/round-trips.ts [latencyMs=50] [storm=300] [inFlight=20] [storms=2]
 */

import { loadavg } from 'node:os';
import { createKubeReader } from '../src/kube/reader.ts';
import { crashLoopAlert, webhookPayload } from '../test/fixtures/alertmanager/payloads.ts';
import { deploymentScenario, setScenario, type WorkloadScenario } from '../test/fixtures/kube/workloads.ts';
import { startFakeKubeApi } from '../test/support/fake-kube-api.ts';
import { deploymentEnv, postAlerts, startCountingSink, startService } from './_service.ts';

const [latencyMs = 50, stormSize = 300, inFlight = 20, storms = 2] = process.argv.slice(2).map(Number);
const KUBE_MAX_IN_FLIGHT = 10; // the service's default
const RUNS = 7;
const now = new Date();

const memoryEnv: Record<string, string> = {};
for (const [name, value] of Object.entries(deploymentEnv())) {
  const override = process.env[`BENCH_${name}`];
  if ((override ?? value) !== '') memoryEnv[name] = override ?? value;
}

const revisions = [
  { image: 'registry.acme.io/app:1.0', minutesAgo: 60 * 24 * 3 },
  { image: 'registry.acme.io/app:1.1', minutesAgo: 20 },
];
const scenarios: WorkloadScenario[] = [];
const add = (s: WorkloadScenario): WorkloadScenario => {
  scenarios.push(s);
  return s;
};
const deployment = (namespace: string, name: string, crashing = 2) =>
  add(deploymentScenario({ namespace, name, replicas: crashing + 1, revisions, crashing, now }));
const set = (kind: 'StatefulSet' | 'DaemonSet', name: string) => add(setScenario({ kind, namespace: 'shop', name, replicas: 3, revisions, crashing: 1, now }));

/** A Job's pod: the Deployment fixture's crash-looping pod, renamed and owned by the Job. */
function job(name: string): WorkloadScenario {
  const base = deploymentScenario({ namespace: 'batch', name, replicas: 1, revisions: [revisions[0]!], crashing: 1, now });
  const pod = structuredClone(base.pods[0]!) as { metadata: Record<string, unknown> };
  const podName = `${name}-x2k4q`;
  const uid = `00000000-0000-4000-8000-${name.length.toString().padStart(12, '0')}`;
  pod.metadata = {
    ...pod.metadata,
    name: podName,
    labels: { 'job-name': name },
    ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name, uid, controller: true }],
  };
  const jobObject = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'batch', uid },
    spec: { selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } }, template: { spec: { containers: [{ name: 'app', image: 'app:1' }] } } },
    status: { active: 1 },
  };
  return add({ objects: [jobObject], pods: [pod], events: [], logs: [{ ...base.logs[0]!, namespace: 'batch', pod: podName }], crashing: [podName] });
}

/** A Deployment's pod renamed so that its name says nothing (`<deployment>-canary`): only the pod names its owner. */
function unconventional(name: string): WorkloadScenario {
  const s = deploymentScenario({ namespace: 'shop', name, replicas: 2, revisions, crashing: 1, now });
  const pod = s.pods[0] as { metadata: { name: string } };
  pod.metadata.name = `${name}-canary`;
  return add({ ...s, logs: [{ ...s.logs[0]!, pod: `${name}-canary` }], crashing: [`${name}-canary`] });
}

const warmups = Array.from({ length: 5 }, (_, i) => deployment('warmup', `warm${'bcdfghjklm'[i]}`));
const cases: { label: string; alerts: { namespace: string; pod: string }[] }[] = [];
const cold = Array.from({ length: RUNS }, (_, i) => deployment('shop', `web${'bcdfghjklm'[i]}`));
cases.push({ label: "Deployment's pod, cold", alerts: cold.map((s) => ({ namespace: 'shop', pod: s.crashing[0]! })) });
cases.push({ label: "Deployment's pod, warm", alerts: cold.map((s) => ({ namespace: 'shop', pod: s.crashing[1]! })) });
cases.push({
  label: "StatefulSet's pod, cold",
  alerts: Array.from({ length: RUNS }, (_, i) => ({ namespace: 'shop', pod: set('StatefulSet', `db${'bcdfghjklm'[i]}`).crashing[0]! })),
});
cases.push({
  label: "DaemonSet's pod, cold",
  alerts: Array.from({ length: RUNS }, (_, i) => ({ namespace: 'shop', pod: set('DaemonSet', `agent${'bcdfghjklm'[i]}`).crashing[0]! })),
});
cases.push({
  label: "Job's pod, cold",
  alerts: Array.from({ length: RUNS }, (_, i) => ({ namespace: 'batch', pod: job(`migrate${'bcdfghjklm'[i]}`).crashing[0]! })),
});
cases.push({
  label: 'owner not guessable, cold',
  alerts: Array.from({ length: RUNS }, (_, i) => ({ namespace: 'shop', pod: unconventional(`api${'bcdfghjklm'[i]}`).crashing[0]! })),
});
const LETTERS = 'bcdfghjklmnpqrstvwxz';
const stormNamespaces = Array.from({ length: storms }, (_, k) => `storm${k + 1}`);
const stormSets = stormNamespaces.map((ns) =>
  Array.from({ length: Math.ceil(stormSize / 10) }, (_, i) => deployment(ns, `svc${LETTERS[Math.floor(i / 20) % 20]}${LETTERS[i % 20]}`, 10)),
);
const loadAtStart = loadavg()[0] ?? 0;

const api = await startFakeKubeApi({
  latencyMs,
  objects: scenarios.flatMap((s) => s.objects),
  pods: scenarios.flatMap((s) => s.pods),
  events: scenarios.flatMap((s) => s.events),
  logs: scenarios.flatMap((s) => s.logs),
});
const sink = await startCountingSink();
const service = await startService({ KUBECONFIG: api.kubeconfigPath, FORWARD_WEBHOOK_URL: sink.url, STORM_THRESHOLD: '1000', ...memoryEnv });
await new Promise((r) => setTimeout(r, 1000));
const idle = service.memory('VmRSS');
console.log(
  Object.entries(memoryEnv)
    .map(([k, v]) => `${k}="${v}"`)
    .join(' ') || 'no memory settings',
);

// 1. One round trip, as this process sees it.
const reader = createKubeReader({ kubeconfigPath: api.kubeconfigPath, timeoutMs: 10_000 });
const trips: number[] = [];
for (let i = 0; i < 21; i++) {
  const t = performance.now();
  await reader.readPod('shop', cold[0]!.crashing[0]!);
  if (i > 0) trips.push(performance.now() - t);
}
await reader.close();
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const rtt = median(trips);
console.log(`one round trip: ${rtt.toFixed(1)} ms (API latency ${latencyMs} ms)`);

// 2. One alert per request.
let seq = 0;
const body = (alerts: { namespace: string; pod: string }[]): { body: string; fingerprints: string[] } => {
  const built = alerts.map((a) =>
    crashLoopAlert({ fingerprint: (seq++).toString(16).padStart(16, '0'), labels: { namespace: a.namespace, pod: a.pod, container: 'app' } }),
  );
  const pod = alerts[0]?.pod ?? '';
  return { body: JSON.stringify(webhookPayload(built, { groupKey: `{}:{pod="${pod}",n="${seq}"}` })), fingerprints: built.map((a) => a.fingerprint) };
};
// Warm-up: connections and JIT, on workloads of their own (cold and warm).
for (const s of warmups) for (const pod of s.crashing) await postAlerts(service.address, body([{ namespace: 'warmup', pod }]).body);
const caseRatio = new Map<string, number>();
for (const { label, alerts } of cases) {
  const ratios: number[] = [];
  for (const alert of alerts) ratios.push((await postAlerts(service.address, body([alert]).body)).ms / rtt);
  caseRatio.set(label, median(ratios));
  console.log(
    `  ${label.padEnd(28)} ${median(ratios).toFixed(2)} × one round trip (p50 of ${ratios.length}; min ${Math.min(...ratios).toFixed(2)}, max ${Math.max(...ratios).toFixed(2)})`,
  );
}

// 3. The storms, one after the other, each on workloads never read before.
const stormRuns: { ratio: number; perAlert: number; delivered: number; alerts: number }[] = [];
for (const [k, storm] of stormSets.entries()) {
  const namespace = stormNamespaces[k] as string;
  const stormBodies = storm.flatMap((s) => s.crashing.map((pod) => body([{ namespace, pod }]))).slice(0, stormSize);
  api.resetRequests();
  let next = 0;
  const statuses: number[] = [];
  const cpuBefore = service.cpuSeconds();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < stormBodies.length) statuses.push((await postAlerts(service.address, (stormBodies[next++] as { body: string }).body)).status);
    }),
  );
  const wall = performance.now() - started;
  const cpu = service.cpuSeconds() - cpuBefore;
  await new Promise((r) => setTimeout(r, 300));
  const namespaced = api.requests.filter((r) => r.path.includes('/namespaces/')).length;
  const ideal = (namespaced / KUBE_MAX_IN_FLIGHT) * latencyMs;
  const delivered = stormBodies.filter((b) => (sink.byFingerprint.get(b.fingerprints[0] ?? '') ?? 0) > 0).length;
  const byResource = new Map<string, number>();
  for (const r of api.requests) byResource.set(r.resource, (byResource.get(r.resource) ?? 0) + 1);
  stormRuns.push({ ratio: wall / ideal, perAlert: namespaced / stormBodies.length, delivered, alerts: stormBodies.length });
  console.log(
    `storm ${k + 1}: ${stormBodies.length} alerts over ${storm.length} Deployments, ${inFlight} requests in flight: wall ${wall.toFixed(0)} ms, ideal ${ideal.toFixed(0)} ms → ${(wall / ideal).toFixed(2)} × the bound`,
  );
  console.log(
    `  ${(namespaced / stormBodies.length).toFixed(2)} namespaced calls per alert (${[...byResource].map(([r, n]) => `${r} ${n}`).join(', ')}); ${statuses.filter((s) => s === 200).length} × 200; delivered ${delivered} of ${stormBodies.length}`,
  );
  console.log(
    `  the service's CPU over the storm: ${cpu.toFixed(1)} s (${((cpu * 1000) / stormBodies.length).toFixed(1)} ms per alert, ${((cpu * 100000) / wall).toFixed(0)} % of one core)`,
  );
}
const peak = service.memory('VmHWM');
console.log(`memory: idle RSS ${idle.toFixed(0)} MiB, peak RSS ${peak.toFixed(0)} MiB`);

const span = (xs: number[], digits = 2): string => {
  const [lo, hi] = [Math.min(...xs), Math.max(...xs)];
  return lo.toFixed(digits) === hi.toFixed(digits) ? lo.toFixed(digits) : `${lo.toFixed(digits)}–${hi.toFixed(digits)}`;
};
const guessable = cases.filter((c) => !c.label.startsWith('owner not guessable')).map((c) => caseRatio.get(c.label) ?? 0);
const settings = Object.entries(memoryEnv)
  .map(([k, v]) => `${k}="${v}"`)
  .join(' ');
console.log(
  `quote: one alert ${span(guessable)} × one round trip (conventional names, cold and warm; goal ≤ 1.3), owner not guessable ${(caseRatio.get('owner not guessable, cold') ?? 0).toFixed(2)} × (≤ 2.3); ` +
    `storm ${span(stormRuns.map((r) => r.ratio))} × the bound (≤ 1.3, ${stormRuns.length} storms of ${stormSize}), ${span(stormRuns.map((r) => r.perAlert))} namespaced calls per alert (≤ 3), ` +
    `delivered ${stormRuns.map((r) => `${r.delivered}/${r.alerts}`).join(', ')}; RSS idle ${idle.toFixed(0)} MiB (≤ 120), peak ${peak.toFixed(0)} MiB (≤ 160); ` +
    `${settings === '' ? 'no memory settings' : settings}; load average ${loadAtStart.toFixed(2)} → ${(loadavg()[0] ?? 0).toFixed(2)}`,
);

await service.stop();
await api.close();
sink.close();
