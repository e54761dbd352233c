/**
 * A pod that no node will take: kube-scheduler's `FailedScheduling` event, or the `PodScheduled=False`
 * condition (reason `Unschedulable`) that carries the same text once the event has expired. The
 * scheduler's reason (insufficient resources, taints, node or pod affinity, volume zone, an unbound
 * claim) is the cause; KubePodNotReady fires for such pods with no container to blame.
 */
import type { Clues } from '../clues.ts';
import type { EvidenceLine } from '../document.ts';
import { ownedAsk } from '../node-owned-labels.ts';
import { placementText } from '../node-placement.ts';
import { parseSchedulingFailure, type SchedulingFailure, type SchedulingReason } from '../pod-messages.ts';
import { eventLine, type Rule } from './rule.ts';

const WHY: Record<SchedulingReason, string> = {
  'insufficient-resources': 'no node has enough free allocatable resources for its requests',
  taints: 'the nodes carry taints the pod does not tolerate',
  'node-affinity': "no node matches the pod's nodeSelector or node affinity",
  'pod-affinity': "the pod's (anti-)affinity rules rule out every node",
  'volume-zone': 'its volume lives in a zone (or on a node) the pod cannot run in',
  'unbound-claim': 'a PersistentVolumeClaim it mounts is not bound (or does not exist)',
  'host-port': 'the hostPort it asks for is taken on every node',
  'unschedulable-nodes': 'the nodes are cordoned (unschedulable)',
  'too-many-pods': 'the nodes are at their pod limit',
};

/** A short title: `Insufficient memory`, `taint node.kubernetes.io/disk-pressure`, `node affinity`. */
function headline(failure: SchedulingFailure, reason: SchedulingReason): string {
  if (reason === 'insufficient-resources') return `Insufficient ${failure.insufficient.join(', ')}`;
  const taint = /^\{([^:}]+)/.exec(failure.taints[0] ?? '')?.[1];
  if (reason === 'taints' && taint !== undefined) return `untolerated taint ${taint}`;
  return reason.replaceAll('-', ' ');
}

export const unschedulable: Rule = {
  id: 'scheduler-failed-scheduling',
  places: ['pod-setup'],
  detect(clues: Clues) {
    const pod = clues.pod;
    const condition = pod?.conditions.find((c) => c.type === 'PodScheduled' && c.status === 'False');
    if (pod === undefined || (pod.nodeName !== undefined && condition === undefined)) return [];
    const event = clues.events.find((e) => e.reason === 'FailedScheduling');
    const text = event?.message ?? condition?.message;
    if (text === undefined) return [];
    const failure = parseSchedulingFailure(text);
    const top = failure?.reasons[0];
    const nodes = failure?.nodes === undefined ? '' : ` (0 of ${failure.nodes} nodes fit)`;
    const proof: EvidenceLine[] = [];
    if (condition !== undefined) proof.push({ source: 'status', text: `PodScheduled False, reason ${condition.reason ?? 'Unschedulable'}` });
    proof.push(event === undefined ? { source: 'status', text: `Scheduler: ${text}` } : eventLine(event));
    // What the selector asks for decides between labelling a node and fixing the selector.
    const asks = failure?.reasons.some((r) => r.reason === 'node-affinity') === true ? placementText(pod) : undefined;
    if (asks !== undefined) proof.push({ source: 'spec', text: asks });
    const why = (reason: SchedulingReason): string =>
      reason === 'node-affinity' && asks !== undefined ? `no node has what its ${asks} asks for` : WHY[reason];
    return [
      {
        id: 'unschedulable',
        ...(top === undefined ? {} : { detail: top.reason }),
        place: 'pod-setup',
        // A label the node itself sets cannot be given by hand: which nodes, or which value, is the reader's call.
        confidence: top === undefined || (top.reason === 'node-affinity' && ownedAsk(pod) !== undefined) ? 'medium' : 'high',
        title: `Unschedulable: ${failure === undefined || top === undefined ? 'no node fits' : headline(failure, top.reason)}`,
        summary: `No node will run the pod${nodes}: ${top === undefined ? 'the scheduler says why below' : why(top.reason)}${
          failure !== undefined && failure.reasons.length > 1
            ? `; also ${failure.reasons
                .slice(1)
                .map((r) => r.text.replace(/^\d+ /, ''))
                .join(', ')}`
            : ''
        }. Its containers never started.`,
        evidence: proof,
        fix: { kind: 'schedule', ...(failure === undefined ? {} : { failure }) },
      },
    ];
  },
};
