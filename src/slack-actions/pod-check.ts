/**
 * "How are the incident's pods now": the resolve check's reads (one read of each pod and, when it is
 * gone, its owner's pods through the owner's selector; src/incidents/resolution.ts) for every pod of
 * the incident still firing, judged against what its firing diagnosis knew. Used by "Check again"
 * and by the watch that ends "until resolved" silences.
 */
import type { DiagnosisDocument, Resolution } from '../diagnosis/document.ts';
import { type PodAlerts, podStateKey } from '../incidents/alert-folding.ts';
import type { IncidentState } from '../incidents/incident.ts';
import { decideResolution, firingFacts, type ResolveRead, replacementSelector } from '../incidents/resolution.ts';
import type { StateStore } from '../state/store.ts';
import type { IncidentTicket } from './button-value.ts';

/** The pipeline's ResolvedPodSource: reads a pod once, never rejects. */
export interface PodReads {
  read(labels: Readonly<Record<string, string>>, namespace: string, pod: string, options: { ownerSelector?: string; deadline?: number }): Promise<ResolveRead>;
}

export interface PodNow {
  pod: string;
  /** The cause it fired with. */
  was: string;
  resolution: Resolution;
}

export interface PodCheckDeps {
  podAlerts: StateStore<PodAlerts>;
  reads: PodReads;
  clusterLabel: string;
  clock: () => number;
}

/** The firing diagnoses the pipeline keeps for a pod (the lead alert of each container). */
async function firingOf(deps: PodCheckDeps, ticket: IncidentTicket, pod: string): Promise<DiagnosisDocument[]> {
  const labels: Record<string, string> = { namespace: ticket.namespace, pod };
  if (ticket.cluster !== undefined) labels[deps.clusterLabel] = ticket.cluster;
  const key = podStateKey(labels, deps.clusterLabel);
  if (key === undefined) return [];
  const held = await deps.podAlerts.claim(key);
  await held.release();
  return Object.values(held.value?.leads ?? {}).flatMap((l) => (l.firing === undefined ? [] : [l.firing]));
}

/** The alert names the incident's pods fired under, from the pipeline's memory (no API call). */
export async function firedAlertnames(deps: PodCheckDeps, ticket: IncidentTicket, state: IncidentState): Promise<string[]> {
  const names = await Promise.all(state.pods.map(async (p) => (await firingOf(deps, ticket, p.name)).map((d) => d.alert.labels['alertname'] ?? d.alert.name)));
  return [...new Set(names.flat())];
}

/** Every firing pod of the incident, read now. */
export async function checkPods(deps: PodCheckDeps, ticket: IncidentTicket, state: IncidentState, deadline: number): Promise<PodNow[]> {
  return await Promise.all(
    state.pods
      .filter((p) => p.status === 'firing')
      .map(async (p): Promise<PodNow> => {
        const firing = (await firingOf(deps, ticket, p.name))[0];
        const labels = ticket.cluster === undefined ? {} : { [deps.clusterLabel]: ticket.cluster };
        const selector = firing === undefined ? undefined : replacementSelector(firing.target);
        const read = await deps.reads.read(labels, ticket.namespace, p.name, { ...(selector === undefined ? {} : { ownerSelector: selector }), deadline });
        // Without the firing diagnosis (another replica's memory, a restart) the pod is judged on its own.
        const facts = firing === undefined ? { target: { pod: p.name, container: '' } } : firingFacts(firing);
        return { pod: p.name, was: p.title, resolution: decideResolution(read, facts, new Date(deps.clock())).resolution };
      }),
  );
}

/**
 * Every pod recovered, or was replaced by a pod that runs and is ready: the workload is healthy again.
 * A replacement's state is `replaced` whatever it does (starting, not ready, gone with nothing after
 * it), so only one the text calls ready counts; anything unknown keeps the silence.
 */
export function allRecovered(pods: readonly PodNow[]): boolean {
  const ready = (text: string): boolean => /\bready\b/.test(text) && !/not ready/.test(text);
  return pods.length > 0 && pods.every((p) => p.resolution.state === 'healthy' || (p.resolution.state === 'replaced' && ready(p.resolution.text)));
}
