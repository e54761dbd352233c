/**
 * Benchmark: the pure diagnosis over the whole fixture corpus (evidence → cause, proof, remedies,
 * findings, redacted excerpt). Prints diagnoses per second and per-call latency percentiles, and the
 * pure CPU each alert costs as the service spends it: serviceQuery while the evidence is gathered
 * (src/kube/gather-evidence.ts), then the diagnosis.
 *
 *   node_modules/.bin/node bench/diagnose.ts [rounds=200]
 */
import { diagnose } from '../src/diagnosis/diagnose.ts';
import { serviceQuery } from '../src/diagnosis/service-query.ts';
import { fixtures, toEvidence } from '../test/fixtures/diagnosis/index.ts';

const rounds = Number(process.argv[2] ?? 200);
const evidence = fixtures.map(toEvidence);

for (const e of evidence) diagnose(e); // warm-up
const samples: number[] = [];
/** CPU (user + system, µs: process.cpuUsage, so that a shared machine's other loads do not count) of serviceQuery and diagnose. */
const cpu = { serviceQuery: 0, diagnose: 0 };
const started = performance.now();
for (let r = 0; r < rounds; r++) {
  for (const e of evidence) {
    const beforeQuery = process.cpuUsage();
    serviceQuery(e); // as gather-evidence runs it on the same evidence, before the diagnosis
    const query = process.cpuUsage(beforeQuery);
    const beforeDiagnosis = process.cpuUsage();
    const t = performance.now();
    diagnose(e);
    samples.push(performance.now() - t);
    const diagnosis = process.cpuUsage(beforeDiagnosis);
    cpu.serviceQuery += query.user + query.system;
    cpu.diagnose += diagnosis.user + diagnosis.system;
  }
}
const wallMs = performance.now() - started;
const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
const [queryUs, diagnoseUs] = [cpu.serviceQuery / samples.length, cpu.diagnose / samples.length];
samples.sort((a, b) => a - b);
const pct = (p: number): string => `${((samples[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))] ?? 0) * 1000).toFixed(0)} µs`;
console.log(`corpus: ${evidence.length} fixtures × ${rounds} rounds = ${samples.length} diagnoses in ${wallMs.toFixed(0)} ms`);
console.log(`throughput: ${Math.round(samples.length / (sum(samples) / 1000))} diagnoses/s on one core`);
console.log(`latency per diagnosis: p50 ${pct(50)}, p99 ${pct(99)}, max ${pct(100)}`);
console.log(`CPU per alert: serviceQuery ${queryUs.toFixed(0)} µs + diagnose ${diagnoseUs.toFixed(0)} µs = ${(queryUs + diagnoseUs).toFixed(0)} µs (means)`);
console.log(`heap used after: ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(1)} MiB`);
