/**
 * A counting semaphore for Kubernetes API calls: at most `max` calls run at once, so a 500-alert
 * storm costs the API server 10 concurrent requests, not 1500.
 *
 * Fair to calm requests when some hang (a dead node's kubelet stalls its log reads; a slow webhook in
 * front of one resource stalls only that resource):
 * - a call still running after `slowAfterMs` gives its slot back and waits in a slow lane of at
 *   most `maxSlow` calls, bounded by its own deadline (KUBE_TIMEOUT_MS). In flight stays at most
 *   `max + maxSlow`; a hanging call would not load the API server more by being counted;
 * - a freed slot goes first to the oldest waiter of a request with no call in the slow lane, then to
 *   the oldest waiter of all. Requests are told apart by src/request-scope.ts; calls outside any
 *   request (the CLI) are one group.
 */
import { currentRequest, type RequestKey } from '../request-scope.ts';

export interface Limiter {
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Calls holding a slot now. */
  readonly active: number;
  /** Calls that outlived `slowAfterMs` and gave their slot back. */
  readonly slow: number;
  /** Calls waiting for a slot. */
  readonly waiting: number;
}

export interface SlowLane {
  /** A call running longer than this gives its slot back (when the slow lane has room). */
  slowAfterMs: number;
  /** Most calls in the slow lane at once. */
  maxSlow: number;
}

interface Waiter {
  key: RequestKey;
  start: () => void;
}

const OUTSIDE_ANY_REQUEST: RequestKey = {};

export function createLimiter(max: number, lane?: SlowLane): Limiter {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`limiter max must be a positive integer, got ${max}`);
  let active = 0;
  let slow = 0;
  const queue: Waiter[] = [];
  /** Calls past `slowAfterMs` that still hold their slot because the lane was full: how each leaves it. */
  const overdue: (() => void)[] = [];
  /** Calls past `slowAfterMs` per request, in the lane or not: such a request waits behind the others. */
  const hangingBy = new Map<RequestKey, number>();

  /** When each request was last handed a slot: the least recently served goes next. */
  const servedAt = new WeakMap<RequestKey, number>();
  let turn = 0;
  const nextWaiter = (): Waiter | undefined => {
    // Calm requests before hanging ones; among those, round robin; within a request, arrival order.
    const before = (a: Waiter, b: Waiter): boolean => {
      const [hangingA, hangingB] = [hangingBy.has(a.key), hangingBy.has(b.key)];
      if (hangingA !== hangingB) return hangingB;
      return (servedAt.get(a.key) ?? -1) < (servedAt.get(b.key) ?? -1);
    };
    let best = -1;
    queue.forEach((w, i) => {
      if (best === -1 || before(w, queue[best] as Waiter)) best = i;
    });
    const next = best === -1 ? undefined : queue.splice(best, 1)[0];
    if (next !== undefined) servedAt.set(next.key, turn++);
    return next;
  };
  const freeSlot = (): void => {
    const next = nextWaiter();
    // Hand the slot straight to the next waiter, so `active` never dips and lets a newcomer jump ahead.
    if (next !== undefined) next.start();
    else active--;
  };
  const count = (key: RequestKey, by: 1 | -1): void => {
    const n = (hangingBy.get(key) ?? 0) + by;
    if (n === 0) hangingBy.delete(key);
    else hangingBy.set(key, n);
  };

  return {
    async run<T>(task: () => Promise<T>): Promise<T> {
      const key = currentRequest() ?? OUTSIDE_ANY_REQUEST;
      if (active < max) active++;
      else await new Promise<void>((start) => queue.push({ key, start }));
      // Where this call counts: a slot, overdue in its slot (the lane was full), or the slow lane.
      const at: { place: 'slot' | 'overdue' | 'lane' } = { place: 'slot' };
      const leaveSlot = (): void => {
        at.place = 'lane';
        slow++;
        freeSlot();
      };
      const timer =
        lane === undefined
          ? undefined
          : setTimeout(() => {
              count(key, 1);
              if (slow < lane.maxSlow) leaveSlot();
              else {
                at.place = 'overdue';
                overdue.push(leaveSlot);
              }
            }, lane.slowAfterMs);
      try {
        return await task();
      } finally {
        clearTimeout(timer);
        if (at.place !== 'slot') count(key, -1);
        if (at.place === 'overdue') overdue.splice(overdue.indexOf(leaveSlot), 1);
        if (at.place === 'lane') {
          slow--;
          // Room in the lane again: the oldest overdue call moves there and frees its slot.
          overdue.shift()?.();
        } else freeSlot();
      }
    },
    get active() {
      return active;
    },
    get slow() {
      return slow;
    },
    get waiting() {
      return queue.length;
    },
  };
}
