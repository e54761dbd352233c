import { describe, expect, it } from 'vitest';
import type { IncidentRef } from '../../../src/diagnosis/document.ts';
import { decideStorm, type StormState, stormAfter, stormKey } from '../../../src/incidents/storm.ts';

const settings = { threshold: 2, windowMs: 5 * 60_000 };
const incident = (name: string, news: IncidentRef['news'] = 'opened', firing = 3): IncidentRef => ({
  id: `shop/deployment/${name}@t`,
  workload: { kind: 'Deployment', name },
  pods: Array.from({ length: 3 }, (_, i) => ({
    name: `${name}-${i}`,
    cause: 'oom-killed',
    title: 'OOMKilled (exit 137)',
    status: i < firing ? 'firing' : 'resolved',
  })),
  news,
  summary: [],
});
const at = (minutes: number): string => new Date(Date.parse('2026-11-30T13:00:00Z') + minutes * 60_000).toISOString();

function run(events: [IncidentRef, number][], start?: StormState) {
  let state = start;
  const storms = events.map(([i, minute]) => {
    const d = decideStorm(state, i, 'shop', at(minute), settings);
    state = d.next;
    return d.storm;
  });
  return { storms, state };
}

describe('storm digest', () => {
  it('lists the incidents beyond the threshold in one digest, opened once, then updated', () => {
    const { storms } = run([
      [incident('cart'), 0],
      [incident('search'), 1],
      [incident('orders'), 2],
      [incident('payments'), 3],
    ]);
    expect(storms.slice(0, 2)).toEqual([undefined, undefined]);
    expect(storms[2]?.news).toBe('opened');
    expect(storms[3]).toEqual({
      id: storms[2]?.id,
      news: 'updated',
      lines: [
        'Crash-loop storm in shop: 2 more workloads in one digest, 2 still crash looping',
        'deployment/orders: OOMKilled (exit 137), 3 pods',
        'deployment/payments: OOMKilled (exit 137), 3 pods',
      ],
    });
  });

  it('counts only incidents opened within the window', () => {
    const { storms } = run([
      [incident('cart'), 0],
      [incident('search'), 4],
      [incident('orders'), 6],
    ]);
    expect(storms).toEqual([undefined, undefined, undefined]);
  });

  it('keeps a listed incident up to date, and ends the digest when nothing in it fires any more', () => {
    const first = run([
      [incident('cart'), 0],
      [incident('search'), 0],
      [incident('orders'), 0],
    ]);
    const recovered = run([[incident('orders', 'closed', 0), 10]], first.state);
    expect(recovered.storms[0]?.lines[1]).toBe('deployment/orders: OOMKilled (exit 137), recovered (3 pods)');
    // Later, calm: a new incident is a message of its own again.
    expect(run([[incident('cart'), 20]], recovered.state).storms).toEqual([undefined]);
  });

  it('keys storms by cluster and namespace', () => {
    expect(stormKey('eu-1', 'shop')).not.toBe(stormKey('us-1', 'shop'));
  });
});

describe('stormAfter: the storm state kept after a partly failed delivery', () => {
  const listed = (incident: string) => ({ incident, workload: `deployment/${incident}`, cause: 'app-crash' as const, title: 'exit 1', firing: 1, pods: 1 });
  const before: StormState = { opened: [{ incident: 'a', at: '2026-01-01T00:00:00Z' }], digest: { id: 'shop@t', listed: [listed('a')], told: ['slack'] } };
  const next: StormState = {
    opened: [...before.opened, { incident: 'b', at: '2026-01-01T00:01:00Z' }],
    digest: { id: 'shop@t', listed: [listed('a'), listed('b')], told: ['slack'] },
  };
  it('adds the sinks that took the digest', () => {
    expect(stormAfter(next, before, ['teams'], new Set())?.digest?.told).toEqual(['slack', 'teams']);
  });
  it('drops an incident no sink took, unless it was counted before', () => {
    const kept = stormAfter(next, before, [], new Set(['a', 'b']));
    expect(kept?.opened.map((o) => o.incident)).toEqual(['a']);
    expect(kept?.digest?.listed.map((l) => l.incident)).toEqual(['a']);
  });
  it('a digest of which nothing was taken is not kept; a state older than told keeps none', () => {
    expect(stormAfter({ opened: [], digest: { id: 'x', listed: [listed('c')], told: [] } }, undefined, [], new Set(['c']))).toBeUndefined();
    expect(stormAfter({ opened: [], digest: { id: 'x', listed: [listed('c')] } }, undefined, ['slack'], new Set())?.digest).toEqual({
      id: 'x',
      listed: [listed('c')],
    });
  });
});
