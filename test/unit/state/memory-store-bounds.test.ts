/** The memory store is bounded by bytes as well as by entries and age, so a storm of large documents cannot exhaust the heap. */
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../../src/state/memory-store.ts';

const commit = async (store: ReturnType<typeof createMemoryStore<string>>, key: string, value: string) => (await store.claim(key)).commit(value);

describe('memory store bounds', () => {
  it('drops the oldest entries once the values weigh more than maxBytes', async () => {
    const store = createMemoryStore<string>({ maxBytes: 10_000 });
    for (let i = 0; i < 100; i++) await commit(store, `k${i}`, 'x'.repeat(1000));
    expect(store.bytes).toBeLessThanOrEqual(10_000);
    expect(store.size).toBeLessThanOrEqual(10);
    expect((await store.claim('k99')).value).toHaveLength(1000);
    expect((await store.claim('k0')).value).toBeUndefined();
  });

  it('does not keep a single value larger than a quarter of maxBytes, and keeps its count right', async () => {
    const store = createMemoryStore<string>({ maxBytes: 10_000 });
    await commit(store, 'small', 'x');
    await commit(store, 'huge', 'x'.repeat(5000));
    expect((await store.claim('huge')).value).toBeUndefined();
    expect(store.size).toBe(1);
    expect(store.bytes).toBe('small'.length + JSON.stringify('x').length);
  });

  it('re-committing a key replaces its weight; deleting it frees it', async () => {
    const store = createMemoryStore<string>();
    await commit(store, 'k', 'x'.repeat(100));
    await commit(store, 'k', 'x'.repeat(10));
    expect(store.bytes).toBe(1 + 12);
    await (await store.claim('k')).commit(undefined);
    expect(store.bytes).toBe(0);
  });

  it('expires by age from the oldest end, without visiting fresh entries', async () => {
    let now = 0;
    const store = createMemoryStore<string>({ clock: () => now, ttlMs: 1000 });
    await commit(store, 'old', 'a');
    now = 600;
    await commit(store, 'new', 'b');
    now = 1200;
    await commit(store, 'newest', 'c');
    expect(store.size).toBe(2);
    expect((await store.claim('old')).value).toBeUndefined();
  });
});
