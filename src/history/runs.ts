/**
 * Prometheus series → container runs. cAdvisor starts a new series for each container instance (its
 * `id` label names the container), but a recording rule or an aggregation may merge them, so a
 * series is also cut where usage falls by more than 40% at once: a restart begins low again.
 * Pure: no I/O, no clock.
 */

/** [unix seconds, working-set bytes] */
export type Point = [number, number];

export interface Series {
  pod: string;
  points: Point[];
}

export interface Run extends Series {
  /** Another run of the same pod followed this one, or the alerted pod's run stopped before the window's end. */
  killed: boolean;
}

/** A fall to less than 60% of the previous point is a restart, not garbage collection. */
const RESTART_DROP = 0.6;

export function splitAtRestarts(series: readonly Series[]): Series[] {
  const out: Series[] = [];
  for (const s of series) {
    const points = [...s.points].filter(([t, v]) => Number.isFinite(t) && Number.isFinite(v) && v >= 0).sort((a, b) => a[0] - b[0]);
    let current: Point[] = [];
    for (const p of points) {
      const prev = current.at(-1);
      if (prev !== undefined && p[1] < prev[1] * RESTART_DROP) {
        out.push({ pod: s.pod, points: current });
        current = [];
      }
      current.push(p);
    }
    if (current.length > 0) out.push({ pod: s.pod, points: current });
  }
  return out;
}

/**
 * Marks the runs that ended in a kill: a later run of the same pod started, or (for the alerted pod,
 * which is known to be crash-looping) the run stopped more than two steps before the window's end.
 * Other pods whose runs simply stop were replaced or scaled away, not killed.
 */
export function markKills(series: readonly Series[], alertedPod: string, end: number, stepSeconds: number): Run[] {
  const byStart = [...series].filter((s) => s.points.length > 0).sort((a, b) => (a.points[0]?.[0] ?? 0) - (b.points[0]?.[0] ?? 0));
  return byStart.map((run, i) => {
    const last = run.points.at(-1)?.[0] ?? end;
    const followed = byStart.slice(i + 1).some((later) => later.pod === run.pod && (later.points[0]?.[0] ?? 0) >= last - stepSeconds);
    const stopped = run.pod === alertedPod && last < end - 2 * stepSeconds;
    return { ...run, killed: followed || stopped };
  });
}
