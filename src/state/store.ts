/**
 * The state port: what the pipeline remembers between webhook requests (which alert leads a pod's
 * message, the firing diagnosis a resolve reuses, the pods of a workload's incident), keyed by
 * string, values plain JSON. A key is claimed before it is read and either committed (after the
 * sinks reported delivery) or released unchanged (delivery failed: Alertmanager's resend must find
 * the state as it was). A claim also serializes work on its key: two concurrent requests about one
 * pod or one workload take turns. The methods return promises so that a store shared by replicas
 * (Kubernetes Lease objects) can implement the same port.
 */

export interface Held<T> {
  /** The committed value when the claim was taken; undefined when there is none. */
  readonly value: T | undefined;
  /** Stores `next` (undefined deletes the key) and lets the next claimant in. */
  commit(next: T | undefined): Promise<void>;
  /** Leaves the value as it was and lets the next claimant in. */
  release(): Promise<void>;
}

export interface StateStore<T> {
  /** Waits until no one else holds `key`, then holds it. Always end with commit or release. */
  claim(key: string): Promise<Held<T>>;
}

/**
 * A store that can also be read without a claim: the committed value now, not waiting for a holder.
 * Only for a lookup that saves work when it finds a value (a resend every sink already has); a
 * decision that changes state claims.
 */
export interface PeekableStore<T> extends StateStore<T> {
  peek(key: string): Promise<T | undefined>;
}

/** Another holder kept the key longer than the caller may wait: the caller answers retry-later. */
export class ClaimTimeoutError extends Error {
  override readonly name = 'ClaimTimeoutError';
  constructor(store: string, key: string, waitedMs: number) {
    super(`state "${store}" key is held by another replica after ${waitedMs} ms (${key.length} characters)`);
  }
}

/** Claims several keys in sorted order (so that two requests never wait on each other in a cycle). */
export async function claimAll<T>(store: StateStore<T>, keys: Iterable<string>): Promise<Map<string, Held<T>>> {
  const held = new Map<string, Held<T>>();
  for (const key of [...new Set(keys)].sort()) held.set(key, await store.claim(key));
  return held;
}
