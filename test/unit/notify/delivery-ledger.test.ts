import { describe, expect, it } from 'vitest';
import { createDeliveryLedger, type DeliveryKey, deliveryKeyString } from '../../../src/notify/delivery-ledger.ts';

const key = (over: Partial<DeliveryKey> = {}): DeliveryKey => ({
  sink: 'slack',
  groupKey: '{}:{alertname="KubePodCrashLooping"}',
  fingerprint: 'f1',
  status: 'firing',
  startsAt: '2026-04-09T14:03:10Z',
  ...over,
});

describe('delivery ledger', () => {
  it('recorded key → remembered with its outcome', () => {
    const ledger = createDeliveryLedger({ clock: () => 0 });
    expect(ledger.get(key())).toBeUndefined();
    ledger.record(key(), 'sent');
    ledger.record(key({ sink: 'email' }), 'failed-permanently');
    expect(ledger.get(key())).toBe('sent');
    expect(ledger.get(key({ sink: 'email' }))).toBe('failed-permanently');
  });

  it.each([
    ['sink', 'email'],
    ['groupKey', 'other'],
    ['fingerprint', 'f2'],
    ['status', 'resolved'],
    ['startsAt', '2026-04-09T15:00:00Z'],
  ] as const)('different %s → a different message', (field, value) => {
    const ledger = createDeliveryLedger({ clock: () => 0 });
    ledger.record(key(), 'sent');
    expect(ledger.get(key({ [field]: value }))).toBeUndefined();
  });

  it('entry older than the TTL → forgotten', () => {
    let now = 0;
    const ledger = createDeliveryLedger({ clock: () => now, ttlMs: 1000 });
    ledger.record(key(), 'sent');
    now = 999;
    expect(ledger.get(key())).toBe('sent');
    now = 1000;
    expect(ledger.get(key())).toBeUndefined();
    expect(ledger.size).toBe(0);
  });

  it('more entries than the cap → the oldest are dropped', () => {
    let now = 0;
    const ledger = createDeliveryLedger({ clock: () => now++, maxEntries: 3 });
    for (const f of ['a', 'b', 'c', 'd']) ledger.record(key({ fingerprint: f }), 'sent');
    expect(ledger.size).toBe(3);
    expect(ledger.get(key({ fingerprint: 'a' }))).toBeUndefined();
    expect(ledger.get(key({ fingerprint: 'd' }))).toBe('sent');
  });

  it('key parts containing separators → no collisions', () => {
    expect(deliveryKeyString(key({ sink: 'a","b' }))).not.toBe(deliveryKeyString(key({ sink: 'a', groupKey: `b","${key().groupKey}` })));
  });
});
