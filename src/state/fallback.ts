/**
 * The policy every remote `StateStore` gets: memory first, and memory when the remote is unusable.
 *
 * - In-process claimants of a key take turns on a memory store first, so a replica never spends
 *   remote calls waiting on its own neighbour.
 * - That memory store is the fallback: when the remote cannot be used (network, timeout, 5xx, 403),
 *   the claim is served from this replica's memory, reported through `onDegraded` (logged and
 *   counted by the caller), so an alert is still delivered; what can double then is in the README
 *   ("Two replicas"). A `ClaimTimeoutError` (another replica holds the key) is not a failure of the
 *   remote: it is passed on, and the caller answers retry-later.
 * - A value the remote could not keep (unreachable at commit, too large) stays in memory marked
 *   `onlyHere`: this replica's memory is then the newer word and is read when the remote has none.
 *   Otherwise the remote is, and memory is never read.
 *
 * A backend (lease-store.ts) implements `RemoteStore` and is wrapped here; adding one is its file.
 */
import { createMemoryStore } from './memory-store.ts';
import { ClaimTimeoutError, type Held, type PeekableStore } from './store.ts';

/** A key held in the remote: commit says whether the remote kept the value. */
export interface RemoteHeld<T> {
  readonly value: T | undefined;
  /** Stores `next` (undefined deletes); answers a reason when the remote could not keep it (it then keeps no stale value). */
  commit(next: T | undefined): Promise<{ kept: true } | { kept: false; reason: string }>;
  release(): Promise<void>;
}

export interface RemoteStore<T> {
  /** Holds `key` in the remote; throws `ClaimTimeoutError` when another holder keeps it too long, anything else when the remote is unusable. */
  claim(key: string): Promise<RemoteHeld<T>>;
  /** The committed value now, without claiming (one read); throws when the remote is unusable. */
  peek(key: string): Promise<T | undefined>;
}

export interface FallbackOptions {
  /** The store's name, passed to onDegraded. */
  store: string;
  clock: () => number;
  /** How long memory keeps a value (the remote's own time to live). */
  ttlMs: number;
  /** The remote could not be used (or could not keep a value): `reason` in words, without secrets. */
  onDegraded?: (store: string, reason: string) => void;
  /** The words for a remote's error; its message by default. */
  describe?: (err: unknown) => string;
}

export function withMemoryFallback<T>(remote: RemoteStore<T>, options: FallbackOptions): PeekableStore<T> {
  const local = createMemoryStore<{ value: T; onlyHere: boolean }>({ clock: options.clock, ttlMs: options.ttlMs });
  const describe = options.describe ?? ((err: unknown) => (err instanceof Error ? err.message : String(err)));

  const degrade = (held: Held<{ value: T; onlyHere: boolean }>, err: unknown): Held<T> => {
    options.onDegraded?.(options.store, describe(err));
    return {
      value: held.value?.value,
      commit: (next) => held.commit(next === undefined ? undefined : { value: next, onlyHere: true }),
      release: () => held.release(),
    };
  };

  return {
    // A lookup is not a claim: a remote that cannot be read is not served from memory here, the
    // error goes to the caller, which then does the work as if nothing were found.
    async peek(key) {
      const there = await remote.peek(key);
      if (there !== undefined) return there;
      const mine = await local.peek(key);
      return mine?.onlyHere === true ? mine.value : undefined;
    },
    async claim(key) {
      const mine = await local.claim(key);
      let there: RemoteHeld<T>;
      try {
        there = await remote.claim(key);
      } catch (err) {
        if (err instanceof ClaimTimeoutError) {
          await mine.release();
          throw err;
        }
        return degrade(mine, err);
      }
      return {
        value: there.value ?? (mine.value?.onlyHere === true ? mine.value.value : undefined),
        async commit(next) {
          let onlyHere = false;
          try {
            const result = await there.commit(next);
            if (!result.kept) {
              options.onDegraded?.(options.store, result.reason);
              onlyHere = true;
            }
          } finally {
            await mine.commit(next === undefined ? undefined : { value: next, onlyHere });
          }
        },
        async release() {
          try {
            await there.release();
          } finally {
            await mine.release();
          }
        },
      };
    },
  };
}
