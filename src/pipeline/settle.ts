/**
 * Stage 6, settle: what the request decided is kept for what was delivered. A key whose alert some
 * sink still misses is released unchanged, so that Alertmanager's resend finds the state as it was;
 * every other key is committed. An incident that reached some sink and not another is the exception:
 * it is committed with what each sink took (src/incidents/told.ts), since the sink that has its
 * first message must keep it (the same id, so its message is edited, not posted again) while the
 * resend brings the others that first message. A storm's state likewise: committed when some sink
 * took a message of it, with the sinks that took its digest (src/incidents/storm.ts `stormAfter`),
 * and without the incidents no sink took, which the resend opens again.
 */

import type { DiagnosisDocument } from '../diagnosis/document.ts';
import type { PodAlerts } from '../incidents/alert-folding.ts';
import type { IncidentState } from '../incidents/incident.ts';
import { type StormState, stormAfter } from '../incidents/storm.ts';
import { toldAfter } from '../incidents/told.ts';
import type { DeliveryOutcome } from '../notify/notifier.ts';
import type { Held } from '../state/store.ts';
import type { ClaimedPods } from './claim.ts';
import type { Folded } from './fold.ts';
import type { PipelineOutcome } from './ports.ts';
import type { Claimed } from './request.ts';

export async function settle(
  result: DeliveryOutcome,
  claimed: Pick<ClaimedPods, 'pods' | 'podKeyOf'>,
  folded: Pick<Folded, 'documents' | 'incidents' | 'storms' | 'keysOf' | 'told'>,
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
  const takenOf = (docs: readonly DiagnosisDocument[]) => {
    const fingerprints = new Set(docs.map((d) => d.alert.fingerprint));
    return (result.taken ?? []).filter((t) => fingerprints.has(t.fingerprint));
  };
  /** The incidents released unchanged: no sink took a message of them (the resend opens them again). */
  const untaken = new Set<string>();
  const keepIncident = (key: string, h: Held<IncidentState>): Promise<void> => {
    const next = folded.incidents.states.get(key);
    const before = next === undefined ? undefined : folded.told.get(next.id);
    const release = (): Promise<void> => {
      const id = (next ?? h.value)?.id;
      if (id !== undefined) untaken.add(id);
      return h.release();
    };
    // A closed incident, or one whose state predates what sinks were told: kept as any other key.
    if (next === undefined || next.told === undefined || before === undefined) return undelivered.has(key) ? release() : h.commit(next);
    const docs = folded.documents.filter((d) => d.incident?.id === next.id);
    const taken = takenOf(docs);
    if (undelivered.has(key) && taken.length === 0) return release();
    return h.commit({ ...next, told: toldAfter(before, docs, taken) });
  };
  const keepStorm = (key: string, h: Held<StormState>): Promise<void> => {
    const next = folded.storms.states.get(key);
    const digest = next?.digest;
    // A digest whose state predates what sinks were told of it: kept as any other key.
    if (digest !== undefined && digest.told === undefined) return undelivered.has(key) ? h.release() : h.commit(next);
    const docs = folded.documents.filter((d) => folded.keysOf.get(d.alert.fingerprint)?.includes(key) === true);
    const taken = takenOf(docs);
    if (undelivered.has(key) && taken.length === 0) return h.release();
    const ofDigest = takenOf(docs.filter((d) => digest !== undefined && d.incident?.storm?.id === digest.id));
    return h.commit(stormAfter(next, h.value, [...new Set(ofDigest.map((t) => t.sink))], undelivered.has(key) ? untaken : new Set()));
  };
  // The incidents first: keepIncident notes the untaken ones before it waits, and keepStorm reads them.
  const incidents = [...folded.incidents.held].map(([key, h]) => keepIncident(key, h));
  await Promise.all([...keep<PodAlerts>(claimed.pods), ...incidents, ...[...folded.storms.held].map(([key, h]) => keepStorm(key, h))]);
  return result.kind === 'delivered' ? { kind: 'delivered', alerts } : { kind: 'retry-later', alerts, failures: result.failures };
}
