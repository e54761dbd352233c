/**
 * The in-process `StateStore` (store.ts): one replica's memory, bounded in age, count and weight; a
 * restart forgets it. Claimants of one key take turns in arrival order. It is also what a remote
 * store falls back to (fallback.ts).
 */
import type { PeekableStore } from './store.ts';

export interface MemoryStoreOptions {
  clock?: () => number;
  /** Entries untouched for this long are forgotten (default a day). */
  ttlMs?: number;
  /** The oldest entries go first beyond this many (default 10 000). */
  maxEntries?: number;
  /**
   * The oldest entries go first beyond this many bytes of values, measured as their JSON text (default
   * 8 MiB): a storm of large documents is bounded by what it weighs, not only by how many there are.
   * A single value larger than a quarter of this is not kept at all (its key then reads as new).
   */
  maxBytes?: number;
}

/** The in-process store, which can say how much it holds (for tests of its bounds). */
export interface MemoryStore<T> extends PeekableStore<T> {
  readonly size: number;
  /** What the kept values weigh, as JSON text. */
  readonly bytes: number;
}

/** The in-process store: one replica's memory, bounded in age and size; a restart forgets it. */
export function createMemoryStore<T>(options: MemoryStoreOptions = {}): MemoryStore<T> {
  const clock = options.clock ?? Date.now;
  const ttlMs = options.ttlMs ?? 24 * 3600_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const maxBytes = options.maxBytes ?? 8 * 1024 * 1024;
  // Insertion order is age order: every commit re-inserts its key, so expiry stops at the first fresh entry.
  const values = new Map<string, { value: T; at: number; bytes: number }>();
  let bytes = 0;
  const drop = (key: string): void => {
    const entry = values.get(key);
    if (entry === undefined) return;
    bytes -= entry.bytes;
    values.delete(key);
  };
  // The tail of each key's queue of claimants; absent when no one holds the key.
  const queues = new Map<string, Promise<void>>();

  const expire = (now: number): void => {
    for (const [key, entry] of values) {
      if (now - entry.at < ttlMs) break;
      drop(key);
    }
    while (values.size > maxEntries || bytes > maxBytes) {
      const oldest = values.keys().next();
      if (oldest.done === true) break;
      drop(oldest.value);
    }
  };

  return {
    async claim(key) {
      const before = queues.get(key) ?? Promise.resolve();
      let letNextIn = (): void => {};
      const mine = new Promise<void>((resolve) => {
        letNextIn = resolve;
      });
      const tail = before.then(() => mine);
      queues.set(key, tail);
      await before;
      expire(clock());
      let done = false;
      const finish = (): void => {
        if (done) throw new Error(`state key "${key}" was already committed or released`);
        done = true;
        if (queues.get(key) === tail) queues.delete(key);
        letNextIn();
      };
      return {
        value: values.get(key)?.value,
        async commit(next) {
          drop(key);
          const size = next === undefined ? 0 : key.length + JSON.stringify(next).length;
          if (next !== undefined && size <= maxBytes / 4) {
            values.set(key, { value: next, at: clock(), bytes: size });
            bytes += size;
          }
          expire(clock());
          finish();
        },
        async release() {
          finish();
        },
      };
    },
    async peek(key) {
      expire(clock());
      return values.get(key)?.value;
    },
    get size() {
      return values.size;
    },
    get bytes() {
      return bytes;
    },
  };
}
