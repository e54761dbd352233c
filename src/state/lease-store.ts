/**
 * A `StateStore` shared by replicas: one `coordination.k8s.io/v1` Lease per key in the service's own
 * namespace, written with optimistic concurrency, so no server besides the cluster's API is needed.
 *
 * - peek: one GET of the Lease, its committed value (404: none); no claim, no wait for a holder.
 * - claim: create the Lease with us as `spec.holderIdentity` (409 AlreadyExists: it exists, read it);
 *   a Lease held by someone whose `renewTime + leaseDurationSeconds` has not passed is waited for
 *   (polling, at most `maxWaitMs`); a free or expired one is taken over by an update carrying its
 *   `metadata.resourceVersion` (409 Conflict: another replica won the race, look again).
 * - commit: the value goes into an annotation (compact JSON, bounded) with its expiry, the holder is
 *   cleared; committing undefined deletes the Lease. release clears the holder (or deletes a Lease
 *   this claim created). A replica that dies while holding leaves a claim that simply expires.
 * - Lease names are `crashtriage-<store>-<sha256 prefix of the key>` (valid DNS-1123 names for any
 *   key); the readable key is kept in an annotation. Every Lease carries
 *   `app.kubernetes.io/name=crashtriage`, so `kubectl delete leases -l app.kubernetes.io/name=crashtriage`
 *   removes them all. Values expire after `ttlMs`; `collectGarbage` deletes expired Leases.
 * - It gets the fallback policy every remote store gets (fallback.ts): in-process claimants take
 *   turns in memory first, and when the API cannot be reached (network, timeout, 5xx, 403) the claim
 *   is served from this replica's memory, logged and counted (`onDegraded`).
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { V1ObjectMeta } from '@kubernetes/client-node';
import { KubeReadError } from '../kube/kube-error.ts';
import { type RemoteHeld, type RemoteStore, withMemoryFallback } from './fallback.ts';
import { ClaimTimeoutError, type PeekableStore } from './store.ts';

export const LEASE_LABELS = { 'app.kubernetes.io/name': 'crashtriage' } as const;
const STORE_LABEL = 'crashtriage.io/store';
const KEY_ANNOTATION = 'crashtriage.io/key';
const VALUE_ANNOTATION = 'crashtriage.io/value';
const EXPIRES_ANNOTATION = 'crashtriage.io/expires';

/** A `coordination.k8s.io/v1` Lease as the API writes it: its times are MicroTime strings (6 fractional digits). */
export interface Lease {
  apiVersion?: string;
  kind?: string;
  metadata?: V1ObjectMeta;
  spec?: LeaseSpec;
}

export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

/** The Lease calls the store makes (lease-api.ts over REST; failures are `KubeReadError`s). */
export interface LeaseApi {
  readNamespacedLease(param: { name: string; namespace: string }): Promise<Lease>;
  createNamespacedLease(param: { namespace: string; body: Lease }): Promise<Lease>;
  replaceNamespacedLease(param: { name: string; namespace: string; body: Lease }): Promise<Lease>;
  deleteNamespacedLease(param: { name: string; namespace: string; body?: { preconditions?: { resourceVersion?: string } } }): Promise<unknown>;
  listNamespacedLease(param: { namespace: string; labelSelector?: string; limit?: number; continue?: string }): Promise<{
    items: Lease[];
    metadata?: { continue?: string };
  }>;
}

/** MicroTime as the API server writes and demands it: RFC 3339 in UTC with 6 fractional digits (a Date has 3). */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}

export interface LeaseStoreOptions {
  api: LeaseApi;
  namespace: string;
  /** Which state this is (`ledger`, `pod-alerts`, …): part of every Lease name and a label. */
  store: string;
  /** This replica's identity (the pod name). */
  holder: string;
  /** How long a committed value lives. */
  ttlMs: number;
  /** How long a claim protects its holder; a dead holder's claim is taken over after this. */
  claimSeconds?: number;
  /** Longest wait for another holder; then the claim fails (the caller answers retry-later). */
  maxWaitMs?: number;
  /** Largest value kept in the Lease (bytes of JSON); larger ones stay in this replica's memory. */
  maxValueBytes?: number;
  clock?: () => number;
  /** The API could not be used: the claim is served from memory. */
  onDegraded?: (store: string, reason: string) => void;
}

export interface LeaseStore<T> extends PeekableStore<T> {
  /** Deletes Leases of this store whose value expired and that no one holds; returns how many. */
  collectGarbage(options?: { maxDeletes?: number }): Promise<number>;
}

/** Names stay valid DNS-1123 subdomains whatever the key: a hash of it, 40 hex digits (160 bits). */
export function leaseName(store: string, key: string): string {
  return `crashtriage-${store}-${createHash('sha256').update(key).digest('hex').slice(0, 40)}`;
}

/** The API server said the object changed or exists (409), or is gone (404): the race was lost, look again. */
function statusOf(err: unknown): number | undefined {
  return err instanceof KubeReadError ? err.status : undefined;
}

class LostRace extends Error {}

export function createLeaseStore<T>(options: LeaseStoreOptions): LeaseStore<T> {
  const { api, namespace, store, holder } = options;
  const clock = options.clock ?? Date.now;
  const claimSeconds = options.claimSeconds ?? 30;
  const maxWaitMs = options.maxWaitMs ?? 10_000;
  const maxValueBytes = options.maxValueBytes ?? 64 * 1024;
  const isHeldByOther = (lease: Lease, now: number): boolean => {
    const spec = lease.spec;
    if (spec?.holderIdentity === undefined || spec.holderIdentity === '' || spec.holderIdentity === holder) return false;
    const renewed = spec.renewTime ?? spec.acquireTime;
    if (renewed === undefined) return false;
    return new Date(renewed).getTime() + (spec.leaseDurationSeconds ?? claimSeconds) * 1000 > now;
  };

  const storedValue = (lease: Lease, now: number): T | undefined => {
    const annotations = lease.metadata?.annotations ?? {};
    const raw = annotations[VALUE_ANNOTATION];
    const expires = Date.parse(annotations[EXPIRES_ANNOTATION] ?? '');
    if (raw === undefined || !(expires > now)) return undefined;
    return JSON.parse(raw) as T;
  };

  const claimSpec = (now: number): LeaseSpec => ({
    holderIdentity: holder,
    leaseDurationSeconds: claimSeconds,
    acquireTime: microTime(now),
    renewTime: microTime(now),
  });

  /** One attempt: the held Lease, or undefined when someone else holds it. */
  const tryClaim = async (key: string, name: string): Promise<{ lease: Lease; created: boolean } | undefined> => {
    const now = clock();
    try {
      const lease = await api.createNamespacedLease({
        namespace,
        body: {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name, namespace, labels: { ...LEASE_LABELS, [STORE_LABEL]: store }, annotations: { [KEY_ANNOTATION]: key } },
          spec: claimSpec(now),
        },
      });
      return { lease, created: true };
    } catch (err) {
      if (statusOf(err) !== 409) throw err;
    }
    let existing: Lease;
    try {
      existing = await api.readNamespacedLease({ name, namespace });
    } catch (err) {
      if (statusOf(err) === 404) throw new LostRace(); // deleted in between: create again
      throw err;
    }
    if (isHeldByOther(existing, clock())) return undefined;
    try {
      const lease = await api.replaceNamespacedLease({ name, namespace, body: { ...existing, spec: { ...existing.spec, ...claimSpec(clock()) } } });
      return { lease, created: false };
    } catch (err) {
      if (statusOf(err) === 409 || statusOf(err) === 404) throw new LostRace();
      throw err;
    }
  };

  const claimLease = async (key: string): Promise<{ lease: Lease; created: boolean }> => {
    const name = leaseName(store, key);
    const deadline = clock() + maxWaitMs;
    for (let attempt = 0; ; attempt++) {
      try {
        const got = await tryClaim(key, name);
        if (got !== undefined) return got;
      } catch (err) {
        if (!(err instanceof LostRace)) throw err;
      }
      if (clock() >= deadline) throw new ClaimTimeoutError(store, key, maxWaitMs);
      await sleep(Math.min(100 * 2 ** Math.min(attempt, 3), 500) + Math.floor(Math.random() * 50));
    }
  };

  const remote: RemoteStore<T> = {
    // One GET: a Lease held by a claimant shows the value committed before the claim.
    async peek(key) {
      try {
        return storedValue(await api.readNamespacedLease({ name: leaseName(store, key), namespace }), clock());
      } catch (err) {
        if (statusOf(err) === 404) return undefined;
        throw err;
      }
    },
    async claim(key): Promise<RemoteHeld<T>> {
      const { lease, created } = await claimLease(key);
      const name = leaseName(store, key);
      const resourceVersion = lease.metadata?.resourceVersion;
      const { holderIdentity: _held, ...freeSpec } = lease.spec ?? {};
      // The holder is left out, which clears it on the PUT: the next claimant may take the Lease.
      const unheld = (annotations: Record<string, string>): Lease => ({
        ...lease,
        metadata: { ...lease.metadata, annotations },
        spec: { ...freeSpec, leaseDurationSeconds: claimSeconds },
      });
      const remove = async (): Promise<void> => {
        try {
          await api.deleteNamespacedLease({ name, namespace, body: resourceVersion === undefined ? {} : { preconditions: { resourceVersion } } });
        } catch (err) {
          // 404: already gone; 409: taken over after our claim expired, the new holder decides.
          if (statusOf(err) !== 404 && statusOf(err) !== 409) throw err;
        }
      };
      return {
        value: storedValue(lease, clock()),
        async commit(next) {
          if (next === undefined) {
            await remove();
            return { kept: true };
          }
          const json = JSON.stringify(next);
          if (Buffer.byteLength(json) > maxValueBytes) {
            // Too large for an annotation: this replica keeps it; the Lease keeps no stale value.
            if (created) await remove();
            else await api.replaceNamespacedLease({ name, namespace, body: unheld({ [KEY_ANNOTATION]: key }) });
            return { kept: false, reason: `value of ${Buffer.byteLength(json)} bytes is larger than ${maxValueBytes}` };
          }
          const expires = new Date(clock() + options.ttlMs).toISOString();
          await api.replaceNamespacedLease({
            name,
            namespace,
            body: unheld({ [KEY_ANNOTATION]: key, [VALUE_ANNOTATION]: json, [EXPIRES_ANNOTATION]: expires }),
          });
          return { kept: true };
        },
        async release() {
          try {
            if (created) await remove();
            else await api.replaceNamespacedLease({ name, namespace, body: unheld(lease.metadata?.annotations ?? {}) });
          } catch (err) {
            if (statusOf(err) !== 404 && statusOf(err) !== 409) throw err;
          }
        },
      };
    },
  };

  const fallback = withMemoryFallback(remote, {
    store,
    clock,
    ttlMs: options.ttlMs,
    ...(options.onDegraded === undefined ? {} : { onDegraded: options.onDegraded }),
    describe: (err) =>
      `${err instanceof KubeReadError && err.status !== undefined ? `HTTP ${err.status}: ` : ''}${err instanceof Error ? err.message : String(err)}`,
  });

  return {
    claim: (key) => fallback.claim(key),
    peek: (key) => fallback.peek(key),

    async collectGarbage(gc = {}) {
      const maxDeletes = gc.maxDeletes ?? 500;
      let deleted = 0;
      let next: string | undefined;
      do {
        const page = await api.listNamespacedLease({
          namespace,
          labelSelector: `app.kubernetes.io/name=crashtriage,${STORE_LABEL}=${store}`,
          limit: 500,
          ...(next === undefined ? {} : { continue: next }),
        });
        const now = clock();
        for (const lease of page.items) {
          if (deleted >= maxDeletes) return deleted;
          const name = lease.metadata?.name;
          if (name === undefined || isHeldByOther(lease, now) || lease.spec?.holderIdentity === holder) continue;
          if (storedValue(lease, now) !== undefined) continue;
          const resourceVersion = lease.metadata?.resourceVersion;
          try {
            await api.deleteNamespacedLease({ name, namespace, body: resourceVersion === undefined ? {} : { preconditions: { resourceVersion } } });
            deleted++;
          } catch (err) {
            if (statusOf(err) !== 404 && statusOf(err) !== 409) throw err;
          }
        }
        next = page.metadata?.continue || undefined;
      } while (next !== undefined);
      return deleted;
    },
  };
}
