/**
 * What each sink already accepted (or refused for good), so Alertmanager's resend of a whole group
 * sends only what is missing. Keyed per sink on group, fingerprint, status and startsAt (Alertmanager's
 * payloads carry no delivery id: docs/architecture.md "The alerts it takes"). In memory, bounded in size and age: a restart forgets it.
 */
import { createBoundedMap } from './bounded-map.ts';

export type LedgerOutcome = 'sent' | 'failed-permanently';

export interface DeliveryKey {
  sink: string;
  groupKey: string;
  fingerprint: string;
  status: 'firing' | 'resolved';
  startsAt: string;
}

export interface DeliveryLedger {
  get(key: DeliveryKey): LedgerOutcome | undefined;
  record(key: DeliveryKey, outcome: LedgerOutcome): void;
  readonly size: number;
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

export function createDeliveryLedger(options: { clock: () => number; ttlMs?: number; maxEntries?: number }): DeliveryLedger {
  const entries = createBoundedMap<LedgerOutcome>({
    clock: options.clock,
    ttlMs: options.ttlMs ?? LEDGER_DEFAULTS.ttlMs,
    maxEntries: options.maxEntries ?? LEDGER_DEFAULTS.maxEntries,
  });
  return {
    get: (key) => entries.get(deliveryKeyString(key)),
    record: (key, outcome) => entries.set(deliveryKeyString(key), outcome),
    get size() {
      return entries.size;
    },
  };
}
