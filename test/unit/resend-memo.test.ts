import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { WebhookAlert, WebhookPayload } from '../../src/alertmanager/payload.ts';
import type { AlertPipeline, PipelineOutcome } from '../../src/pipeline/ports.ts';
import { withResendMemo } from '../../src/resend-memo.ts';

const log = pino({ level: 'silent' });
const alert = (fingerprint: string, status: 'firing' | 'resolved' = 'firing'): WebhookAlert => ({
  status,
  labels: { alertname: 'KubePodCrashLooping', namespace: 'shop', pod: `p-${fingerprint}` },
  annotations: {},
  startsAt: '2026-12-06T10:00:00Z',
  endsAt: '0001-01-01T00:00:00Z',
  generatorURL: '',
  fingerprint,
});
const payload = (alerts: WebhookAlert[]): WebhookPayload => ({
  version: '4',
  groupKey: '{}:{namespace="shop"}',
  truncatedAlerts: 0,
  status: 'firing',
  receiver: 'crashtriage',
  groupLabels: {},
  commonLabels: {},
  commonAnnotations: {},
  externalURL: 'http://alertmanager:9093',
  alerts,
});

/** The pipeline port recording what it was asked to process; `answer` decides each call's outcome. */
function recording(answer: (alerts: readonly WebhookAlert[]) => Promise<PipelineOutcome>) {
  const seen: string[][] = [];
  const pipeline: AlertPipeline = {
    process: async (p) => {
      seen.push(p.alerts.map((a) => a.fingerprint));
      return answer(p.alerts);
    },
  };
  return { pipeline, seen };
}

describe('withResendMemo', () => {
  it('a resend of a delivered group is answered without the pipeline; a new alert in it is processed alone', async () => {
    const inner = recording(async (alerts) => ({ kind: 'delivered', alerts: alerts.length }));
    const memo = withResendMemo(inner.pipeline, { ttlMs: 60_000 });
    expect(await memo.process(payload([alert('a'), alert('b')]), log)).toEqual({ kind: 'delivered', alerts: 2 });
    expect(await memo.process(payload([alert('a'), alert('b')]), log)).toEqual({ kind: 'delivered', alerts: 2 });
    expect(await memo.process(payload([alert('a'), alert('b'), alert('c'), alert('a', 'resolved')]), log)).toEqual({ kind: 'delivered', alerts: 4 });
    expect(inner.seen).toEqual([
      ['a', 'b'],
      ['c', 'a'],
    ]);
  });

  it('an alert that failed is processed again on the resend; one delivered is not', async () => {
    const inner = recording(async (alerts) =>
      alerts.some((a) => a.fingerprint === 'b')
        ? { kind: 'retry-later', alerts: alerts.length, failures: [{ sink: 'slack', fingerprint: 'b', reason: 'HTTP 503' }] }
        : { kind: 'delivered', alerts: alerts.length },
    );
    const memo = withResendMemo(inner.pipeline, { ttlMs: 60_000 });
    expect((await memo.process(payload([alert('a'), alert('b')]), log)).kind).toBe('retry-later');
    await memo.process(payload([alert('a'), alert('b')]), log);
    expect(inner.seen).toEqual([['a', 'b'], ['b']]);
  });

  it('a resend while the first delivery is in flight waits for it and reads nothing; past its deadline it asks for a retry', async () => {
    let finish: () => void = () => undefined;
    const inner = recording(
      (alerts) =>
        new Promise((resolve) => {
          finish = () => resolve({ kind: 'delivered', alerts: alerts.length });
        }),
    );
    const memo = withResendMemo(inner.pipeline, { ttlMs: 60_000 });
    const first = memo.process(payload([alert('a')]), log);
    const late = await memo.process(payload([alert('a')]), log, { deadline: Date.now() + 20 });
    expect(late).toEqual({
      kind: 'retry-later',
      alerts: 1,
      failures: [{ sink: '*', fingerprint: 'a', reason: 'still being delivered by an earlier request' }],
    });
    const waiting = memo.process(payload([alert('a')]), log);
    finish();
    expect(await first).toEqual({ kind: 'delivered', alerts: 1 });
    expect(await waiting).toEqual({ kind: 'delivered', alerts: 1 });
    expect(inner.seen).toEqual([['a']]);
  });

  it('forgets a delivered alert after the window, so a reminder is read afresh', async () => {
    let now = 1_000_000;
    const inner = recording(async (alerts) => ({ kind: 'delivered', alerts: alerts.length }));
    const memo = withResendMemo(inner.pipeline, { ttlMs: 60_000, clock: () => now });
    await memo.process(payload([alert('a')]), log);
    now += 60_001;
    await memo.process(payload([alert('a')]), log);
    expect(inner.seen).toEqual([['a'], ['a']]);
  });

  it('alerts the shared ledger says every sink has are answered without the pipeline (the other replica delivered them); the rest are processed', async () => {
    const inner = recording(async (alerts) => ({ kind: 'delivered', alerts: alerts.length }));
    const asked: string[][] = [];
    const memo = withResendMemo(inner.pipeline, {
      ttlMs: 60_000,
      everySinkHas: async (_groupKey, alerts) => {
        asked.push(alerts.map((a) => a.fingerprint));
        return new Set(alerts.filter((a) => a.fingerprint === 'a'));
      },
    });
    expect(await memo.process(payload([alert('a'), alert('b')]), log)).toEqual({ kind: 'delivered', alerts: 2 });
    expect(inner.seen).toEqual([['b']]);
    // Both are remembered now: this process asks neither the ledger nor the pipeline again.
    expect(await memo.process(payload([alert('a'), alert('b')]), log)).toEqual({ kind: 'delivered', alerts: 2 });
    expect(asked).toEqual([['a', 'b']]);
    expect(inner.seen).toEqual([['b']]);
  });

  it('the ledger lookup gets a tenth of the time left to the deadline', async () => {
    const inner = recording(async (alerts) => ({ kind: 'delivered', alerts: alerts.length }));
    let given: number | undefined;
    const memo = withResendMemo(inner.pipeline, {
      ttlMs: 60_000,
      clock: () => 1000,
      everySinkHas: async (_groupKey, _alerts, deadline) => {
        given = deadline;
        return new Set();
      },
    });
    await memo.process(payload([alert('a')]), log, { deadline: 11_000 });
    expect(given).toBe(2000);
    expect(inner.seen).toEqual([['a']]);
  });
});
