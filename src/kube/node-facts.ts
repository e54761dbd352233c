/**
 * `V1Node` → `NodeFacts`: what `kubectl describe node` shows that explains a kill or an eviction
 * (conditions, taints, cordon, allocatable). Pure; accepts client objects and raw JSON alike.
 */
import type { V1Node } from '@kubernetes/client-node';
import type { NodeFacts } from '../diagnosis/cluster-facts.ts';
import { isoTime } from './time.ts';

export function nodeFacts(node: V1Node): NodeFacts {
  const allocatable: NodeFacts['allocatable'] = {};
  const alloc = node.status?.allocatable ?? {};
  for (const key of ['cpu', 'memory', 'pods'] as const) if (alloc[key] !== undefined) allocatable[key] = String(alloc[key]);
  return {
    name: node.metadata?.name ?? '',
    conditions: (node.status?.conditions ?? []).map((c) => {
      const cond: NodeFacts['conditions'][number] = { type: c.type, status: c.status };
      if (c.reason !== undefined && c.reason !== '') cond.reason = c.reason;
      if (c.message !== undefined && c.message !== '') cond.message = c.message;
      const since = isoTime(c.lastTransitionTime);
      if (since !== undefined) cond.lastTransitionTime = since;
      return cond;
    }),
    taints: (node.spec?.taints ?? []).map((t) => `${t.key}${t.value === undefined || t.value === '' ? '' : `=${t.value}`}:${t.effect}`),
    unschedulable: node.spec?.unschedulable === true,
    allocatable,
  };
}
