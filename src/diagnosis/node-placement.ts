/**
 * Which nodes the pod spec lets the pod run on (its nodeSelector and required node affinity), in a
 * label selector's words (`disktype=ssd`, `zone in (a,b)`), the labels a node would need to take it,
 * and what the scheduler's counts say of the nodes that carry them. Pure.
 */
import type { NodeRequirement } from './cluster-facts.ts';
import type { PodFacts } from './evidence.ts';
import type { SchedulingFailure, SchedulingReason } from './pod-messages.ts';

/** `zone in (a,b)`, `disktype=ssd`, `!spot`, `cores>8`: the selector syntax `kubectl get nodes -l` takes. */
export function requirementText(r: NodeRequirement): string {
  const key = r.field === true ? `field ${r.key}` : r.key;
  const values = r.values.join(',');
  switch (r.operator) {
    case 'In':
      return r.values.length === 1 ? `${key}=${values}` : `${key} in (${values})`;
    case 'NotIn':
      return `${key} notin (${values})`;
    case 'Exists':
      return key;
    case 'DoesNotExist':
      return `!${key}`;
    case 'Gt':
      return `${key}>${values}`;
    case 'Lt':
      return `${key}<${values}`;
    default:
      return `${key} ${r.operator} (${values})`;
  }
}

/** What the pod asks of a node, e.g. `nodeSelector disktype=ssd; required node affinity zone in (a,b)`; undefined when it asks nothing. */
export function placementText(pod: PodFacts | undefined): string | undefined {
  const parts: string[] = [];
  const selector = Object.entries(pod?.nodeSelector ?? {});
  if (selector.length > 0) parts.push(`nodeSelector ${selector.map(([k, v]) => `${k}=${v}`).join(', ')}`);
  const terms = pod?.requiredNodeTerms ?? [];
  if (terms.length > 0)
    parts.push(
      `required node affinity ${terms.map((t) => (t.length === 0 ? 'an empty term (it matches no node)' : t.map(requirementText).join(', '))).join(' or ')}`,
    );
  return parts.length === 0 ? undefined : parts.join('; ');
}

/** A requirement a label can meet: `In` (its first value) or `Exists`, on a label, not a field. */
const labelable = (r: NodeRequirement): boolean => r.field !== true && ((r.operator === 'In' && r.values.length > 0) || r.operator === 'Exists');

/**
 * The labels (`key=value`) that make a node take the pod: the nodeSelector's, and those of the first
 * affinity term made only of `In` and `Exists` (an `Exists` label gets an empty value). Undefined when
 * labels cannot do it: no such term (an empty term, NotIn, Gt, a field), or a term asking for a value
 * the nodeSelector already sets otherwise.
 */
export function labelsToSet(pod: PodFacts | undefined): string[] | undefined {
  const labels = new Map(Object.entries(pod?.nodeSelector ?? {}));
  const terms = pod?.requiredNodeTerms;
  if (terms !== undefined) {
    const term = terms.find((t) => t.length > 0 && t.every(labelable));
    if (term === undefined) return undefined;
    for (const r of term) {
      const set = labels.get(r.key);
      if (set !== undefined && r.operator === 'In' && !r.values.includes(set)) return undefined;
      if (set === undefined) labels.set(r.key, r.operator === 'In' ? (r.values[0] ?? '') : '');
    }
  }
  return labels.size === 0 ? undefined : [...labels].map(([k, v]) => `${k}=${v}`);
}

/**
 * Reasons of the filters kube-scheduler runs after NodeAffinity (NodePorts, NodeResourcesFit, the
 * volume filters, PodTopologySpread, InterPodAffinity): a node one of them rejected had passed the
 * selector. NodeUnschedulable and TaintToleration run before it, so their nodes were never checked.
 * (The default filter order, pkg/scheduler/apis/config/v1/default_plugins.go; a node's first failing
 * filter is the one counted.)
 */
const AFTER_NODE_AFFINITY: ReadonlySet<SchedulingReason> = new Set(['insufficient-resources', 'host-port', 'volume-zone', 'pod-affinity', 'too-many-pods']);

/**
 * How many nodes the scheduler's counts show to carry what the selector asks: those a later filter
 * rejected. Undefined when the counts cannot say: not given, or adding up to more than the nodes
 * (schedulers before the framework ran every predicate on every node and counted each one).
 */
export function nodesMatchingSelector(f: SchedulingFailure | undefined): number | undefined {
  if (f?.nodes === undefined || f.reasons.some((r) => r.nodes === 0)) return undefined;
  if (f.reasons.reduce((n, r) => n + r.nodes, 0) > f.nodes) return undefined;
  return f.reasons.filter((r) => AFTER_NODE_AFFINITY.has(r.reason)).reduce((n, r) => n + r.nodes, 0);
}
