/**
 * The Kubernetes call limiter: the cap, the slow lane that hanging calls move to, and the order in
 * which freed slots are handed out (calm requests first).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLimiter } from '../../../src/kube/limiter.ts';
import { inRequestScope } from '../../../src/request-scope.ts';

/** A task that runs until `finish()` is called. */
function pending(): { task: () => Promise<string>; finish: (v?: string) => void; started: () => boolean } {
  let started = false;
  let finish: (v?: string) => void = () => undefined;
  const done = new Promise<string>((resolve) => {
    finish = (v = 'done') => resolve(v);
  });
  return {
    task: () => {
      started = true;
      return done;
    },
    finish: (v) => finish(v),
    started: () => started,
  };
}

describe('limiter', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs at most max calls; the rest wait in arrival order', async () => {
    const limiter = createLimiter(2);
    const calls = [pending(), pending(), pending(), pending()];
    const results = calls.map((c) => limiter.run(c.task));
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((c) => c.started())).toEqual([true, true, false, false]);
    expect([limiter.active, limiter.waiting]).toEqual([2, 2]);
    calls[1]?.finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((c) => c.started())).toEqual([true, true, true, false]);
    for (const c of calls) c.finish();
    expect(await Promise.all(results)).toEqual(['done', 'done', 'done', 'done']);
    expect([limiter.active, limiter.slow, limiter.waiting]).toEqual([0, 0, 0]);
  });

  it('without a slow lane a hanging call keeps its slot', async () => {
    const limiter = createLimiter(1);
    const [hang, next] = [pending(), pending()];
    void limiter.run(hang.task);
    void limiter.run(next.task);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(next.started()).toBe(false);
    hang.finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(next.started()).toBe(true);
    next.finish();
  });

  it('a call running past slowAfterMs gives its slot back, up to maxSlow of them', async () => {
    const limiter = createLimiter(2, { slowAfterMs: 1000, maxSlow: 1 });
    const calls = Array.from({ length: 5 }, pending);
    for (const c of calls) void limiter.run(c.task);
    await vi.advanceTimersByTimeAsync(999);
    expect(calls.filter((c) => c.started())).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    // One of the two moved to the slow lane (it is full now); its slot went to the third call.
    expect(calls.filter((c) => c.started())).toHaveLength(3);
    expect([limiter.active, limiter.slow, limiter.waiting]).toEqual([2, 1, 2]);
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls.filter((c) => c.started())).toHaveLength(3);
    // The slow call ends: the lane has room again, the overdue call moves there and its slot goes on.
    calls[0]?.finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.filter((c) => c.started())).toHaveLength(4);
    expect([limiter.active, limiter.slow, limiter.waiting]).toEqual([2, 1, 1]);
    for (const c of calls) c.finish();
    await vi.advanceTimersByTimeAsync(0);
    expect([limiter.active, limiter.slow, limiter.waiting]).toEqual([0, 0, 0]);
  });

  it('a freed slot goes to a calm request before a request with a hanging call', async () => {
    const limiter = createLimiter(1, { slowAfterMs: 1000, maxSlow: 5 });
    const [hung, hungNext, calm, busy] = [pending(), pending(), pending(), pending()];
    void inRequestScope(() => limiter.run(busy.task));
    void inRequestScope(async () => {
      void limiter.run(hung.task);
      void limiter.run(hungNext.task);
    });
    await vi.advanceTimersByTimeAsync(0);
    void inRequestScope(() => limiter.run(calm.task));
    // `busy` goes slow first (it started first) and hands its slot to the oldest waiter: `hung`.
    await vi.advanceTimersByTimeAsync(1000);
    expect([hung.started(), hungNext.started(), calm.started()]).toEqual([true, false, false]);
    // `hung` goes slow too: its request now waits behind the calm one, which arrived later.
    await vi.advanceTimersByTimeAsync(1000);
    expect([hungNext.started(), calm.started()]).toEqual([false, true]);
    calm.finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(hungNext.started()).toBe(true);
    for (const c of [hung, hungNext, busy]) c.finish();
  });

  it('refuses a cap that is not a positive integer', () => {
    expect(() => createLimiter(0)).toThrow(RangeError);
    expect(() => createLimiter(1.5)).toThrow(RangeError);
  });
});
