/**
 * A counting semaphore: at most `max` calls run at once, the rest wait in arrival order. One limiter
 * per reader caps in-flight Kubernetes API calls across all alerts, so a 500-alert storm costs the API
 * server 10 concurrent requests, not 1500.
 */
export interface Limiter {
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Calls running now. */
  readonly active: number;
  /** Calls waiting for a slot. */
  readonly waiting: number;
}

export function createLimiter(max: number): Limiter {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`limiter max must be a positive integer, got ${max}`);
  let active = 0;
  const queue: (() => void)[] = [];
  const release = (): void => {
    const next = queue.shift();
    // Hand the slot straight to the next waiter, so `active` never dips and lets a newcomer jump ahead.
    if (next !== undefined) next();
    else active--;
  };
  return {
    async run<T>(task: () => Promise<T>): Promise<T> {
      if (active < max) active++;
      else await new Promise<void>((resolve) => queue.push(resolve));
      try {
        return await task();
      } finally {
        release();
      }
    },
    get active() {
      return active;
    },
    get waiting() {
      return queue.length;
    },
  };
}
