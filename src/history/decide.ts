/**
 * Leak, undersized limit or spike, decided from the runs that ended in a kill. Pure: no I/O, no
 * clock; the same runs give the same verdict.
 *
 * - leak: a run climbs steadily (a straight-line fit explains most of it) and reaches its peak only
 *   near its end; the next run starts low and climbs again.
 * - undersized: a run reaches its peak early (or when load arrives) and stays there: a plateau; or a
 *   run too short to show a shape (under six steps) reaches the limit and stays a sample or more.
 * - spike: a run is flat, then rises by most of its range within a step or two and is killed soon after.
 */
import type { Point, Run } from './runs.ts';

export type RunShape = 'leak' | 'undersized' | 'spike' | 'unclear';

export interface RunReading {
  shape: RunShape;
  start: number;
  end: number;
  /** Usage at the start (the lowest of the first three points). */
  base: number;
  peak: number;
  /** Least-squares slope, bytes per hour, and how much of the variation it explains (r²). */
  slopePerHour: number;
  fit: number;
  /** Seconds from the start until 90% of the rise. */
  secondsToPeak: number;
  /** The sharpest rise: from, to, over how many seconds, ending when. */
  jump?: { from: number; to: number; seconds: number; at: number };
}

export type MemoryVerdict =
  | {
      kind: 'leak';
      kills: number;
      agreeing: number;
      slopePerHour: number;
      startBytes: number;
      /** Where the runs die: the limit, or (a runtime's heap cap) their usual peak well below it. */
      ceilingBytes: number;
      atLimit: boolean;
      hoursToLimit?: number;
      peaks: number[];
    }
  | { kind: 'undersized'; kills: number; agreeing: number; plateauBytes: number; minutesToPlateau: number; clipped: boolean; peaks: number[] }
  | { kind: 'spike'; kills: number; agreeing: number; fromBytes: number; toBytes: number; riseSeconds: number; at: number; peaks: number[] }
  | { kind: 'unclear'; kills: number; peaks: number[]; shapes: RunShape[] }
  | { kind: 'no-kill'; peakBytes?: number; lastBytes?: number };

/** Fewer points than this, or a shorter run, cannot show a shape. */
const MIN_POINTS = 4;
/** A jump spanning more than this many steps is a climb, not a spike. */
const JUMP_STEPS = 2;

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length === 0 ? 0 : s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

function linearFit(points: readonly Point[]): { slope: number; r2: number } {
  const n = points.length;
  const mx = points.reduce((a, p) => a + p[0], 0) / n;
  const my = points.reduce((a, p) => a + p[1], 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (const [x, y] of points) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
    syy += (y - my) ** 2;
  }
  if (sxx === 0 || syy === 0) return { slope: 0, r2: 0 };
  return { slope: sxy / sxx, r2: (sxy * sxy) / (sxx * syy) };
}

/** The largest rise over at most JUMP_STEPS consecutive points spaced no more than a step and a half apart. */
function sharpestRise(points: readonly Point[], stepSeconds: number): { from: number; to: number; seconds: number; at: number; index: number } | undefined {
  let best: { from: number; to: number; seconds: number; at: number; index: number } | undefined;
  for (let i = 1; i < points.length; i++) {
    for (let k = 1; k <= JUMP_STEPS && i - k >= 0; k++) {
      const a = points[i - k];
      const b = points[i];
      if (a === undefined || b === undefined) continue;
      const seconds = b[0] - a[0];
      if (seconds > stepSeconds * k * 1.5) break;
      if (best === undefined || b[1] - a[1] > best.to - best.from) best = { from: a[1], to: b[1], seconds, at: b[0], index: i - k };
    }
  }
  return best;
}

/** A run shorter than this many steps is too short to tell a spike from a plateau by its shape. */
const SHORT_RUN_STEPS = 6;

export function readRun(points: readonly Point[], stepSeconds: number, limitBytes?: number): RunReading {
  const first = points[0] ?? [0, 0];
  const last = points.at(-1) ?? first;
  const duration = last[0] - first[0];
  const base = Math.min(...points.slice(0, 3).map((p) => p[1]));
  const peak = Math.max(...points.map((p) => p[1]));
  const rise = peak - base;
  const { slope, r2 } = points.length >= 2 ? linearFit(points) : { slope: 0, r2: 0 };
  const at90 = points.find((p) => p[1] - base >= 0.9 * rise) ?? last;
  const jump = sharpestRise(points, stepSeconds);
  const reading: RunReading = {
    shape: 'unclear',
    start: first[0],
    end: last[0],
    base,
    peak,
    slopePerHour: slope * 3600,
    fit: r2,
    secondsToPeak: at90[0] - first[0],
    ...(jump === undefined ? {} : { jump: { from: jump.from, to: jump.to, seconds: jump.seconds, at: jump.at } }),
  };
  // A short run (under 3 minutes at a 30 s scrape) that reaches the limit and stays there for a
  // sample or more needs more than the limit from its start: undersized, whatever its shape.
  const atLimit = limitBytes === undefined ? 0 : points.filter((p) => p[1] >= 0.9 * limitBytes).length;
  if (duration < SHORT_RUN_STEPS * stepSeconds && atLimit >= 2) return { ...reading, shape: 'undersized' };
  if (points.length < MIN_POINTS || duration < 3 * stepSeconds) return reading;
  // Killed while barely moving: it was at its ceiling from the first sample on.
  if (rise < 0.15 * peak) return { ...reading, shape: 'undersized' };

  const high = points.filter((p) => p[0] >= at90[0]);
  const plateauSeconds = last[0] - at90[0];
  const stays = high.filter((p) => p[1] - base >= 0.75 * rise).length / high.length >= 0.8;

  if (jump !== undefined && jump.to - jump.from >= 0.5 * rise) {
    const before = points.slice(0, jump.index + 1);
    const flatBefore = Math.max(...before.map((p) => p[1])) - Math.min(...before.map((p) => p[1])) <= 0.25 * rise;
    const longBefore = jump.at - first[0] >= 0.5 * duration;
    const killedSoon = last[0] - jump.at <= Math.max(3 * stepSeconds, 0.15 * duration);
    if (flatBefore && longBefore && killedSoon) return { ...reading, shape: 'spike' };
  }
  if (stays && plateauSeconds >= Math.max(0.3 * duration, 3 * stepSeconds)) return { ...reading, shape: 'undersized' };
  if (slope > 0 && r2 >= 0.6 && reading.secondsToPeak >= 0.6 * duration) return { ...reading, shape: 'leak' };
  return reading;
}

/**
 * The verdict over the killed runs: the shape more than half of the readable ones share (or the one
 * readable run's). With no kill in the window, what usage looks like now.
 */
export function decide(runs: readonly Run[], stepSeconds: number, limitBytes: number | undefined): MemoryVerdict {
  const killed = runs.filter((r) => r.killed && r.points.length > 0);
  if (killed.length === 0) {
    const all = runs.flatMap((r) => r.points);
    if (all.length === 0) return { kind: 'no-kill' };
    const latest = [...all].sort((a, b) => b[0] - a[0])[0];
    return { kind: 'no-kill', peakBytes: Math.max(...all.map((p) => p[1])), ...(latest === undefined ? {} : { lastBytes: latest[1] }) };
  }
  const readings = killed.map((r) => readRun(r.points, stepSeconds, limitBytes));
  const peaks = readings.map((r) => r.peak);
  const counts = new Map<RunShape, number>();
  for (const r of readings) if (r.shape !== 'unclear') counts.set(r.shape, (counts.get(r.shape) ?? 0) + 1);
  const [shape, agreeing] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? ['unclear', 0];
  const readable = [...counts.values()].reduce((a, b) => a + b, 0);
  if (shape === 'unclear' || (readable > 1 && agreeing * 2 <= readable))
    return { kind: 'unclear', kills: killed.length, peaks, shapes: readings.map((r) => r.shape) };

  const mine = readings.filter((r) => r.shape === shape);
  const common = { kills: killed.length, agreeing, peaks };
  switch (shape) {
    case 'leak': {
      const slopePerHour = median(mine.map((r) => r.slopePerHour));
      const startBytes = median(mine.map((r) => r.base));
      const usualPeak = median(mine.map((r) => r.peak));
      const atLimit = limitBytes !== undefined && usualPeak >= 0.9 * limitBytes;
      const ceilingBytes = atLimit ? limitBytes : usualPeak;
      return {
        kind: 'leak',
        ...common,
        slopePerHour,
        startBytes,
        ceilingBytes,
        atLimit,
        ...(slopePerHour > 0 ? { hoursToLimit: Math.max(0, ceilingBytes - startBytes) / slopePerHour } : {}),
      };
    }
    case 'undersized': {
      const plateauBytes = Math.max(...mine.map((r) => r.peak));
      return {
        kind: 'undersized',
        ...common,
        plateauBytes,
        minutesToPlateau: median(mine.map((r) => r.secondsToPeak)) / 60,
        // At the limit, the kill hides how much more it wanted: the real need is above what was seen.
        clipped: limitBytes !== undefined && plateauBytes >= 0.95 * limitBytes,
      };
    }
    case 'spike': {
      const latest = [...mine].sort((a, b) => b.end - a.end)[0];
      const jump = latest?.jump ?? { from: 0, to: 0, seconds: 0, at: 0 };
      return { kind: 'spike', ...common, fromBytes: jump.from, toBytes: Math.max(...mine.map((r) => r.peak)), riseSeconds: jump.seconds, at: jump.at };
    }
  }
}
