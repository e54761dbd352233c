import { describe, expect, it } from 'vitest';
import { createDeliveryLedger, type DeliveryKey, type DeliveryLedger, deliveryKeyString, type LedgerOutcome } from '../../../src/notify/delivery-ledger.ts';

const key = (over: Partial<DeliveryKey> = {}): DeliveryKey => ({
  sink: 'slack',
  groupKey: '{}:{alertname="KubePodCrashLooping"}',
  fingerprint: 'f1',
  status: 'firing',
  startsAt: '2026-04-09T14:03:10Z',
  ...over,
});

/** Reads an entry and lets it go, as a delivery that finds it settled does. */
async function read(ledger: DeliveryLedger, k: DeliveryKey): Promise<LedgerOutcome | undefined> {
  const entry = await ledger.claim(k);
  await entry.release();
  return entry.outcome;
}

async function record(ledger: DeliveryLedger, k: DeliveryKey, outcome: LedgerOutcome): Promise<void> {
  await (await ledger.claim(k)).record(outcome);
}

describe('delivery ledger', () => {
  it('recorded key → remembered with its outcome', async () => {
    const ledger = createDeliveryLedger({ clock: () => 0 });
    expect(await read(ledger, key())).toBeUndefined();
    await record(ledger, key(), 'sent');
    await record(ledger, key({ sink: 'email' }), 'failed-permanently');
    expect(await read(ledger, key())).toBe('sent');
    expect(await read(ledger, key({ sink: 'email' }))).toBe('failed-permanently');
  });

  it.each([
    ['sink', 'email'],
    ['groupKey', 'other'],
    ['fingerprint', 'f2'],
    ['status', 'resolved'],
    ['startsAt', '2026-04-09T15:00:00Z'],
  ] as const)('different %s → a different message', async (field, value) => {
    const ledger = createDeliveryLedger({ clock: () => 0 });
    await record(ledger, key(), 'sent');
    expect(await read(ledger, key({ [field]: value }))).toBeUndefined();
  });

  it('entry older than the TTL → forgotten', async () => {
    let now = 0;
    const ledger = createDeliveryLedger({ clock: () => now, ttlMs: 1000 });
    await record(ledger, key(), 'sent');
    now = 999;
    expect(await read(ledger, key())).toBe('sent');
    now = 1000;
    expect(await read(ledger, key())).toBeUndefined();
    expect(ledger.size).toBe(0);
  });

  it('more entries than the cap → the oldest are dropped', async () => {
    let now = 0;
    const ledger = createDeliveryLedger({ clock: () => now++, maxEntries: 3 });
    for (const f of ['a', 'b', 'c', 'd']) await record(ledger, key({ fingerprint: f }), 'sent');
    expect(ledger.size).toBe(3);
    expect(await read(ledger, key({ fingerprint: 'a' }))).toBeUndefined();
    expect(await read(ledger, key({ fingerprint: 'd' }))).toBe('sent');
  });

  it('key parts containing separators → no collisions', () => {
    expect(deliveryKeyString(key({ sink: 'a","b' }))).not.toBe(deliveryKeyString(key({ sink: 'a', groupKey: `b","${key().groupKey}` })));
  });

  it('a claimed entry → a concurrent claim waits, then reads what the first recorded', async () => {
    const ledger = createDeliveryLedger({ clock: () => 0 });
    const first = await ledger.claim(key());
    let second: LedgerOutcome | undefined | 'waiting' = 'waiting';
    const waiting = read(ledger, key()).then((o) => {
      second = o;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(second).toBe('waiting');
    await first.record('sent');
    await waiting;
    expect(second).toBe('sent');
  });

  it('a released entry → left as it was for the next claim', async () => {
    const ledger = createDeliveryLedger({ clock: () => 0 });
    await (await ledger.claim(key())).release();
    expect(await read(ledger, key())).toBeUndefined();
    expect(ledger.size).toBe(0);
  });
});
