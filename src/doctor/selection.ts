/**
 * prometheus-operator's selection rules (its API reference for the Prometheus and Alertmanager
 * resources): a nil object selector selects nothing and `{}` everything; a nil namespace selector
 * means the selecting object's own namespace only. Pure.
 */
import type { ClusterView, ObjectMeta } from './cluster-view.ts';
import { OVERLAY_APPLY } from './finding.ts';
import { type LabelSelector, selectorText, selects } from './label-selector.ts';

export type Selection = { selected: true } | { selected: false; why: string; fix: string[] } | { selected: 'unknown'; why: string };

/**
 * Whether an operator-managed object (Prometheus, Alertmanager) in `ownerNamespace` picks up `target`
 * through `selector` and `namespaceSelector`. `kind`/`resource` name the target for the messages.
 */
export function selection(
  view: ClusterView,
  selector: LabelSelector | null | undefined,
  namespaceSelector: LabelSelector | null | undefined,
  ownerNamespace: string,
  target: ObjectMeta,
  names: { field: string; resource: string; owner: string },
): Selection {
  const targetNs = target.namespace ?? view.namespace;
  if (selector === undefined || selector === null) {
    return {
      selected: false,
      why: `its ${names.field} is not set, which selects no ${names.resource} at all`,
      fix: [`set ${names.field} on ${names.owner} (with kube-prometheus-stack: its Helm values)`],
    };
  }
  if (!selects(selector, target.labels ?? {})) {
    const labels = Object.entries(selector.matchLabels ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    return {
      selected: false,
      why: `its ${names.field} wants ${selectorText(selector)}`,
      fix:
        labels === ''
          ? [`add labels matching ${selectorText(selector)} to ${names.resource} ${targetNs}/${target.name}`]
          : [
              `kubectl -n ${targetNs} label ${names.resource} ${target.name} ${labels}`,
              ...(labels.startsWith('release=')
                ? [`# lasting: set release in overlays/kube-prometheus-stack/params.yaml, then ${OVERLAY_APPLY.split('   ')[0]}`]
                : []),
            ],
    };
  }
  const nsField = names.field.replace(/Selector$/, 'NamespaceSelector');
  if (namespaceSelector === undefined || namespaceSelector === null) {
    return targetNs === ownerNamespace
      ? { selected: true }
      : {
          selected: false,
          why: `its ${nsField} is not set, which means its own namespace ${ownerNamespace} only, and ${target.name} is in ${targetNs}`,
          fix: [`set ${nsField}: {} on ${names.owner} (every namespace), or one that selects namespace ${targetNs}`],
        };
  }
  const nsLabels = view.namespaceLabels.get(targetNs);
  if (nsLabels === undefined || !nsLabels.ok) return { selected: 'unknown', why: `the labels of namespace ${targetNs} could not be read` };
  if (selects(namespaceSelector, { 'kubernetes.io/metadata.name': targetNs, ...nsLabels.value })) return { selected: true };
  const pairs = Object.entries(namespaceSelector.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return {
    selected: false,
    why: `its ${nsField} wants namespaces with ${selectorText(namespaceSelector)}, and ${targetNs} has not`,
    fix: pairs === '' ? [`label namespace ${targetNs} to match ${selectorText(namespaceSelector)}`] : [`kubectl label namespace ${targetNs} ${pairs}`],
  };
}
