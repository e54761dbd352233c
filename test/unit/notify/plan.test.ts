/** The deciding half of delivery, without I/O: queues, what is settled without sending, the answer. */
import { describe, expect, it } from 'vitest';
import type { DiagnosisDocument } from '../../../src/diagnosis/document.ts';
import { deliveryOutcome, ledgerOutcome, type MessageResult, type SinkMessage, settledByLedger, settledUpfront, sinkQueues } from '../../../src/notify/plan.ts';
import { oomDocument } from '../../fixtures/notify/documents.ts';

const GROUP = '{}:{namespace="payments"}';
const doc = (fingerprint: string, namespace = 'payments', status: 'firing' | 'resolved' = 'firing'): DiagnosisDocument => {
  const base = oomDocument();
  return { ...base, status, alert: { ...base.alert, fingerprint, labels: { ...base.alert.labels, namespace } } };
};
const INCIDENT = 'payments/deployment/billing-api@t0';
const incidentDoc = (fingerprint: string, pod: string, news: NonNullable<DiagnosisDocument['incident']>['news']): DiagnosisDocument => {
  const base = doc(fingerprint);
  return {
    ...base,
    target: { ...base.target, pod },
    incident: { id: INCIDENT, workload: { kind: 'Deployment', name: 'billing-api' }, pods: [], news, summary: [] },
  };
};
const message = (sink: string, d: DiagnosisDocument): SinkMessage => ({
  doc: d,
  key: { sink, groupKey: GROUP, fingerprint: d.alert.fingerprint, status: d.status, startsAt: d.alert.startsAt },
});

describe('sinkQueues', () => {
  it('each routed sink gets its documents in batch order, keyed by sink, group, fingerprint, status and startsAt', () => {
    const [a, b, c] = [doc('a'), doc('b', 'web'), doc('c', 'payments', 'resolved')];
    const queues = sinkQueues(
      { groupKey: GROUP, documents: [a, b, c] },
      { routes: [{ match: { namespace: 'web' }, sinks: ['web-slack'], continue: false }], defaultSinks: ['mail', 'archive'] },
    );
    expect([...queues.keys()]).toEqual(['mail', 'archive', 'web-slack']);
    expect(queues.get('mail')).toEqual([message('mail', a), message('mail', c)]);
    expect(queues.get('archive')?.map((m) => m.key.fingerprint)).toEqual(['a', 'c']);
    expect(queues.get('web-slack')).toEqual([message('web-slack', b)]);
    expect(queues.get('mail')?.[1]?.key.status).toBe('resolved');
  });

  it('no documents → no queues', () => {
    expect(sinkQueues({ groupKey: GROUP, documents: [] }, { routes: [], defaultSinks: ['mail'] }).size).toBe(0);
  });

  it("with what each sink was told: a sink that missed the incident's first message gets it, a sink that has it only what is new", () => {
    const [p1, p2] = [incidentDoc('a', 'p1', 'unchanged'), incidentDoc('b', 'p2', 'joined')];
    const told = new Map([[INCIDENT, { slack: { causes: ['oom-killed' as const], firing: ['p1'] } }]]);
    const queues = sinkQueues(
      { groupKey: GROUP, documents: [p1, p2], told },
      { routes: [], defaultSinks: ['slack', 'teams'], everyDocument: new Set(['slack']) },
    );
    // Slack (it edits its message) takes both as they are; Teams was told nothing: p1 is its first
    // message, and p2 then only joins what it was just told, which a sink that cannot edit leaves out.
    expect(queues.get('slack')?.map((m) => [m.key.fingerprint, m.doc.incident?.news])).toEqual([
      ['a', 'unchanged'],
      ['b', 'joined'],
    ]);
    expect(queues.get('teams')?.map((m) => [m.key.fingerprint, m.doc.incident?.news])).toEqual([['a', 'opened']]);
    // Without what the sinks were told (a state from before), the incident's own news: Teams gets nothing.
    expect(sinkQueues({ groupKey: GROUP, documents: [p1, p2] }, { routes: [], defaultSinks: ['teams'] }).size).toBe(0);
  });
});

describe('settledUpfront', () => {
  const m = message('slack', doc('a'));

  it('first message of a known sink → read the ledger', () => {
    expect(settledUpfront(m, true, [])).toBeUndefined();
  });

  it('earlier messages sent, duplicate or refused for good → read the ledger', () => {
    expect(settledUpfront(m, true, [{ kind: 'sent' }, { kind: 'duplicate' }, { kind: 'permanent', reason: 'invalid_blocks' }])).toBeUndefined();
  });

  it('an earlier message must wait for the resend → this one waits too, without an attempt, keeping the order', () => {
    expect(settledUpfront(m, true, [{ kind: 'sent' }, { kind: 'retry-later', reason: 'HTTP 503' }])).toEqual({
      kind: 'retry-later',
      reason: 'not attempted: an earlier message to this sink failed',
    });
  });

  it('a sink no configuration names → refused for good, naming it', () => {
    expect(settledUpfront(m, false, [])).toEqual({ kind: 'permanent', reason: 'no sink named "slack"' });
  });
});

describe('settledByLedger', () => {
  it.each([
    ['sent', { kind: 'duplicate' }],
    ['failed-permanently', { kind: 'duplicate' }],
    [undefined, undefined],
  ] as const)('ledger says %s → %j', (known, expected) => {
    expect(settledByLedger(known)).toEqual(expected);
  });
});

describe('ledgerOutcome', () => {
  it.each([
    [{ kind: 'sent' }, 'sent'],
    [{ kind: 'permanent', reason: 'HTTP 404' }, 'failed-permanently'],
    [{ kind: 'retry-later', reason: 'timeout' }, undefined],
    [{ kind: 'duplicate' }, undefined],
  ] as [MessageResult, string | undefined][])('%j → the ledger keeps %s', (result, expected) => {
    expect(ledgerOutcome(result)).toBe(expected);
  });
});

describe('deliveryOutcome', () => {
  const a = message('slack', doc('a'));
  const b = message('mail', doc('b'));

  it('everything sent or already there → delivered', () => {
    expect(
      deliveryOutcome([
        { message: a, result: { kind: 'sent' } },
        { message: b, result: { kind: 'duplicate' } },
      ]),
    ).toEqual({ kind: 'delivered', permanentFailures: [] });
  });

  it('a permanent failure → still delivered, naming it (a resend cannot fix it)', () => {
    expect(deliveryOutcome([{ message: a, result: { kind: 'permanent', reason: 'invalid_blocks' } }])).toEqual({
      kind: 'delivered',
      permanentFailures: [{ sink: 'slack', fingerprint: 'a', reason: 'invalid_blocks' }],
    });
  });

  it('one message must wait → retry-later naming only it, with the permanent failures kept', () => {
    expect(
      deliveryOutcome([
        { message: a, result: { kind: 'permanent', reason: 'invalid_blocks' } },
        { message: b, result: { kind: 'retry-later', reason: 'HTTP 503' } },
      ]),
    ).toEqual({
      kind: 'retry-later',
      failures: [{ sink: 'mail', fingerprint: 'b', reason: 'HTTP 503' }],
      permanentFailures: [{ sink: 'slack', fingerprint: 'a', reason: 'invalid_blocks' }],
    });
  });

  it("with the batch's told: names the messages of those incidents each sink now has (sent, sent before, maybe posted)", () => {
    const told = new Map([[INCIDENT, {}]]);
    const [p1, p2, p3] = [incidentDoc('a', 'p1', 'opened'), incidentDoc('b', 'p2', 'joined'), incidentDoc('c', 'p3', 'joined')];
    expect(
      deliveryOutcome(
        [
          { message: message('slack', p1), result: { kind: 'duplicate' } },
          { message: message('slack', p2), result: { kind: 'maybe-sent', reason: 'no answer' } },
          { message: message('teams', p1), result: { kind: 'retry-later', reason: 'HTTP 503' } },
          { message: message('mail', p3), result: { kind: 'permanent', reason: 'SMTP 550' } },
          { message: message('mail', doc('d')), result: { kind: 'sent' } },
        ],
        told,
      ),
    ).toEqual({
      kind: 'retry-later',
      failures: [{ sink: 'teams', fingerprint: 'a', reason: 'HTTP 503' }],
      permanentFailures: [{ sink: 'mail', fingerprint: 'c', reason: 'SMTP 550' }],
      taken: [
        { sink: 'slack', fingerprint: 'a' },
        { sink: 'slack', fingerprint: 'b' },
      ],
    });
  });

  it('nothing to deliver → delivered', () => {
    expect(deliveryOutcome([])).toEqual({ kind: 'delivered', permanentFailures: [] });
  });
});
