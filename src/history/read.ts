/**
 * The container's memory history from Prometheus: working set per container run for the pod and the
 * workload's other pods (cAdvisor's `container_memory_working_set_bytes`, the value the kubelet's OOM
 * decision follows), and the memory limit kube-state-metrics reports. Both queries run in parallel.
 */
import type { MemoryHistory } from '../diagnosis/document.ts';
import type { PrometheusClient, RangeSeries } from './prometheus.ts';
import { markKills, type Run, splitAtRestarts } from './runs.ts';

export interface HistoryTarget {
  namespace: string;
  pod: string;
  container: string;
  owner?: { kind: string; name: string };
}

/** At most this many points per series: a chart and a decision need no more. */
const POINTS_PER_SERIES = 360;
/** Below typical scrape intervals (15–30 s) a step would leave holes in `max_over_time`. */
const MIN_STEP_SECONDS = 60;
/** Runs kept in the document (the alerted pod's first, then the newest): bounds its size. */
const MAX_RUNS = 40;

/** A regular-expression literal inside a PromQL string: dots escaped (pod names are DNS labels). */
function literal(name: string): string {
  return name.replace(/[.]/g, '\\\\.');
}

/**
 * The pods of the same workload, as an anchored regex on the pod name: from the owner when known,
 * else from the name's generated suffixes (`api-7d9f8b6c5-x2x4q`, `worker-x2x4q`, `db-0`).
 */
export function podPattern(pod: string, owner?: { kind: string; name: string }): string {
  if (owner !== undefined) {
    const name = literal(owner.name);
    if (owner.kind === 'Deployment') return `${name}-[a-z0-9]+-[a-z0-9]{5}`;
    if (owner.kind === 'StatefulSet') return `${name}-[0-9]+`;
    if (['ReplicaSet', 'DaemonSet', 'Job', 'ReplicationController'].includes(owner.kind)) return `${name}-[a-z0-9]{5}`;
  }
  const deployment = /^(.+)-[a-z0-9]{6,10}-[a-z0-9]{5}$/.exec(pod);
  if (deployment?.[1] !== undefined) return `${literal(deployment[1])}-[a-z0-9]+-[a-z0-9]{5}`;
  const generated = /^(.+)-[a-z0-9]{5}$/.exec(pod);
  if (generated?.[1] !== undefined) return `${literal(generated[1])}-[a-z0-9]{5}`;
  const ordinal = /^(.+)-[0-9]+$/.exec(pod);
  if (ordinal?.[1] !== undefined) return `${literal(ordinal[1])}-[0-9]+`;
  return literal(pod);
}

export function historyQueries(target: HistoryTarget, stepSeconds: number): { usage: string; limit: string } {
  const selector = `namespace=${JSON.stringify(target.namespace)},pod=~"${podPattern(target.pod, target.owner)}",container=${JSON.stringify(target.container)}`;
  return {
    // max_over_time over one step keeps the peak between steps and never carries a dead run forward.
    usage: `max by (pod, id, name) (max_over_time(container_memory_working_set_bytes{${selector}}[${stepSeconds}s]))`,
    limit: `max by (pod) (max_over_time(kube_pod_container_resource_limits{${selector},resource="memory"}[${stepSeconds}s]))`,
  };
}

export function stepFor(windowSeconds: number): number {
  return Math.max(MIN_STEP_SECONDS, Math.ceil(windowSeconds / POINTS_PER_SERIES));
}

/** The newest limit of the alerted pod, else of any pod of the workload. */
function latestLimit(series: readonly RangeSeries[], pod: string): number | undefined {
  const newest = (s: RangeSeries | undefined) => s?.values.at(-1)?.[1];
  return (
    newest(series.find((s) => s.metric['pod'] === pod)) ?? newest([...series].sort((a, b) => (b.values.at(-1)?.[0] ?? 0) - (a.values.at(-1)?.[0] ?? 0))[0])
  );
}

export interface HistoryRead {
  history: MemoryHistory;
  runs: Run[];
  /** Query duration, for the log. */
  ms: number;
}

export async function readMemoryHistory(
  client: PrometheusClient,
  target: HistoryTarget,
  window: { end: number; hours: number },
  signal?: AbortSignal,
): Promise<HistoryRead> {
  const started = performance.now();
  const end = Math.floor(window.end);
  const start = end - window.hours * 3600;
  const stepSeconds = stepFor(end - start);
  const q = historyQueries(target, stepSeconds);
  const range = { start, end, stepSeconds };
  const [usage, limits] = await Promise.all([client.queryRange(q.usage, range, signal), client.queryRange(q.limit, range, signal)]);
  const series = usage.map((s) => ({ pod: s.metric['pod'] ?? target.pod, points: s.values }));
  const marked = markKills(splitAtRestarts(series), target.pod, end, stepSeconds);
  const kept = [...marked]
    .sort((a, b) => Number(b.pod === target.pod) - Number(a.pod === target.pod) || (b.points[0]?.[0] ?? 0) - (a.points[0]?.[0] ?? 0))
    .slice(0, MAX_RUNS)
    .sort((a, b) => (a.points[0]?.[0] ?? 0) - (b.points[0]?.[0] ?? 0));
  const limitBytes = latestLimit(limits, target.pod);
  const history: MemoryHistory = {
    start,
    end,
    stepSeconds,
    ...(limitBytes === undefined ? {} : { limitBytes }),
    runs: kept.map((r) => ({ pod: r.pod, points: r.points })),
    kills: kept.filter((r) => r.killed).map((r) => r.points.at(-1)?.[0] ?? end),
    pod: target.pod,
  };
  return { history, runs: kept, ms: performance.now() - started };
}
