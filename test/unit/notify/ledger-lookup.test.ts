/** The ledger's word before enrichment (src/notify/ledger-lookup.ts), over the in-memory ledger. */
import { describe, expect, it } from 'vitest';
import type { WebhookAlert } from '../../../src/alertmanager/payload.ts';
import { createDeliveryLedger, type DeliveryKey, type DeliveryLedger, type LedgerOutcome } from '../../../src/notify/delivery-ledger.ts';
import { createLedgerLookup, routedKeys } from '../../../src/notify/ledger-lookup.ts';

const GROUP = '{}:{namespace="shop", pod="cart-1"}';
const alert = (fingerprint: string, labels: Record<string, string> = {}): WebhookAlert => ({
  status: 'firing',
  labels: { alertname: 'KubePodCrashLooping', namespace: 'shop', pod: 'cart-1', container: 'app', ...labels },
  annotations: {},
  startsAt: '2026-12-07T09:00:00Z',
  endsAt: '0001-01-01T00:00:00Z',
  generatorURL: '',
  fingerprint,
});
// Team payments goes to Slack only; the rest to Slack and email (the default); 'pager' is routed but not configured.
const config = {
  sinks: { slack: {}, email: {} },
  defaultSinks: ['slack', 'email'],
  routes: [
    { match: { team: 'payments' }, sinks: ['slack'] },
    { match: { team: 'ghost' }, sinks: ['pager'] },
  ],
};
const key = (sink: string, a: WebhookAlert): DeliveryKey => ({ sink, groupKey: GROUP, fingerprint: a.fingerprint, status: a.status, startsAt: a.startsAt });
async function record(ledger: DeliveryLedger, k: DeliveryKey, outcome: LedgerOutcome): Promise<void> {
  await (await ledger.claim(k)).record(outcome);
}

describe('routedKeys', () => {
  it('keys the message at every configured sink the labels route to, as the notifier keys it', () => {
    const a = alert('a1');
    expect(routedKeys(GROUP, a, config)).toEqual([key('slack', a), key('email', a)]);
    expect(routedKeys(GROUP, alert('a2', { team: 'payments' }), config)?.map((k) => k.sink)).toEqual(['slack']);
    expect(routedKeys(GROUP, alert('a3', { team: 'ghost' }), config)).toBeUndefined();
  });
});

describe('createLedgerLookup', () => {
  it('finds an alert only when every routed sink has an entry, sent or refused for good', async () => {
    const ledger = createDeliveryLedger({ clock: () => 0 });
    const [both, slackOnly, refused, payments, none] = [alert('b'), alert('s'), alert('r'), alert('p', { team: 'payments' }), alert('n')];
    await record(ledger, key('slack', both), 'sent');
    await record(ledger, key('email', both), 'sent');
    await record(ledger, key('slack', slackOnly), 'sent');
    await record(ledger, key('slack', refused), 'sent');
    await record(ledger, key('email', refused), 'failed-permanently');
    await record(ledger, key('slack', payments), 'sent');
    const found = await createLedgerLookup({ ledger, config })(GROUP, [both, slackOnly, refused, payments, none]);
    expect([...found].map((a) => a.fingerprint).sort()).toEqual(['b', 'p', 'r']);
  });

  it('a message another delivery holds (not recorded yet) is not found: it is read', async () => {
    const ledger = createDeliveryLedger({ clock: () => 0 });
    const a = alert('held');
    await record(ledger, key('slack', a), 'sent');
    const entry = await ledger.claim(key('email', a));
    expect((await createLedgerLookup({ ledger, config })(GROUP, [a])).size).toBe(0);
    await entry.release();
  });

  it('stops at the first sink without the message: one read per alert on a first delivery', async () => {
    const peeked: string[] = [];
    const ledger = {
      peek: async (k: DeliveryKey): Promise<LedgerOutcome | undefined> => {
        peeked.push(k.sink);
        return undefined;
      },
    };
    expect((await createLedgerLookup({ ledger, config })(GROUP, [alert('x'), alert('y')])).size).toBe(0);
    expect(peeked).toEqual(['slack', 'slack']);
  });

  it('a ledger that cannot be read, or answers after the deadline, finds nothing for those alerts (they are read)', async () => {
    const errors: unknown[] = [];
    const failing = { peek: () => Promise.reject(new Error('leases.coordination.k8s.io is forbidden')) };
    expect((await createLedgerLookup({ ledger: failing, config, onError: (e) => errors.push(e) })(GROUP, [alert('f')])).size).toBe(0);
    expect(String(errors[0])).toContain('forbidden');
    const hanging = { peek: () => new Promise<LedgerOutcome | undefined>(() => undefined) };
    const started = Date.now();
    expect((await createLedgerLookup({ ledger: hanging, config })(GROUP, [alert('h')], Date.now() + 50)).size).toBe(0);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
