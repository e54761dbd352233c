/**
 * The memory decision over series shaped like real OOM histories (test/fixtures/memory/shapes.ts):
 * clean, noisy, gappy, and a healthy container; each row names the verdict and its key numbers.
 */
import { describe, expect, it } from 'vitest';
import { decide, readRun } from '../../../src/history/decide.ts';
import { markKills, type Run, splitAtRestarts } from '../../../src/history/runs.ts';
import { healthy, leak, MI, type Shape, type ShapeOptions, spike, undersized, undersizedUnderLoad } from '../../fixtures/memory/shapes.ts';

const END = 1_800_000_000;
const STEP = 60;

function verdictOf(shape: Shape) {
  const runs = markKills(splitAtRestarts(shape.series), shape.pod, END, STEP);
  return decide(runs, STEP, shape.limitBytes);
}

const cases: { name: string; make: (o: ShapeOptions) => Shape; options: Partial<ShapeOptions>; kind: string }[] = [
  { name: 'leak', make: leak, options: {}, kind: 'leak' },
  { name: 'leak, ±8% noise', make: leak, options: { noise: 0.08, seed: 11 }, kind: 'leak' },
  { name: 'leak, 25% of samples missing in holes', make: leak, options: { gaps: 0.25, seed: 3 }, kind: 'leak' },
  { name: 'undersized', make: undersized, options: {}, kind: 'undersized' },
  { name: 'undersized, noisy and gappy', make: undersized, options: { noise: 0.05, gaps: 0.2, seed: 5 }, kind: 'undersized' },
  { name: 'undersized under load', make: undersizedUnderLoad, options: {}, kind: 'undersized' },
  { name: 'spike', make: spike, options: {}, kind: 'spike' },
  { name: 'spike, ±6% noise', make: spike, options: { noise: 0.06, seed: 9 }, kind: 'spike' },
  { name: 'healthy', make: healthy, options: {}, kind: 'no-kill' },
];

describe('decide', () => {
  it.each(cases)('$name → $kind', ({ make, options, kind }) => {
    expect(verdictOf(make({ end: END, ...options })).kind).toBe(kind);
  });

  it('gives a leak its slope, its time to the limit and the peak before each kill', () => {
    const v = verdictOf(leak({ end: END }));
    if (v.kind !== 'leak') throw new Error(v.kind);
    expect(v.slopePerHour / MI).toBeGreaterThan(165);
    expect(v.slopePerHour / MI).toBeLessThan(195);
    expect(v.hoursToLimit).toBeGreaterThan(1.8);
    expect(v.hoursToLimit).toBeLessThan(2.3);
    expect(v.kills).toBeGreaterThanOrEqual(3);
    expect(v.agreeing).toBe(v.kills);
    for (const peak of v.peaks) expect(peak / MI).toBeGreaterThan(470);
  });

  it('gives an undersized limit its plateau, reached within minutes, and says the limit clipped it', () => {
    const v = verdictOf(undersized({ end: END }));
    if (v.kind !== 'undersized') throw new Error(v.kind);
    expect(v.plateauBytes / MI).toBeGreaterThan(245);
    expect(v.minutesToPlateau).toBeLessThan(5);
    expect(v.clipped).toBe(true);
  });

  it('gives a spike where it started from, how high and how fast', () => {
    const v = verdictOf(spike({ end: END }));
    if (v.kind !== 'spike') throw new Error(v.kind);
    expect(v.fromBytes / MI).toBeLessThan(170);
    expect(v.toBytes / MI).toBeGreaterThan(450);
    expect(v.riseSeconds).toBeLessThanOrEqual(60);
  });

  it('reads the current usage of a container that was never killed', () => {
    const v = verdictOf(healthy({ end: END }));
    expect(v).toMatchObject({ kind: 'no-kill' });
    if (v.kind !== 'no-kill') throw new Error(v.kind);
    expect((v.peakBytes ?? 0) / MI).toBeLessThan(220);
  });

  it('says unclear when the kills disagree', () => {
    const killed = (s: Shape) => s.series.slice(0, 2).map((r) => ({ ...r, killed: true }));
    const v = decide([...killed(leak({ end: END })), ...killed(spike({ end: END }))], STEP, 512 * MI);
    expect(v).toMatchObject({ kind: 'unclear', kills: 4, shapes: ['leak', 'leak', 'spike', 'spike'] });
  });

  it('reads short runs that reach the limit and stay as an undersized limit, not a spike', () => {
    // 30 s scrape, each run 2 minutes: flat at start, then at the 512Mi limit for two samples, killed.
    const run = (start: number): Run => ({
      pod: 'api-0',
      killed: true,
      points: [
        [start, 90 * MI],
        [start + 30, 92 * MI],
        [start + 60, 95 * MI],
        [start + 90, 505 * MI],
        [start + 120, 509 * MI],
      ],
    });
    const runs = [run(END - 900), run(END - 600), run(END - 300)];
    expect(decide(runs, 30, 512 * MI)).toMatchObject({ kind: 'undersized', kills: 3, agreeing: 3, clipped: true });
    // Without the limit the shape alone reads a spike: the limit is what tells them apart.
    expect(decide(runs, 30, undefined).kind).toBe('spike');
    // A long run that jumps to the limit and dies there is still a spike.
    const long: Run = {
      pod: 'api-0',
      killed: true,
      points: [...Array.from({ length: 40 }, (_, i): [number, number] => [END - 3000 + i * 30, 90 * MI]), [END - 1800, 505 * MI], [END - 1770, 509 * MI]],
    };
    expect(decide([long], 30, 512 * MI).kind).toBe('spike');
  });

  it('reads too short a run as unclear and an empty history as no kill', () => {
    expect(
      readRun(
        [
          [0, 1],
          [60, 2],
        ],
        STEP,
      ).shape,
    ).toBe('unclear');
    expect(decide([], STEP, undefined)).toEqual({ kind: 'no-kill' });
  });

  it('cuts one merged series at each restart and marks only the alerted pod or a restarted pod as killed', () => {
    const merged = [
      {
        pod: 'a-0',
        points: leak({ end: END })
          .series.filter((s) => s.pod.endsWith('x2x4q'))
          .flatMap((s) => s.points),
      },
    ];
    const runs = markKills(splitAtRestarts(merged), 'a-0', END, STEP);
    expect(runs.length).toBeGreaterThanOrEqual(3);
    expect(runs.filter((r) => r.killed).length).toBe(runs.length - 1);
    const gone = markKills(
      [
        {
          pod: 'other',
          points: [
            [END - 7200, 1],
            [END - 3600, 2],
          ],
        },
      ],
      'a-0',
      END,
      STEP,
    );
    expect(gone[0]?.killed).toBe(false);
  });
});
