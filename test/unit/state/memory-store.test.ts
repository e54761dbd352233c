import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../../src/state/memory-store.ts';
import { claimAll } from '../../../src/state/store.ts';

describe('memory state store', () => {
  it('stores on commit and keeps the old value on release', async () => {
    const store = createMemoryStore<number>();
    await (await store.claim('k')).commit(1);
    const held = await store.claim('k');
    expect(held.value).toBe(1);
    await held.release();
    expect((await store.claim('k')).value).toBe(1);
  });

  it('peeks at the committed value without waiting for a holder, and not past its age', async () => {
    let now = 0;
    const store = createMemoryStore<number>({ clock: () => now, ttlMs: 1000 });
    await (await store.claim('k')).commit(1);
    const held = await store.claim('k');
    expect(await store.peek('k')).toBe(1);
    await held.commit(2);
    expect(await store.peek('k')).toBe(2);
    now = 1500;
    expect(await store.peek('k')).toBeUndefined();
  });

  it('deletes a key committed as undefined', async () => {
    const store = createMemoryStore<number>();
    await (await store.claim('k')).commit(1);
    await (await store.claim('k')).commit(undefined);
    expect((await store.claim('k')).value).toBeUndefined();
  });

  it('lets one claimant of a key in at a time, in arrival order', async () => {
    const store = createMemoryStore<number>();
    const order: string[] = [];
    const first = await store.claim('k');
    const second = store.claim('k').then(async (h) => {
      order.push(`second saw ${h.value}`);
      await h.commit((h.value ?? 0) + 1);
    });
    const other = store.claim('other').then(async (h) => {
      order.push('other key');
      await h.release();
    });
    await other;
    order.push('first commits');
    await first.commit(1);
    await second;
    expect(order).toEqual(['other key', 'first commits', 'second saw 1']);
    expect((await store.claim('k')).value).toBe(2);
  });

  it('refuses a second commit or release of one claim', async () => {
    const held = await createMemoryStore<number>().claim('k');
    await held.release();
    await expect(held.commit(1)).rejects.toThrow(/already committed or released/);
  });

  it('forgets entries after their time to live and beyond its size', async () => {
    let now = 0;
    const store = createMemoryStore<number>({ clock: () => now, ttlMs: 1000, maxEntries: 2 });
    for (const key of ['a', 'b', 'c']) await (await store.claim(key)).commit(1);
    expect((await store.claim('a')).value).toBeUndefined();
    now = 1500;
    expect((await store.claim('c')).value).toBeUndefined();
  });

  it('claims several keys once each', async () => {
    const store = createMemoryStore<number>();
    const held = await claimAll(store, ['b', 'a', 'b']);
    expect([...held.keys()]).toEqual(['a', 'b']);
  });
});
