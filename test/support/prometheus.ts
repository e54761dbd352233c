/**
 * A real Prometheus server (Debian's `prometheus` package) on loopback, in one of two ways:
 * - `startPrometheus`: its TSDB filled beforehand with `promtool tsdb create-blocks-from openmetrics`
 *   (the cAdvisor working set of each shape's container runs and kube-state-metrics' memory limit,
 *   sampled every 30 s up to `end`). Nothing is scraped: the test queries exactly what was written.
 * - `startScrapingPrometheus`: scraping live targets and evaluating rules every few seconds.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Shape } from '../fixtures/memory/shapes.ts';
import { freePort } from './free-port.ts';
import { startReadyProcess } from './ready-process.ts';

const PROMETHEUS = ['/usr/bin/prometheus', '/usr/local/bin/prometheus'];
const PROMTOOL = ['/usr/bin/promtool', '/usr/local/bin/promtool'];

function binary(candidates: string[], name: string): string {
  const found = candidates.find((p) => existsSync(p));
  if (found === undefined) throw new Error(`${name} not found at ${candidates.join(' or ')}: install Debian's package (apt-get install prometheus)`);
  return found;
}

function labels(l: Record<string, string>): string {
  return `{${Object.entries(l)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',')}}`;
}

/** OpenMetrics text: one family at a time, each series' samples in time order, `# EOF` last. */
export function openMetrics(shapes: readonly Shape[], scrapeSeconds = 30): string {
  const out = ['# TYPE container_memory_working_set_bytes gauge'];
  for (const shape of shapes) {
    for (const s of shape.series) {
      const l = labels({ namespace: shape.namespace, pod: s.pod, container: shape.container, id: s.id, job: 'kubelet', metrics_path: '/metrics/cadvisor' });
      for (const [t, v] of s.points) out.push(`container_memory_working_set_bytes${l} ${v} ${t}`);
    }
  }
  out.push('# TYPE kube_pod_container_resource_limits gauge');
  for (const shape of shapes) {
    for (const pod of new Set(shape.series.map((s) => s.pod))) {
      const times = shape.series.filter((s) => s.pod === pod).flatMap((s) => s.points.map((p) => p[0]));
      const l = labels({ namespace: shape.namespace, pod, container: shape.container, resource: 'memory', unit: 'byte', job: 'kube-state-metrics' });
      const first = Math.min(...times);
      const last = Math.max(...times);
      for (let t = first; t <= last; t += scrapeSeconds) out.push(`kube_pod_container_resource_limits${l} ${shape.limitBytes} ${t}`);
    }
  }
  out.push('# EOF', '');
  return out.join('\n');
}

export interface RunningPrometheus {
  url: string;
  stop(): Promise<void>;
}

export async function startPrometheus(shapes: readonly Shape[]): Promise<RunningPrometheus> {
  const dir = await mkdtemp(join(tmpdir(), 'prometheus-'));
  const data = join(dir, 'data');
  await writeFile(join(dir, 'series.om'), openMetrics(shapes));
  const created = spawnSync(binary(PROMTOOL, 'promtool'), ['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'series.om'), data], { encoding: 'utf8' });
  if (created.status !== 0) throw new Error(`promtool could not create blocks:\n${created.stdout}${created.stderr}`);
  await writeFile(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 1h\nscrape_configs: []\n');
  return launch(dir, ['--storage.tsdb.retention.time=30d']);
}

/**
 * A real Prometheus that scrapes `targets` (host:port, job `job`) and evaluates `ruleGroups` (the
 * `groups` of a rule file) every `intervalSeconds`: what a cluster's Prometheus does, in seconds.
 */
export async function startScrapingPrometheus(options: {
  job: string;
  targets: readonly string[];
  ruleGroups: readonly unknown[];
  intervalSeconds: number;
}): Promise<RunningPrometheus> {
  const dir = await mkdtemp(join(tmpdir(), 'prometheus-'));
  const interval = `${options.intervalSeconds}s`;
  await writeFile(join(dir, 'rules.yml'), JSON.stringify({ groups: options.ruleGroups }));
  const config = {
    global: { scrape_interval: interval, evaluation_interval: interval },
    rule_files: [join(dir, 'rules.yml')],
    scrape_configs: [{ job_name: options.job, static_configs: [{ targets: options.targets }] }],
  };
  await writeFile(join(dir, 'prometheus.yml'), JSON.stringify(config));
  return launch(dir, []);
}

/** Runs Prometheus on `dir`/prometheus.yml with its data in `dir`/data, and waits until it is ready. */
async function launch(dir: string, extraArgs: readonly string[]): Promise<RunningPrometheus> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const { stop } = await startReadyProcess(
    'Prometheus',
    binary(PROMETHEUS, 'prometheus'),
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      ...extraArgs,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    url,
    dir,
    30_000,
  );
  return { url, stop };
}
