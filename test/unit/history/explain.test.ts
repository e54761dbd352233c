/**
 * The verdict written into a real diagnosis (the fixture corpus' OOM cases through `diagnose`): detail,
 * proof, the fix per verdict and runtime, and today's undecided advice replaced, not repeated.
 */
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/diagnosis/diagnose.ts';
import type { MemoryHistory } from '../../../src/diagnosis/document.ts';
import type { MemoryVerdict } from '../../../src/history/decide.ts';
import { explainMemory, type MemoryContext, roundUpLimit } from '../../../src/history/explain.ts';
import { sparkline } from '../../../src/history/sparkline.ts';
import { fixtures, toEvidence } from '../../fixtures/diagnosis/index.ts';
import { MI } from '../../fixtures/memory/shapes.ts';

const fixture = (name: string) => {
  const f = fixtures.find((x) => x.name === name);
  if (f === undefined) throw new Error(`no fixture ${name}`);
  return f;
};
const oom = diagnose(toEvidence(fixture('oom-killed-outranks-liveness-events')));
const history: MemoryHistory = {
  start: 0,
  end: 6 * 3600,
  stepSeconds: 60,
  limitBytes: 512 * MI,
  runs: [
    {
      pod: 'p',
      points: [
        [600, 130 * MI],
        [4000, 300 * MI],
        [7800, 500 * MI],
      ],
    },
    {
      pod: 'q',
      points: [
        [8000, 130 * MI],
        [9000, 200 * MI],
      ],
    },
  ],
  kills: [7800],
  pod: 'p',
};
const ctx: MemoryContext = { namespace: 'shop', pod: 'p', container: 'api', workloadRef: 'deployment/api', requestEqualsLimit: false, windowHours: 6 };
const peaks = [500 * MI, 505 * MI];

describe('explainMemory', () => {
  it('replaces the “tell a leak from a limit” advice and the blind ×2 of a real OOM diagnosis', () => {
    expect(oom.cause.id).toBe('oom-killed');
    expect(oom.remedies.map((r) => r.title).join('\n')).toMatch(/Raise the memory limit from[\s\S]*Then tell a leak/);
    const leak: MemoryVerdict = {
      kind: 'leak',
      kills: 2,
      agreeing: 2,
      slopePerHour: 180 * MI,
      startBytes: 130 * MI,
      ceilingBytes: 512 * MI,
      atLimit: true,
      hoursToLimit: 2.1,
      peaks,
    };
    const out = explainMemory(oom, leak, history, ctx);
    expect(out.remedies.map((r) => r.title).join('\n')).not.toMatch(/Then tell a leak|Raise the memory limit from/);
    expect(out.remedies[0]?.title).toBe('A leak: fix the code. Raising the limit to 1Gi only buys about 2.8 h per run');
    expect(out.cause).toMatchObject({ id: 'oom-killed', detail: 'memory-leak' });
    expect(out.memory?.verdict).toBe('leak: +180Mi/h from ~130Mi, at the limit 2.1 h after each start');
  });

  it('a leak that dies below the limit (a runtime heap cap) says so, and that a bigger heap only buys time', () => {
    const v: MemoryVerdict = {
      kind: 'leak',
      kills: 3,
      agreeing: 3,
      slopePerHour: 200 * MI,
      startBytes: 100 * MI,
      ceilingBytes: 300 * MI,
      atLimit: false,
      hoursToLimit: 1,
      peaks,
    };
    const out = explainMemory(oom, v, history, { ...ctx, runtime: 'node' });
    expect(out.cause.summary).toMatch(/dying at about 300Mi \(below the 512Mi limit: the runtime's heap cap\) 1\.0 h after each start\.$/);
    expect(out.remedies[0]?.title).toBe('A leak: fix the code. Doubling the heap (and the limit with it) only buys about 1.5 h per run');
    expect(out.remedies[0]?.commands.join('\n')).not.toMatch(/set resources/);
  });

  it.each([
    ['jvm', /jcmd 1 GC\.heap_dump/],
    [
      'node',
      /kubectl set env deployment\/api -n shop -c api 'NODE_OPTIONS=--max-old-space-size=384 --heapsnapshot-signal=SIGUSR2'\nkubectl exec -n shop deployment\/api -c api -- kill -USR2 1/,
    ],
    ['go', /go tool pprof -top http:\/\/localhost:6060\/debug\/pprof\/heap/],
    ['python', /tracemalloc/],
    // No profiler known: the raised limit alone, not a `kubectl top` for the growth rate the message already quotes.
    [undefined, /^kubectl set resources deployment\/api -n shop -c api --limits=memory=1Gi/],
  ])('a leak in %s gets its heap-profile hint', (runtime, hint) => {
    const leak: MemoryVerdict = {
      kind: 'leak',
      kills: 2,
      agreeing: 2,
      slopePerHour: 50 * MI,
      startBytes: 100 * MI,
      ceilingBytes: 512 * MI,
      atLimit: true,
      peaks,
    };
    const out = explainMemory(oom, leak, history, { ...ctx, nodeOptions: '--max-old-space-size=384', ...(runtime === undefined ? {} : { runtime }) });
    expect(out.remedies[0]?.commands.join('\n')).toMatch(hint);
  });

  it('an undersized limit with its own heap flag (-Xmx768m at a 512Mi limit): the raised limit holds that heap and the rest', () => {
    const v: MemoryVerdict = { kind: 'undersized', kills: 3, agreeing: 3, plateauBytes: 507 * MI, minutesToPlateau: 2, clipped: true, peaks };
    const out = explainMemory(oom, v, history, { ...ctx, heapBytes: 768 * MI });
    expect(out.remedies[0]).toEqual({
      kind: 'remedy',
      title: 'The limit is too small: raise it from 512Mi to 1Gi (its 768Mi heap flag needs room under the limit: heap ÷ 0.75)',
      commands: ['kubectl set resources deployment/api -n shop -c api --limits=memory=1Gi'],
    });
    // Without a heap flag, usage alone decides (+50% of a limit it sat at).
    expect(explainMemory(oom, v, history, ctx).remedies[0]?.commands).toEqual(['kubectl set resources deployment/api -n shop -c api --limits=memory=768Mi']);
  });

  it('an undersized limit gets the peak + 25%, never less than 25% over today’s limit; a bare pod gets the manifest change', () => {
    const v: MemoryVerdict = { kind: 'undersized', kills: 3, agreeing: 3, plateauBytes: 600 * MI, minutesToPlateau: 2, clipped: false, peaks };
    const out = explainMemory(oom, v, { ...history, limitBytes: 256 * MI }, { ...ctx, requestEqualsLimit: true });
    expect(out.remedies[0]).toEqual({
      kind: 'remedy',
      title: 'The limit is too small: raise it from 256Mi to 768Mi (the observed peak 600Mi + 25% headroom)',
      commands: ['kubectl set resources deployment/api -n shop -c api --limits=memory=768Mi --requests=memory=768Mi'],
    });
    const below = explainMemory(oom, { ...v, plateauBytes: 400 * MI }, history, ctx);
    expect(below.remedies[0]?.title).toBe(
      "The limit is too small: raise it from 512Mi to 640Mi (usage levels off at 400Mi, below the limit: the runtime's own cap ran out; raise it with the limit)",
    );
    const { workloadRef: _w, ...bare } = ctx;
    expect(explainMemory(oom, v, history, bare).remedies[0]?.commands).toEqual([
      "# the pod's owner cannot be patched in place: set resources.limits.memory: 768Mi in its manifest and re-create it",
    ]);
  });

  it('a spike names when it rose and what to bound', () => {
    const v: MemoryVerdict = { kind: 'spike', kills: 2, agreeing: 2, fromBytes: 150 * MI, toBytes: 480 * MI, riseSeconds: 30, at: 3600 * 5, peaks };
    const out = explainMemory(oom, v, history, ctx);
    expect(out.cause.detail).toBe('memory-spike');
    expect(out.remedies[0]?.title).toBe(
      'A burst: find what ran at 05:00 UTC (a large request, a batch, a report) and bound it; or give the burst room (640Mi)',
    );
    expect(out.evidence.at(-2)?.text).toBe('2 of 2 runs were flat, then rose from 150Mi to 480Mi within 30 s and were killed (last rise at 05:00 UTC)');
  });

  it('unclear and no-kill add proof only: no detail, today’s remedies kept', () => {
    for (const v of [
      { kind: 'unclear', kills: 3, peaks, shapes: ['leak', 'spike', 'unclear'] },
      { kind: 'no-kill', peakBytes: 210 * MI, lastBytes: 190 * MI },
    ] as MemoryVerdict[]) {
      const out = explainMemory(oom, v, history, ctx);
      expect(out.cause.detail).toBeUndefined();
      expect(out.remedies).toEqual(oom.remedies);
      expect(out.evidence.filter((e) => e.source === 'metrics').length).toBeGreaterThanOrEqual(2);
    }
  });

  it('rounds limits up to 64Mi steps below 1Gi and 256Mi above', () => {
    expect([roundUpLimit(300 * MI), roundUpLimit(1100 * MI), roundUpLimit(1024 * MI)].map((b) => b / MI)).toEqual([320, 1280, 1024]);
  });

  it('draws the alerted pod in the sparkline, with a blank where there is no sample', () => {
    const line = sparkline(history, 12);
    expect(line).toMatch(/^[▁▂▃▄▅▆▇█·]{12} {2}min 130Mi · max 500Mi · limit 512Mi$/);
    expect(sparkline({ ...history, runs: [] })).toBe('');
    expect(sparkline({ ...history, limitBytes: 2 * 1024 ** 3 })).toMatch(/limit 2Gi$/);
  });
});
