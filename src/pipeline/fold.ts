/**
 * Stage 4, fold into incidents: every workload this request touches and its namespace's storm are
 * claimed, then each document is decided in order (pure: incident.ts, storm.ts): its incident, what
 * changed, whether it goes into a storm's digest. The lead's firing document is remembered for its
 * resolve.
 */
import type { DiagnosisDocument } from '../diagnosis/document.ts';
import { type PodAlerts, rememberFiring } from '../incidents/alert-folding.ts';
import { decideIncident, type IncidentInput, type IncidentState, incidentKey, workloadOfTarget } from '../incidents/incident.ts';
import { decideStorm, type StormSettings, type StormState, stormKey } from '../incidents/storm.ts';
import type { SinkViews } from '../incidents/told.ts';
import { podRevisionName } from '../incidents/workload.ts';
import type { PipelineState } from '../state/pipeline-state.ts';
import { type Claimed, claimKeys, type Pending, releaseAll } from './request.ts';

export interface Folded {
  documents: DiagnosisDocument[];
  incidents: Claimed<IncidentState>;
  storms: Claimed<StormState>;
  /** The incident and storm keys each alert's document changed. */
  keysOf: Map<string, string[]>;
  /**
   * What each sink was told of each incident before this request, by incident id (told.ts): the
   * notifier decides each sink's news on it, settle advances it by what each sink took. Absent
   * for an incident whose state predates it.
   */
  told: Map<string, SinkViews>;
  /**
   * The sinks that had each digest's first message before this request, by storm id: a sink not
   * listed gets the digest as new. Absent for a digest whose state predates it.
   */
  digestsTold: Map<string, string[]>;
}

export interface FoldSettings {
  clusterLabel: string;
  storm: StormSettings;
  clock: () => number;
}

export async function foldIntoIncidents(
  pending: readonly Pending[],
  pods: Claimed<PodAlerts>,
  state: Pick<PipelineState, 'incidents' | 'storms'>,
  settings: FoldSettings,
): Promise<Folded> {
  const { clusterLabel, clock } = settings;
  const inputs = pending.map((p) => incidentInput(p, clusterLabel, new Date(clock()).toISOString()));
  const stormKeyOf = (input: { input: IncidentInput }): string => stormKey(input.input.cluster, input.input.document.target.namespace);
  const incidents = await claimKeys(
    state.incidents,
    inputs.map((i) => i?.key),
  );
  let storms: Claimed<StormState>;
  try {
    storms = await claimKeys(
      state.storms,
      inputs.map((i) => (i === undefined ? undefined : stormKeyOf(i))),
    );
  } catch (err) {
    await releaseAll(incidents);
    throw err;
  }
  const keysOf = new Map<string, string[]>();
  const told = new Map<string, SinkViews>();
  const digestsTold = new Map<string, string[]>();
  const now = new Date(clock()).toISOString();
  const documents = pending.map((p, i) => {
    const input = inputs[i];
    let document = p.document;
    if (input !== undefined) {
      const before = incidents.states.get(input.key);
      const decision = decideIncident(before, input.input);
      incidents.states.set(input.key, decision.next);
      document = decision.document;
      const id = document.incident?.id;
      const toldBefore = before === undefined ? {} : before.told;
      if (id !== undefined && toldBefore !== undefined && !told.has(id)) told.set(id, toldBefore);
      const sKey = stormKeyOf(input);
      const incident = document.incident;
      if (incident !== undefined) {
        const storm = decideStorm(storms.states.get(sKey), incident, document.target.namespace, now, settings.storm);
        storms.states.set(sKey, storm.next);
        if (storm.storm !== undefined) {
          document = { ...document, incident: { ...incident, storm: storm.storm } };
          const prior = storms.held.get(sKey)?.value?.digest;
          const toldBefore = prior?.id === storm.storm.id ? prior.told : [];
          if (toldBefore !== undefined && !digestsTold.has(storm.storm.id)) digestsTold.set(storm.storm.id, toldBefore);
        }
      }
      keysOf.set(document.alert.fingerprint, [...(keysOf.get(document.alert.fingerprint) ?? []), input.key, sKey]);
    }
    if (p.podKey !== undefined) pods.states.set(p.podKey, rememberFiring(pods.states.get(p.podKey), document));
    return document;
  });
  return { documents, incidents, storms, keysOf, told, digestsTold };
}

/** The incident a document belongs to; none for an alert that names no pod. */
function incidentInput(p: Pending, clusterLabel: string, now: string): { key: string; input: IncidentInput } | undefined {
  const { document } = p;
  if (document.target.pod === '' || document.target.namespace === '') return undefined;
  const workload = p.facts?.workload ?? document.incident?.workload ?? workloadOfTarget(document.target);
  const cluster = document.alert.labels[clusterLabel];
  const input: IncidentInput = { document, workload, now };
  if (cluster !== undefined && cluster !== '') input.cluster = cluster;
  if (p.facts !== undefined) input.facts = p.facts;
  const revision = p.pod === undefined ? undefined : podRevisionName(p.pod, workload);
  if (revision !== undefined) input.podRevision = revision;
  return { key: incidentKey(input.cluster, document.target.namespace, workload), input };
}
