/**
 * Benchmark: the memory history of an OOM kill, end to end. A real Prometheus (Debian's package,
 * loaded by promtool with the leak, undersized and spike shapes) answers the two range queries;
 * then the pure decision, and the chart rendered to PNG. Prints query time, decision time, render
 * time and PNG size.
 *
 *   node_modules/.bin/node bench/memory-history.ts [rounds=30]
 */

import { memoryChart } from '../src/history/chart-png.ts';
import { decide } from '../src/history/decide.ts';
import { createPrometheusClient } from '../src/history/prometheus.ts';
import { readMemoryHistory } from '../src/history/read.ts';
import { withHistory } from '../test/fixtures/memory/document.ts';
import { leak, spike, undersized } from '../test/fixtures/memory/shapes.ts';
import { startPrometheus } from '../test/support/prometheus.ts';

const rounds = Number(process.argv[2] ?? 30);
const end = Math.floor(Date.now() / 60_000) * 60 - 60;
const shapes = [leak({ end }), undersized({ end }), spike({ end })];

const pct = (xs: number[], p: number): string => {
  const s = [...xs].sort((a, b) => a - b);
  return `${(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0).toFixed(1)} ms`;
};

const prometheus = await startPrometheus(shapes);
const client = createPrometheusClient({ url: prometheus.url, timeoutMs: 5000, maxResponseBytes: 4 * 1024 * 1024 });
try {
  const query: number[] = [];
  const decision: number[] = [];
  let points = 0;
  for (let r = 0; r < rounds; r++) {
    for (const s of shapes) {
      const read = await readMemoryHistory(client, { namespace: s.namespace, pod: s.pod, container: s.container, owner: s.owner }, { end, hours: 6 });
      query.push(read.ms);
      points = Math.max(
        points,
        read.runs.reduce((a, run) => a + run.points.length, 0),
      );
      const t = performance.now();
      decide(read.runs, read.history.stepSeconds, read.history.limitBytes);
      decision.push(performance.now() - t);
    }
  }
  console.log(`Prometheus ${prometheus.url}: 2 range queries (6 h, 60 s step) per read, ${query.length} reads`);
  console.log(`query time per read: p50 ${pct(query, 50)}, p99 ${pct(query, 99)} (largest read: ${points} points)`);
  console.log(`decision: p50 ${pct(decision, 50)}, p99 ${pct(decision, 99)}`);

  const docs = shapes.map((s) => withHistory(s, end));
  await memoryChart(docs[0] ?? docs[1]!); // warm-up
  const rssBefore = process.memoryUsage().rss;
  const render: number[] = [];
  const sizes = new Map<string, number>();
  for (let r = 0; r < rounds; r++) {
    for (const [i, doc] of docs.entries()) {
      const t = performance.now();
      const chart = await memoryChart(doc);
      render.push(performance.now() - t);
      sizes.set(shapes[i]?.name ?? '?', chart?.png.byteLength ?? 0);
    }
  }
  console.log(`chart render (SVG → 1440×600 PNG): p50 ${pct(render, 50)}, p99 ${pct(render, 99)}`);
  console.log(`PNG size: ${[...sizes].map(([n, b]) => `${n} ${(b / 1024).toFixed(0)} KiB`).join(', ')}`);
  console.log(
    `rss change over ${render.length} renders: ${((process.memoryUsage().rss - rssBefore) / 2 ** 20).toFixed(0)} MiB (each render runs in a worker thread that ends)`,
  );
  console.log(`heap used after: ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(1)} MiB, rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
} finally {
  await client.close();
  await prometheus.stop();
}
