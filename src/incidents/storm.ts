/**
 * Storms: when more than `threshold` incidents open in one namespace (of one cluster) within
 * `windowMs`, the ones beyond the threshold are listed in one digest (workload, cause, pods) instead
 * of a message each, and the digest is kept up to date as they change. Pure: the namespace's storm
 * state and one incident's document in, the state to commit after delivery and the digest out.
 */
import type { CauseId, IncidentRef, StormRef } from '../diagnosis/document.ts';

export interface StormSettings {
  /** Incidents that open in a namespace within the window before the rest go to a digest. */
  threshold: number;
  windowMs: number;
}

export const STORM_DEFAULTS: StormSettings = { threshold: 5, windowMs: 5 * 60_000 };

interface Listed {
  incident: string;
  workload: string;
  cause: CauseId;
  title: string;
  firing: number;
  pods: number;
}

/** What is remembered per namespace (JSON, for any state store). */
export interface StormState {
  /** Start times (ISO 8601) of the incidents opened in the current window, oldest first. */
  opened: { incident: string; at: string }[];
  /**
   * The digest, once the namespace is in a storm. `told`: the sinks that have had its first message
   * (so a sink that missed it gets it on the resend, and one that has it only edits); absent in
   * states older than it, which keep the old rule (every sink told at once).
   */
  digest?: { id: string; listed: Listed[]; told?: string[] };
}

export interface StormDecision {
  next: StormState | undefined;
  /** Set when this incident belongs to the digest: it is shown there, not in a message of its own. */
  storm?: StormRef;
}

export function stormKey(cluster: string | undefined, namespace: string): string {
  return JSON.stringify(['storm', cluster ?? '', namespace]);
}

export function decideStorm(state: StormState | undefined, incident: IncidentRef, namespace: string, now: string, settings: StormSettings): StormDecision {
  const t = Date.parse(now);
  const recent = (state?.opened ?? []).filter((o) => t - Date.parse(o.at) < settings.windowMs);
  let digest = state?.digest;
  // A digest lasts while it lists an incident that still fires; then the namespace is calm again.
  if (digest !== undefined && !digest.listed.some((l) => l.firing > 0)) digest = undefined;
  const opened = incident.news === 'opened' ? [...recent, { incident: incident.id, at: now }] : recent;
  const listedBefore = digest?.listed.find((l) => l.incident === incident.id);
  const overflow = incident.news === 'opened' && opened.length > settings.threshold;
  if (listedBefore === undefined && !overflow) return { next: tidy({ opened, ...(digest === undefined ? {} : { digest }) }) };

  const entry = listing(incident);
  const base = digest ?? { id: `${namespace}@${now}`, listed: [], told: [] };
  const listed = listedBefore === undefined ? [...base.listed, entry] : base.listed.map((l) => (l.incident === incident.id ? entry : l));
  const next: StormState = { opened, digest: { id: base.id, listed, ...(base.told === undefined ? {} : { told: base.told }) } };
  const storm: StormRef = {
    id: base.id,
    news: digest === undefined ? 'opened' : 'updated',
    lines: digestLines(namespace, incident.cluster, listed),
  };
  return { next, storm };
}

function listing(incident: IncidentRef): Listed {
  const firing = incident.pods.filter((p) => p.status === 'firing');
  const first = firing[0] ?? incident.pods[0];
  return {
    incident: incident.id,
    workload: `${incident.workload.kind.toLowerCase()}/${incident.workload.name}`,
    cause: first?.cause ?? 'unknown',
    title: first?.title ?? '',
    firing: firing.length,
    pods: incident.pods.length,
  };
}

/** "Crash-loop storm in shop: 7 workloads", then one line per workload: `deployment/cart: OOMKilled (exit 137), 3 pods`. */
export function digestLines(namespace: string, cluster: string | undefined, listed: readonly Listed[]): string[] {
  const where = cluster === undefined ? namespace : `${namespace} (cluster ${cluster})`;
  const still = listed.filter((l) => l.firing > 0).length;
  return [
    `Crash-loop storm in ${where}: ${listed.length} more workload${listed.length === 1 ? '' : 's'} in one digest, ${still} still crash looping`,
    ...listed.map(
      (l) =>
        `${l.workload}: ${l.title}, ${l.firing === 0 ? `recovered (${l.pods} pod${l.pods === 1 ? '' : 's'})` : `${l.firing} pod${l.firing === 1 ? '' : 's'}`}`,
    ),
  ];
}

/**
 * The storm state to commit after delivery: the digest's `told` advanced by the sinks that took a
 * message of it (`tookDigest`), and the incidents no sink took (`untaken`: released, so the resend
 * opens them again) not counted, unless the state counted them before this request.
 */
export function stormAfter(
  next: StormState | undefined,
  before: StormState | undefined,
  tookDigest: readonly string[],
  untaken: ReadonlySet<string>,
): StormState | undefined {
  if (next === undefined) return undefined;
  const known = new Set([...(before?.opened ?? []).map((o) => o.incident), ...(before?.digest?.listed ?? []).map((l) => l.incident)]);
  const kept = (incident: string): boolean => known.has(incident) || !untaken.has(incident);
  const opened = next.opened.filter((o) => kept(o.incident));
  const listed = (next.digest?.listed ?? []).filter((l) => kept(l.incident));
  if (next.digest === undefined || listed.length === 0) return tidy({ opened });
  const told = next.digest.told === undefined ? {} : { told: [...new Set([...next.digest.told, ...tookDigest])] };
  return { opened, digest: { id: next.digest.id, listed, ...told } };
}

function tidy(state: StormState): StormState | undefined {
  return state.opened.length === 0 && state.digest === undefined ? undefined : state;
}
