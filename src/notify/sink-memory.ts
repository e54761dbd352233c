/**
 * What a sink remembers between deliveries (the Slack message to update on resolve, the steps done):
 * in this process by default, or over a `StateStore` shared by replicas (Kubernetes Leases), so the
 * resolve that reaches the other replica still updates the original message. Reads and writes are
 * whole values; concurrent deliveries of one alert are already serialized by the delivery ledger.
 */
import type { StateStore } from '../state/store.ts';
import { createBoundedMap } from './bounded-map.ts';

export interface SinkMemory<V> {
  get(key: string): Promise<V | undefined>;
  set(key: string, value: V): Promise<void>;
}

/** Builds the memory a sink keeps under `name` (values live `ttlMs`, at most `maxEntries` in process). */
export type SinkMemoryFactory = <V>(name: string, options: { clock: () => number; ttlMs: number; maxEntries: number }) => SinkMemory<V>;

/** One process's memory, bounded in size and age. */
export const processMemory: SinkMemoryFactory = <V>(_name: string, options: { clock: () => number; ttlMs: number; maxEntries: number }) => {
  const map = createBoundedMap<V>(options);
  return {
    get: async (key: string) => map.get(key),
    set: async (key: string, value: V) => map.set(key, value),
  };
};

/** A memory over a shared store: each read and write claims the key briefly. */
export function memoryOver<V>(store: StateStore<V>, prefix: string): SinkMemory<V> {
  return {
    async get(key) {
      const held = await store.claim(`${prefix}\n${key}`);
      await held.release();
      return held.value;
    },
    async set(key, value) {
      const held = await store.claim(`${prefix}\n${key}`);
      await held.commit(value);
    },
  };
}
