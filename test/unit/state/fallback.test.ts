/** The memory fallback any remote store gets, against a scripted remote (the Lease adapter's own tests use the fake API server). */
import { describe, expect, it } from 'vitest';
import { type RemoteStore, withMemoryFallback } from '../../../src/state/fallback.ts';
import { ClaimTimeoutError } from '../../../src/state/store.ts';

type Mode = 'up' | 'down' | 'busy' | 'too-large';

function scriptedRemote(): { remote: RemoteStore<number>; mode: Mode; values: Map<string, number> } {
  const state = { mode: 'up' as Mode, values: new Map<string, number>() };
  const remote: RemoteStore<number> = {
    async peek(key) {
      if (state.mode === 'down') throw new Error('connect ECONNREFUSED');
      return state.values.get(key);
    },
    async claim(key) {
      if (state.mode === 'down') throw new Error('connect ECONNREFUSED');
      if (state.mode === 'busy') throw new ClaimTimeoutError('test', key, 10);
      return {
        value: state.values.get(key),
        async commit(next) {
          if (state.mode === 'too-large') return { kept: false, reason: 'value too large' };
          if (next === undefined) state.values.delete(key);
          else state.values.set(key, next);
          return { kept: true };
        },
        async release() {},
      };
    },
  };
  return Object.assign(state, { remote });
}

describe('withMemoryFallback', () => {
  const setup = () => {
    const s = scriptedRemote();
    const degraded: string[] = [];
    const store = withMemoryFallback(s.remote, {
      store: 'test',
      clock: Date.now,
      ttlMs: 60_000,
      onDegraded: (name, reason) => degraded.push(`${name}: ${reason}`),
    });
    return { s, store, degraded };
  };

  it('reads and writes the remote while it is usable; memory is never read then', async () => {
    const { s, store, degraded } = setup();
    await (await store.claim('k')).commit(1);
    expect(s.values.get('k')).toBe(1);
    s.values.set('k', 2); // another replica wrote
    expect((await store.claim('k')).value).toBe(2);
    expect(degraded).toEqual([]);
  });

  it('serves a claim from memory when the remote is down, and reads that value back when the remote has none', async () => {
    const { s, store, degraded } = setup();
    s.mode = 'down';
    const held = await store.claim('k');
    expect(held.value).toBeUndefined();
    await held.commit(7);
    expect(degraded).toEqual(['test: connect ECONNREFUSED']);
    s.mode = 'up';
    const again = await store.claim('k');
    expect(again.value).toBe(7); // the remote has nothing: this replica's memory is the newer word
    await again.release();
  });

  it('keeps a value the remote refused in memory, saying why', async () => {
    const { s, store, degraded } = setup();
    s.mode = 'too-large';
    await (await store.claim('k')).commit(9);
    expect(degraded).toEqual(['test: value too large']);
    s.mode = 'up';
    expect((await store.claim('k')).value).toBe(9);
  });

  it('passes on a claim another holder keeps, and lets the next claimant of this process in', async () => {
    const { s, store, degraded } = setup();
    s.mode = 'busy';
    await expect(store.claim('k')).rejects.toBeInstanceOf(ClaimTimeoutError);
    s.mode = 'up';
    const held = await store.claim('k'); // not stuck behind the failed claim
    await held.release();
    expect(degraded).toEqual([]);
  });

  it('lets claimants of one key in this process take turns', async () => {
    const { store } = setup();
    const first = await store.claim('k');
    let second = false;
    const waiting = store.claim('k').then((h) => {
      second = true;
      return h;
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(second).toBe(false);
    await first.commit(1);
    expect((await waiting).value).toBe(1);
  });

  it("peeks without claiming: the remote value, or a value only this replica kept; an unusable remote is the caller's to handle", async () => {
    const { s, store, degraded } = setup();
    s.values.set('k', 3);
    const held = await store.claim('k');
    expect(await store.peek('k')).toBe(3); // not waiting for the holder
    await held.release();
    expect(await store.peek('none')).toBeUndefined();
    s.mode = 'too-large';
    await (await store.claim('big')).commit(9);
    s.mode = 'up';
    expect(await store.peek('big')).toBe(9);
    s.mode = 'down';
    await expect(store.peek('k')).rejects.toThrow('ECONNREFUSED');
    expect(degraded).toEqual(['test: value too large']);
  });
});
