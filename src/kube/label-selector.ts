/**
 * A `LabelSelector` (matchLabels and matchExpressions, as Deployments, StatefulSets, DaemonSets and
 * Jobs write it) as the `labelSelector` query parameter of a list call, in the syntax documented at
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors: every
 * operator of matchExpressions has a string form (`In` → `in (a,b)`, `NotIn` → `notin (a,b)`,
 * `Exists` → `key`, `DoesNotExist` → `!key`), and all requirements are ANDed, as in the object.
 */
import type { V1LabelSelector } from '@kubernetes/client-node';

/** The selector as a query string; undefined when it selects everything (no requirement) or uses an operator with no string form. */
export function labelSelectorString(selector: V1LabelSelector | undefined): string | undefined {
  if (selector === undefined) return undefined;
  const terms = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort().join(',');
    switch (e.operator) {
      case 'In':
        terms.push(`${e.key} in (${values})`);
        break;
      case 'NotIn':
        terms.push(`${e.key} notin (${values})`);
        break;
      case 'Exists':
        terms.push(e.key);
        break;
      case 'DoesNotExist':
        terms.push(`!${e.key}`);
        break;
      default:
        return undefined;
    }
  }
  return terms.length === 0 ? undefined : terms.join(',');
}
