/**
 * Remedies for pods that never start because the kubelet cannot set them up (volumes, the sandbox and
 * its network plugin, an init container waiting for a service); pods the scheduler cannot place are in
 * ./schedule.ts. Names come from the evidence; node checks use `kubectl debug node/…` (see ./node.ts).
 */
import type { Clues } from '../clues.ts';
import type { Remedy } from '../document.ts';
import { shq } from '../shell.ts';
import type { Fix } from '../verdict.ts';
import { CLEANUP, onNode, readableNode } from './node.ts';
import { ns, type Workload } from './workload.ts';

export function volumeRemedies(clues: Clues, w: Workload, fix: Extract<Fix, { kind: 'volume' }>): Remedy[] {
  const out: Remedy[] = [];
  const pv = fix.failure.volume?.startsWith('pvc-') === true ? fix.failure.volume : undefined;
  if (fix.failure.problem === 'multi-attach') {
    out.push({
      kind: 'diagnostic',
      title: 'Find the pod that still holds the volume; a ReadWriteOnce volume attaches to one node at a time',
      commands: [
        `kubectl get volumeattachments -o custom-columns=${shq('PV:.spec.source.persistentVolumeName,NODE:.spec.nodeName,ATTACHED:.status.attached')}${pv === undefined ? '' : ` | grep ${shq(pv)}`}`,
        `kubectl get pods ${ns(w)} -o wide`,
      ],
    });
    if (w.kind === 'Deployment') {
      out.push({
        kind: 'remedy',
        title: `A Deployment rolling out with a ReadWriteOnce claim starts the new pod before the old one lets go: use the Recreate strategy`,
        commands: [`kubectl patch deployment ${shq(w.name)} ${ns(w)} -p ${shq('{"spec":{"strategy":{"type":"Recreate","rollingUpdate":null}}}')}`],
      });
    }
  }
  out.push({
    kind: 'diagnostic',
    title: `Read the claim${fix.claims.length === 0 ? '' : ` ${fix.claims.join(', ')}`} and its volume's events (the CSI driver's error is there)`,
    commands: [
      ...(fix.claims.length === 0 ? [`kubectl get pvc ${ns(w)}`] : fix.claims.map((c) => `kubectl describe pvc ${shq(c)} ${ns(w)}`)),
      ...(pv === undefined ? [] : [`kubectl describe pv ${shq(pv)}`]),
      `kubectl get events ${ns(w)} --field-selector involvedObject.name=${shq(clues.podName)} --sort-by=.lastTimestamp`,
    ],
  });
  return out;
}

export function sandboxRemedies(clues: Clues, w: Workload, fix: Extract<Fix, { kind: 'sandbox' }>): Remedy[] {
  const node = readableNode(clues);
  const onThatNode = node === undefined ? '' : ` --field-selector spec.nodeName=${shq(node)}`;
  return [
    {
      kind: 'diagnostic',
      title: fix.network
        ? `Check the network plugin${fix.plugin === undefined ? '' : ` (${fix.plugin})`} on the node: its pod there must be running and ready`
        : 'Check the container runtime on the node',
      commands: [`kubectl get pods -n kube-system -o wide${onThatNode}`, ...(node === undefined ? [] : [`kubectl describe node ${shq(node)}`])],
    },
    ...(fix.network && node !== undefined
      ? [
          {
            kind: 'diagnostic' as const,
            title: 'Read the CNI configuration on the node (a missing or stale file breaks every new pod there)',
            commands: [onNode(node, 'ls -la /etc/cni/net.d'), CLEANUP],
          },
        ]
      : []),
    {
      kind: 'remedy',
      title: 'Once the node is fixed, the kubelet retries by itself; or move the pod off the node',
      commands: [`kubectl delete pod ${shq(clues.podName)} ${ns(w)}`],
    },
  ];
}

export function initWaitingRemedies(clues: Clues, w: Workload, waitsFor: string | undefined): Remedy[] {
  const [host = '', port] = (waitsFor ?? '').split(':');
  const service = /^([a-z0-9-]+)(?:\.([a-z0-9-]+)(?:\.svc(?:\.cluster\.local)?)?)?$/.exec(host);
  const out: Remedy[] = [
    {
      kind: 'diagnostic',
      title: `Read what ${w.container} is doing`,
      commands: [`kubectl logs ${shq(clues.podName)} ${ns(w)} -c ${shq(w.container)} --tail=50`],
    },
  ];
  if (waitsFor !== undefined) {
    out.push({
      kind: 'diagnostic',
      title: `Check that ${waitsFor} exists and answers`,
      commands: [
        ...(service?.[1] === undefined ? [] : [`kubectl get svc,endpointslices -n ${shq(service[2] ?? w.namespace)} | grep ${shq(service[1])}`]),
        `kubectl run net-check ${ns(w)} --rm -it --image=busybox:1.36 --restart=Never -- ${port === undefined ? `nslookup ${shq(host)}` : `nc -vz -w 3 ${shq(host)} ${shq(port)}`}`,
      ],
    });
  }
  return out;
}
