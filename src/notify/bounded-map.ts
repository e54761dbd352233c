/**
 * A Map with a size cap and a time-to-live, for in-memory state that must not grow without bound
 * (Slack message timestamps, mail threading). Oldest entries go first when the cap is reached.
 */
export interface BoundedMap<V> {
  get(key: string): V | undefined;
  set(key: string, value: V): void;
  readonly size: number;
}

export function createBoundedMap<V>(options: { clock: () => number; ttlMs: number; maxEntries: number }): BoundedMap<V> {
  // Insertion order is age order because `set` re-inserts: the oldest entry is always first.
  const entries = new Map<string, { value: V; at: number }>();
  const sweep = (now: number): void => {
    for (const [k, e] of entries) {
      if (now - e.at < options.ttlMs) break;
      entries.delete(k);
    }
  };
  return {
    get(key) {
      sweep(options.clock());
      return entries.get(key)?.value;
    },
    set(key, value) {
      const now = options.clock();
      entries.delete(key);
      entries.set(key, { value, at: now });
      sweep(now);
      while (entries.size > options.maxEntries) {
        const oldest = entries.keys().next();
        if (oldest.done === true) break;
        entries.delete(oldest.value);
      }
    },
    get size() {
      return entries.size;
    },
  };
}
