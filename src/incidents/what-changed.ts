/**
 * Did the crash loop begin with a rollout? Pure: the workload's revisions and the revisions of the
 * crashing pods in, the change (or nothing) out. A rollback is named only when it is safe to suggest:
 * every crashing pod runs the newest revision, that revision is recent and older than the alert,
 * and an older revision with a different pod template exists to go back to. When pods of an older
 * revision crash too, the rollout is not what broke them, and nothing is said of rollbacks.
 */
import type { ContainerFacts, EnvSource } from '../diagnosis/evidence.ts';
import { type PodTemplateFacts, type RevisionFacts, type WorkloadFacts, workloadName } from './workload.ts';

export interface Change {
  revision: number;
  previousRevision: number;
  /** When the newest revision was created (ISO 8601). */
  since: string;
  /** What differs between the two pod templates, e.g. `image checkout:2.3.0 → checkout:2.4.0`. */
  differences: string[];
  /** `kubectl rollout undo …` back to the previous revision. */
  rollback: string;
}

/** A rollout older than this is no longer "what changed": crash loops that start later have other causes. */
export const RECENT_ROLLOUT_MS = 6 * 3600_000;

const ROLLBACK_KINDS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

export function decideChange(facts: WorkloadFacts, crashingRevisions: readonly (string | undefined)[], firstAlertAt: string, now: string): Change | undefined {
  if (!ROLLBACK_KINDS.has(facts.workload.kind) || crashingRevisions.length === 0) return undefined;
  const byNumber = [...facts.revisions].sort((a, b) => a.revision - b.revision);
  const newest = byNumber.at(-1);
  if (newest?.createdAt === undefined || newest.template === undefined) return undefined;
  if (!crashingRevisions.every((name) => name === newest.name)) return undefined;
  const created = Date.parse(newest.createdAt);
  const alerted = Date.parse(firstAlertAt);
  if (!(Date.parse(now) - created <= RECENT_ROLLOUT_MS) || (Number.isFinite(alerted) && created > alerted)) return undefined;
  const template = newest.template;
  const previous = lastDifferent(byNumber.slice(0, -1), template);
  if (previous?.template === undefined) return undefined;
  return {
    revision: newest.revision,
    previousRevision: previous.revision,
    since: newest.createdAt,
    differences: templateDifferences(previous.template, template),
    rollback: `kubectl rollout undo ${workloadName(facts.workload)} -n ${facts.namespace} --to-revision=${previous.revision}`,
  };
}

/** The newest older revision whose template differs (an identical one would bring the crash back). */
function lastDifferent(older: RevisionFacts[], newest: PodTemplateFacts): RevisionFacts | undefined {
  for (let i = older.length - 1; i >= 0; i--) {
    const candidate = older[i];
    if (candidate?.template !== undefined && templateDifferences(candidate.template, newest).length > 0) return candidate;
  }
  return undefined;
}

/**
 * What differs, in words. Values of env and args are never shown (they may be secrets): env by name
 * and source, args as changed; images, resources and the ConfigMaps/Secrets referenced in full.
 */
export function templateDifferences(before: PodTemplateFacts, after: PodTemplateFacts): string[] {
  const out: string[] = [];
  const oldContainers = [...before.initContainers, ...before.containers];
  const newContainers = [...after.initContainers, ...after.containers];
  const several = newContainers.length > 1 || oldContainers.length > 1;
  for (const c of newContainers) {
    const old = oldContainers.find((o) => o.name === c.name);
    if (old === undefined) out.push(`container ${c.name} added (image ${c.image})`);
    else out.push(...containerDifferences(old, c).map((d) => (several ? `${c.name}: ${d}` : d)));
  }
  for (const o of oldContainers) if (!newContainers.some((c) => c.name === o.name)) out.push(`container ${o.name} removed`);
  const oldRefs = referencedObjects(before);
  const newRefs = referencedObjects(after);
  for (const ref of newRefs) if (!oldRefs.has(ref)) out.push(`${ref} now referenced`);
  for (const ref of oldRefs) if (!newRefs.has(ref)) out.push(`${ref} no longer referenced`);
  return out;
}

function containerDifferences(old: ContainerFacts, c: ContainerFacts): string[] {
  const out: string[] = [];
  if (old.image !== c.image) out.push(`image ${old.image} → ${c.image}`);
  if (JSON.stringify(old.command) !== JSON.stringify(c.command)) out.push('command changed');
  if (JSON.stringify(old.args) !== JSON.stringify(c.args)) out.push('args changed');
  const oldEnv = envByName(old);
  const newEnv = envByName(c);
  const added = [...newEnv.keys()].filter((n) => !oldEnv.has(n));
  const removed = [...oldEnv.keys()].filter((n) => !newEnv.has(n));
  const changed = [...newEnv.keys()].filter((n) => oldEnv.has(n) && oldEnv.get(n) !== newEnv.get(n));
  if (added.length > 0) out.push(`env added: ${added.join(', ')}`);
  if (removed.length > 0) out.push(`env removed: ${removed.join(', ')}`);
  if (changed.length > 0) out.push(`env source changed: ${changed.join(', ')}`);
  for (const side of ['requests', 'limits'] as const) {
    for (const resource of ['cpu', 'memory'] as const) {
      const a = old.resources[side][resource];
      const b = c.resources[side][resource];
      if (a !== b) out.push(`${resource} ${side === 'limits' ? 'limit' : 'request'} ${a ?? 'none'} → ${b ?? 'none'}`);
    }
  }
  for (const probe of ['liveness', 'readiness', 'startup'] as const) {
    if (JSON.stringify(old.probes[probe]) !== JSON.stringify(c.probes[probe])) out.push(`${probe} probe changed`);
  }
  return out;
}

/** Env by name → its source without any value: a literal's value is not compared here. */
function envByName(c: ContainerFacts): Map<string, string> {
  return new Map(c.env.map((e) => [e.name, sourceKey(e.from)]));
}

function sourceKey(from: EnvSource): string {
  switch (from.kind) {
    case 'configMapKeyRef':
    case 'secretKeyRef':
      return `${from.kind}:${from.name}:${from.key}`;
    default:
      return from.kind;
  }
}

/** `ConfigMap checkout-config`, `Secret checkout-db`: from env refs, envFrom and volumes. */
function referencedObjects(t: PodTemplateFacts): Set<string> {
  const refs = new Set<string>();
  const label = (kind: string, name: string): string => `${kind === 'secret' || kind === 'secretKeyRef' ? 'Secret' : 'ConfigMap'} ${name}`;
  for (const c of [...t.initContainers, ...t.containers]) {
    for (const e of c.env) if (e.from.kind === 'configMapKeyRef' || e.from.kind === 'secretKeyRef') refs.add(label(e.from.kind, e.from.name));
    for (const e of c.envFrom) refs.add(label(e.kind, e.name));
  }
  for (const v of t.volumes) for (const s of v.sources) refs.add(label(s.kind, s.name));
  return refs;
}
