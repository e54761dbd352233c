/**
 * Benchmark: evidence for a storm of alerts against the fake API server with injected latency.
 * Prints API calls per alert, wall time against the ideal (calls / concurrency × latency) and peak
 * memory. Not a test: figures depend on the machine.
 *
 *   node_modules/.bin/node bench/kube-evidence.ts [alerts=200] [pods=100] [latencyMs=20] [maxInFlight=10]
 */
import { gatherEvidence } from '../src/kube/gather-evidence.ts';
import { gatherForAlerts } from '../src/kube/gather-for-alerts.ts';
import { createKubeReader } from '../src/kube/reader.ts';
import type { KubeTarget } from '../src/kube/target.ts';
import { KUBE_SCENARIO_NAMES, kubeFixture } from '../test/fixtures/kube/index.ts';
import { type FakeKubeApi, startFakeKubeApi } from '../test/support/fake-kube-api.ts';

const [alertCount = 200, podCount = 100, latencyMs = 20, maxInFlight = 10] = process.argv.slice(2).map(Number);
/** Every tenth pod has an 8 MiB previous log of 1 KiB lines, to show memory stays bounded. */
const BIG_LOG = Buffer.from(Array.from({ length: 8 * 1024 }, (_, i) => `${i} ${'x'.repeat(1018)}\n`).join(''));

async function main(): Promise<void> {
  const api = await startFakeKubeApi({ latencyMs });
  const targets = populate(api, podCount, alertCount);
  const reader = createKubeReader({ kubeconfigPath: api.kubeconfigPath, timeoutMs: 10_000, maxInFlight });
  const peak = sampleMemory();
  try {
    // Warm-up: TLS handshakes and JIT, not measured.
    await gatherEvidence({ kube: reader }, targets[0]!, new Date());

    for (const mode of ['one payload (coalesced)', 'one alert at a time (no coalescing)'] as const) {
      api.resetRequests();
      peak.reset();
      const started = performance.now();
      const evidence =
        mode === 'one payload (coalesced)'
          ? await gatherForAlerts({ kube: reader }, targets, new Date())
          : await Promise.all(targets.map((t) => gatherEvidence({ kube: reader }, t, new Date())));
      const wallMs = performance.now() - started;
      const calls = api.requests.length;
      const idealMs = (calls / maxInFlight) * latencyMs;
      const problems = evidence.reduce((n, e) => n + e.problems.length, 0);
      const bytes = api.requests.reduce((n, r) => n + r.bytesSent, 0);
      console.log(`\n${mode}: ${targets.length} alerts over ${podCount} pods, latency ${latencyMs} ms, max ${maxInFlight} in flight`);
      console.log(`  API calls        ${calls} (${(calls / targets.length).toFixed(2)} per alert, max in flight seen ${api.maxInFlight})`);
      console.log(`  wall time        ${wallMs.toFixed(0)} ms (ideal ${idealMs.toFixed(0)} ms, ${(wallMs / idealMs).toFixed(2)}× ideal)`);
      console.log(`  bytes served     ${(bytes / 1024).toFixed(0)} KiB (10% of pods hold an 8 MiB log)`);
      console.log(`  peak memory      rss ${mib(peak.rss)} MiB, heapUsed ${mib(peak.heapUsed)} MiB`);
      console.log(`  problems         ${problems}`);
    }
  } finally {
    peak.stop();
    await reader.close();
    await api.close();
  }
}

/** Clones the fixture scenarios into `pods` distinct pods; two alerts per pod (with/without container). */
function populate(api: FakeKubeApi, pods: number, alerts: number): KubeTarget[] {
  const podTargets: { namespace: string; pod: string; container: string }[] = [];
  for (let i = 0; i < pods; i++) {
    const f = kubeFixture(KUBE_SCENARIO_NAMES[i % KUBE_SCENARIO_NAMES.length]!);
    const name = `${f.podName}-${i}`;
    const uid = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    api.setPod({ ...f.rawPod, metadata: { ...(f.rawPod['metadata'] as object), name, uid } });
    api.addEvents(...f.rawEvents.map((e) => ({ ...e, involvedObject: { ...(e['involvedObject'] as object), name, uid } })));
    const previous = i % 10 === 0 ? BIG_LOG : f.previousLog;
    if (previous !== undefined) api.setLog({ namespace: f.namespace, pod: name, container: f.container, previous });
    podTargets.push({ namespace: f.namespace, pod: name, container: f.container });
  }
  return Array.from({ length: alerts }, (_, i): KubeTarget => {
    const t = podTargets[i % podTargets.length]!;
    // Like the stock rules: KubePodCrashLooping names the container, KubePodNotReady does not.
    return i < podTargets.length ? t : { namespace: t.namespace, pod: t.pod };
  });
}

function sampleMemory(): { rss: number; heapUsed: number; reset(): void; stop(): void } {
  const state = { rss: 0, heapUsed: 0 };
  const sample = (): void => {
    const m = process.memoryUsage();
    state.rss = Math.max(state.rss, m.rss);
    state.heapUsed = Math.max(state.heapUsed, m.heapUsed);
  };
  const timer = setInterval(sample, 5);
  return {
    get rss() {
      return state.rss;
    },
    get heapUsed() {
      return state.heapUsed;
    },
    reset: () => {
      state.rss = 0;
      state.heapUsed = 0;
      sample();
    },
    stop: () => clearInterval(timer),
  };
}

const mib = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);

await main();
