/**
 * Back-pressure for POST /alerts: at most `max` requests are being processed at once. A request that
 * finds no room is answered 503 at once, so that Alertmanager retries later, rather than queued for
 * minutes behind a storm; a request keeps its place until its work has truly finished, even when it
 * was already answered 503 at its deadline, so that late work still counts against the bound.
 */
export interface Admission {
  /** A release function when there was room, undefined when the service is saturated. */
  tryEnter(): (() => void) | undefined;
  readonly inFlight: number;
}

export function createAdmission(max: number): Admission {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`admission max must be a positive integer, got ${max}`);
  let inFlight = 0;
  return {
    tryEnter() {
      if (inFlight >= max) return undefined;
      inFlight++;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        inFlight--;
      };
    },
    get inFlight() {
      return inFlight;
    },
  };
}
