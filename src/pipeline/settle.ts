/**
 * Stage 6, settle: what the request decided is kept for what was delivered. A key whose alert some
 * sink still misses is released unchanged, so that Alertmanager's resend finds the state as it was;
 * every other key is committed.
 */
import type { PodAlerts } from '../incidents/alert-folding.ts';
import type { DeliveryOutcome } from '../notify/notifier.ts';
import type { ClaimedPods } from './claim.ts';
import type { Folded } from './fold.ts';
import type { PipelineOutcome } from './ports.ts';
import type { Claimed } from './request.ts';

export async function settle(
  result: DeliveryOutcome,
  claimed: Pick<ClaimedPods, 'pods' | 'podKeyOf'>,
  folded: Pick<Folded, 'incidents' | 'storms' | 'keysOf'>,
  alerts: number,
): Promise<PipelineOutcome> {
  const podKeyOfFingerprint = new Map([...claimed.podKeyOf].map(([alert, key]) => [alert.fingerprint, key]));
  const keysOf = (fingerprint: string): string[] => {
    const podKey = podKeyOfFingerprint.get(fingerprint);
    return [...(podKey === undefined ? [] : [podKey]), ...(folded.keysOf.get(fingerprint) ?? [])];
  };
  const undelivered = new Set(result.kind === 'delivered' ? [] : result.failures.flatMap((f) => keysOf(f.fingerprint)));
  const keep = <T>({ held, states }: Claimed<T>): Promise<void>[] =>
    [...held].map(([key, h]) => (undelivered.has(key) ? h.release() : h.commit(states.get(key))));
  await Promise.all([...keep<PodAlerts>(claimed.pods), ...keep(folded.incidents), ...keep(folded.storms)]);
  return result.kind === 'delivered' ? { kind: 'delivered', alerts } : { kind: 'retry-later', alerts, failures: result.failures };
}
