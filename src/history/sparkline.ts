/**
 * A one-line Unicode chart of memory use for plain-text media (incoming webhook, terminal), with
 * the numbers a reader needs beside it. Pure.
 */
import type { MemoryHistory } from '../diagnosis/document.ts';

const BARS = '▁▂▃▄▅▆▇█';

/** Whether a proof line carries a sparkline: where a medium shows the memory chart as an image, it says the same. */
export function hasSparkline(text: string): boolean {
  return new RegExp(`[${BARS}]{3}`).test(text);
}

/** 512Mi, 1.5Gi: short and exact enough to compare with a limit. */
export function bytesShort(bytes: number): string {
  const gi = bytes / 1024 ** 3;
  if (gi >= 1) return `${Number(gi.toFixed(gi >= 10 ? 0 : 1))}Gi`;
  return `${Math.round(bytes / 1024 ** 2)}Mi`;
}

/**
 * The alerted pod's usage (all pods when it has none) in `width` columns, each the highest point in
 * its slice of the window; a dot where Prometheus has no sample (renderers collapse blanks). Scaled from 0 to the limit (or
 * the peak above it), so the distance to the limit shows.
 */
export function sparkline(history: MemoryHistory, width = 40): string {
  const own = history.runs.filter((r) => r.pod === history.pod);
  const points = (own.length > 0 ? own : history.runs).flatMap((r) => r.points);
  if (points.length === 0) return '';
  const span = Math.max(1, history.end - history.start);
  const columns: (number | undefined)[] = Array.from({ length: width }, () => undefined);
  for (const [t, v] of points) {
    const i = Math.min(width - 1, Math.max(0, Math.floor(((t - history.start) / span) * width)));
    columns[i] = Math.max(columns[i] ?? 0, v);
  }
  const values = points.map((p) => p[1]);
  const top = Math.max(history.limitBytes ?? 0, ...values);
  const line = columns.map((v) => (v === undefined ? '·' : (BARS[Math.min(BARS.length - 1, Math.floor((v / top) * BARS.length))] ?? ' '))).join('');
  const limit = history.limitBytes === undefined ? 'no limit' : `limit ${bytesShort(history.limitBytes)}`;
  return `${line}  min ${bytesShort(Math.min(...values))} · max ${bytesShort(Math.max(...values))} · ${limit}`;
}
