import { afterEach, describe, expect, it, vi } from 'vitest';
import { raceDeadline } from '../../../src/deadline.ts';
import { createAdmission } from '../../../src/http/admission.ts';
import { KNOWN_ALERTNAMES, metricAlertname } from '../../../src/metrics.ts';
import type { PipelineOutcome } from '../../../src/pipeline/ports.ts';
import { crashLoopAlert, webhookPayload } from '../../fixtures/alertmanager/payloads.ts';
import { build, TEST_TOKEN } from '../../support/build-app.ts';

const json = { 'content-type': 'application/json', authorization: `Bearer ${TEST_TOKEN}` };
const post = (app: Awaited<ReturnType<typeof build>>['app'], alertname = 'KubePodCrashLooping') =>
  app.inject({ method: 'POST', url: '/alerts', headers: json, payload: webhookPayload([crashLoopAlert({ labels: { alertname } })]) });

/** A pipeline outcome the test settles by hand. */
function pending(): { promise: Promise<PipelineOutcome>; settle: () => void } {
  let settle = (): void => undefined;
  const promise = new Promise<PipelineOutcome>((resolve) => {
    settle = () => resolve({ kind: 'delivered', alerts: 1 });
  });
  return { promise, settle };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the request budget', () => {
  it('the deadline is exact on a fake clock: not late at budget - 1 ms, late at the budget', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const start = Date.now();
    const work = pending();
    let raced: unknown;
    void raceDeadline(work.promise, start + 9000).then((r) => {
      raced = r;
    });
    await vi.advanceTimersByTimeAsync(8999);
    expect(raced).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(raced).toEqual({ kind: 'late' });
    work.settle();
  });

  it('work that finishes inside the budget wins, and its timer is cleared', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const work = new Promise((resolve) => setTimeout(() => resolve('done'), 8900));
    const raced = raceDeadline(work, Date.now() + 9000);
    await vi.advanceTimersByTimeAsync(8900);
    expect(await raced).toEqual({ kind: 'done', value: 'done' });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('503 with reason deadline when the pipeline is not done within the budget; the pipeline got the deadline', async () => {
    const t = await build({ requests: { budgetMs: 1000, maxInFlight: 8 } });
    const work = pending();
    t.setOutcome(() => work.promise);
    const start = Date.now();
    const res = await post(t.app);
    const took = Date.now() - start;
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: 'retry-later', reason: 'deadline' });
    // Timers may fire a millisecond or two early against Date.now; the pipeline itself never finishes.
    expect(took).toBeGreaterThanOrEqual(950);
    expect(t.options[0]?.deadline).toBeGreaterThanOrEqual(start + 1000 - 5);
    // Set in the handler, after the body is parsed: later than `start` by however long that took under load.
    expect(t.options[0]?.deadline).toBeLessThanOrEqual(start + 2000);
    expect(await t.metrics.registry.getSingleMetricAsString('crashtriage_webhook_requests_total')).toMatch(/outcome="deadline"} 1/);
    work.settle();
  });
});

describe('back-pressure', () => {
  it('503 saturated at once when every slot is taken, and room again once the work is done', async () => {
    const t = await build({ requests: { budgetMs: 60_000, maxInFlight: 2 } });
    const works = [pending(), pending()];
    let call = 0;
    t.setOutcome(() => works[call++]?.promise ?? Promise.resolve({ kind: 'delivered', alerts: 1 }));
    const first = post(t.app);
    const second = post(t.app);
    await vi.waitFor(() => expect(t.received).toHaveLength(2));
    const third = await post(t.app);
    expect(third.statusCode).toBe(503);
    expect(third.json()).toMatchObject({ status: 'retry-later', reason: 'saturated' });
    // The saturated request never reached the pipeline: nothing was read or sent for it.
    expect(t.received).toHaveLength(2);
    for (const w of works) w.settle();
    expect((await first).statusCode).toBe(200);
    expect((await second).statusCode).toBe(200);
    expect((await post(t.app)).statusCode).toBe(200);
  });

  it('work answered 503 at its deadline keeps its slot until it has finished', async () => {
    const t = await build({ requests: { budgetMs: 1000, maxInFlight: 1 } });
    const work = pending();
    t.setOutcome(() => work.promise);
    expect((await post(t.app)).json()).toMatchObject({ reason: 'deadline' });
    expect((await post(t.app)).json()).toMatchObject({ reason: 'saturated' });
    work.settle();
    await vi.waitFor(async () => expect((await post(t.app)).statusCode).toBe(200));
  });

  it('admission counts and releases once per entry', () => {
    const admission = createAdmission(1);
    const leave = admission.tryEnter();
    expect(leave).toBeTypeOf('function');
    expect(admission.tryEnter()).toBeUndefined();
    leave?.();
    leave?.();
    expect(admission.inFlight).toBe(0);
    expect(() => createAdmission(0)).toThrow(RangeError);
  });
});

describe('raceDeadline', () => {
  it('late when the deadline has already passed, without an unhandled rejection from the work', async () => {
    const failing = Promise.reject(new Error('boom'));
    expect(await raceDeadline(failing, 0, () => 1)).toEqual({ kind: 'late' });
  });

  it('passes the work through, value or error, when it wins', async () => {
    expect(await raceDeadline(Promise.resolve(7), Date.now() + 1000)).toEqual({ kind: 'done', value: 7 });
    await expect(raceDeadline(Promise.reject(new Error('boom')), Date.now() + 1000)).rejects.toThrow('boom');
  });
});

describe('metric labels from the payload are bounded', () => {
  it('an unknown alertname is counted as other, so a sender cannot grow the registry', async () => {
    const t = await build();
    for (let i = 0; i < 20; i++) await post(t.app, `Made-up-${i}`);
    await post(t.app, 'KubePodCrashLooping');
    const text = await t.metrics.registry.getSingleMetricAsString('crashtriage_alerts_received_total');
    expect(text).toMatch(/alertname="other",status="firing"} 20|status="firing",alertname="other"} 20/);
    expect(text).toContain('alertname="KubePodCrashLooping"');
    expect(text).not.toContain('Made-up');
    expect(metricAlertname(undefined)).toBe('none');
  });

  it('every alert the shipped rules define is a known name', async () => {
    const { readFileSync, readdirSync } = await import('node:fs');
    const dir = new URL('../../../alerts/', import.meta.url);
    const names = readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .flatMap((f) => [...readFileSync(new URL(f, dir), 'utf8').matchAll(/^\s*- alert: (\S+)/gm)].map((m) => m[1] as string));
    expect(names.length).toBeGreaterThan(5);
    for (const name of names) expect(KNOWN_ALERTNAMES.has(name), name).toBe(true);
  });
});

describe('what a document keeps of an alert', () => {
  it('cuts long label and annotation values and keeps at most 64 of each', async () => {
    const { keptLabels, MAX_LABEL_VALUE_CHARS } = await import('../../../src/alertmanager/document.ts');
    const many = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`a${i}`, 'v']));
    expect(Object.keys(keptLabels(many))).toHaveLength(64);
    const kept = keptLabels({ description: 'd'.repeat(100_000), password: 'hunter2-is-a-secret' });
    expect(kept['description']?.length).toBeLessThan(MAX_LABEL_VALUE_CHARS + 40);
    expect(kept['description']).toMatch(/cut at 2048 characters\)$/);
    expect(JSON.stringify(kept)).not.toContain('hunter2');
  });
});
