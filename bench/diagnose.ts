/**
 * Benchmark: the pure diagnosis over the whole fixture corpus (evidence → cause, proof, remedies,
 * findings, redacted excerpt). Prints diagnoses per second and per-call latency percentiles.
 *
 *   node_modules/.bin/node bench/diagnose.ts [rounds=200]
 */
import { diagnose } from '../src/diagnosis/diagnose.ts';
import { fixtures, toEvidence } from '../test/fixtures/diagnosis/index.ts';

const rounds = Number(process.argv[2] ?? 200);
const evidence = fixtures.map(toEvidence);

for (const e of evidence) diagnose(e); // warm-up
const samples: number[] = [];
const started = performance.now();
for (let r = 0; r < rounds; r++) {
  for (const e of evidence) {
    const t = performance.now();
    diagnose(e);
    samples.push(performance.now() - t);
  }
}
const wallMs = performance.now() - started;
samples.sort((a, b) => a - b);
const pct = (p: number): string => `${((samples[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))] ?? 0) * 1000).toFixed(0)} µs`;
console.log(`corpus: ${evidence.length} fixtures × ${rounds} rounds = ${samples.length} diagnoses in ${wallMs.toFixed(0)} ms`);
console.log(`throughput: ${Math.round(samples.length / (wallMs / 1000))} diagnoses/s on one core`);
console.log(`latency per diagnosis: p50 ${pct(50)}, p99 ${pct(99)}, max ${pct(100)}`);
console.log(`heap used after: ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(1)} MiB`);
