/**
 * What each sink already accepted (or refused for good), so Alertmanager's resend of a whole group
 * sends only what is missing. Keyed per sink on group, fingerprint, status and startsAt (Alertmanager's
 * payloads carry no delivery id: docs/architecture.md "The alerts it takes").
 *
 * A message's entry is claimed before it is read and held while the message is sent: a concurrent
 * delivery of the same message (Alertmanager HA peers, an early resend) waits for the claim, then reads
 * what the first one recorded. The ledger is a view over a `StateStore`, so the in-memory store of
 * one replica and a store shared by replicas (Kubernetes Leases) plug in alike.
 */
import { createMemoryStore } from '../state/memory-store.ts';
import type { PeekableStore } from '../state/store.ts';

export type LedgerOutcome = 'sent' | 'failed-permanently';

export interface DeliveryKey {
  sink: string;
  groupKey: string;
  fingerprint: string;
  status: 'firing' | 'resolved';
  startsAt: string;
}

/** One message's entry, held until it is recorded or released. */
export interface LedgerEntry {
  /** What an earlier delivery recorded; undefined when the message was never settled. */
  readonly outcome: LedgerOutcome | undefined;
  /** Remembers how the message was settled and lets the next claimant in. */
  record(outcome: LedgerOutcome): Promise<void>;
  /** Leaves the entry as it was (Alertmanager's resend tries again) and lets the next claimant in. */
  release(): Promise<void>;
}

export interface DeliveryLedger {
  /** Waits until no other delivery holds this message's entry, then holds it. Always end with record or release. */
  claim(key: DeliveryKey): Promise<LedgerEntry>;
  /** What was recorded for this message, without claiming it or waiting for a delivery in progress (which reads as undefined). */
  peek(key: DeliveryKey): Promise<LedgerOutcome | undefined>;
}

export const LEDGER_DEFAULTS = {
  /**
   * Longer than Alertmanager's resend of a failed group (every group_interval, 5m by default) and
   * shorter than its repeat_interval (4h by default), so that resends are deduplicated and reminders
   * still arrive. Configurable as delivery.dedupeWindowMs.
   */
  ttlMs: 60 * 60 * 1000,
  /** About 10 000 × ~300 bytes: a few MiB at most. */
  maxEntries: 10_000,
} as const;

/** Unambiguous for any label values: JSON of the parts in a fixed order. */
export function deliveryKeyString(key: DeliveryKey): string {
  return JSON.stringify([key.sink, key.groupKey, key.fingerprint, key.status, key.startsAt]);
}

/** The ledger over any state store (what a store shared by replicas implements). */
export function ledgerOver(store: PeekableStore<LedgerOutcome>): DeliveryLedger {
  return {
    peek: (key) => store.peek(deliveryKeyString(key)),
    async claim(key) {
      const held = await store.claim(deliveryKeyString(key));
      return { outcome: held.value, record: (outcome) => held.commit(outcome), release: () => held.release() };
    },
  };
}

/** One process's ledger, in memory, bounded in size and age: a restart forgets it. */
export function createDeliveryLedger(options: { clock: () => number; ttlMs?: number; maxEntries?: number }): DeliveryLedger & { readonly size: number } {
  const store = createMemoryStore<LedgerOutcome>({
    clock: options.clock,
    ttlMs: options.ttlMs ?? LEDGER_DEFAULTS.ttlMs,
    maxEntries: options.maxEntries ?? LEDGER_DEFAULTS.maxEntries,
  });
  return {
    ...ledgerOver(store),
    get size() {
      return store.size;
    },
  };
}
