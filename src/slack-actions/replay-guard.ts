/**
 * Refuses a signed request seen before. A signature is valid for the five minutes around its
 * timestamp (signature.ts), so remembering each accepted signature for that long is enough: after
 * it, the timestamp check refuses the request anyway. Bounded, so that a flood of valid requests
 * (only Slack can sign them) cannot grow it without limit; this replica only: the same click reaching
 * the other replica is stopped by the shared click claim (clicks.ts).
 */
import { SIGNATURE_WINDOW_MS } from './signature.ts';

export interface ReplayGuard {
  /** True the first time a signature is offered within the window, false for a replay. */
  firstSighting(signature: string, now: number): boolean;
}

export function createReplayGuard(options: { maxEntries?: number } = {}): ReplayGuard {
  const maxEntries = options.maxEntries ?? 10_000;
  // Insertion order is age order: expiry stops at the first signature still inside the window.
  const seen = new Map<string, number>();
  return {
    firstSighting(signature, now) {
      // A timestamp may run five minutes ahead of our clock: its signature stays good for ten from here.
      for (const [key, at] of seen) {
        if (now - at <= 2 * SIGNATURE_WINDOW_MS) break;
        seen.delete(key);
      }
      if (seen.has(signature)) return false;
      for (const key of seen.keys()) {
        if (seen.size < maxEntries) break;
        seen.delete(key);
      }
      seen.set(signature, now);
      return true;
    },
  };
}
