/**
 * Remedies for pod-level causes: deletion and its grace period, evictions and node pressure, pods
 * ended by a deadline or their node, pods that cannot be scheduled or set up (volumes, sandbox, a
 * waiting init container). Names come from the evidence; node checks use `kubectl debug node/…`
 * with the sysadmin profile and `chroot /host`, so they read the node's own kernel log and disks.
 */
import type { Clues } from '../clues.ts';
import type { Remedy } from '../document.ts';
import { parseMemory } from '../quantity.ts';
import { shq } from '../shell.ts';
import type { Fix } from '../verdict.ts';
import { CLEANUP, onNode, readableNode } from './node.ts';
import { podSelector } from './verify.ts';
import { ns, patchContainer, replaceSteps, type Workload } from './workload.ts';

function nodeChecks(clues: Clues, kernel: boolean): Remedy[] {
  const node = readableNode(clues);
  if (node === undefined) return [];
  return [
    {
      kind: 'diagnostic',
      title: kernel
        ? `Read node ${node}'s conditions and its kernel log ("Out of memory: Killed process …" names what the kernel killed)`
        : `Read node ${node}'s conditions and allocated resources`,
      commands: [`kubectl describe node ${shq(node)}`, ...(kernel ? [onNode(node, 'dmesg -T'), CLEANUP] : [])],
    },
  ];
}

function pods(w: Workload, clues: Clues): string {
  const selector = w.bare ? undefined : podSelector(clues.pod?.labels ?? {});
  return selector === undefined ? `kubectl get pod ${shq(clues.podName)} ${ns(w)} -o wide` : `kubectl get pods ${ns(w)} -l ${shq(selector)} -o wide`;
}

export function podDeletedRemedies(clues: Clues, w: Workload): Remedy[] {
  return [
    {
      kind: 'diagnostic',
      title: 'Nothing to fix: confirm the deletion was expected (a rollout, scale-down or drain) and that the replacement runs',
      commands: [
        `kubectl get events ${ns(w)} --field-selector involvedObject.name=${shq(clues.podName)} --sort-by=.lastTimestamp`,
        ...(w.rolls ? [`kubectl rollout history ${w.ref} ${ns(w)}`] : []),
        pods(w, clues),
      ],
    },
  ];
}

export function gracePeriodRemedies(w: Workload, seconds: number): Remedy[] {
  const longer = Math.max(60, seconds * 2);
  const path = w.bare ? '.spec' : '.spec.template.spec';
  return [
    {
      kind: 'remedy',
      title: `Handle SIGTERM: exit within ${seconds}s of it (a shell entrypoint must exec the program, or the signal never reaches it)`,
      commands: [
        `kubectl get ${w.ref} ${ns(w)} -o jsonpath=${shq(`{${path}.containers[?(@.name=="${w.container}")].command}{" "}{${path}.containers[?(@.name=="${w.container}")].args}`)}`,
        '# in a shell entrypoint: exec "$@" (or exec the binary) as the last line, so the program is PID 1 and gets SIGTERM',
      ],
    },
    {
      kind: 'remedy',
      title: `Or give the shutdown longer: terminationGracePeriodSeconds ${seconds} → ${longer} (preStop hooks count against it)`,
      commands: patchContainer(w, {}, { terminationGracePeriodSeconds: longer }),
    },
  ];
}

export function evictionRemedies(clues: Clues, w: Workload, fix: Extract<Fix, { kind: 'eviction' }>): Remedy[] {
  const e = fix.eviction;
  const node = readableNode(clues);
  const mine = e.containers.find((c) => c.name === w.container) ?? e.containers[0];
  const out: Remedy[] = [];
  if (e.kind === 'memory-pressure') {
    // A request above the container's own limit would be refused by the API server: cap it there.
    const limit = clues.pod?.containers.find((c) => c.name === mine?.name)?.resources.limits.memory;
    const usage = mine === undefined ? undefined : (parseMemory(mine.usage) ?? 0) > (parseMemory(limit ?? '') ?? Number.POSITIVE_INFINITY) ? limit : mine.usage;
    out.push({
      kind: 'remedy',
      title:
        mine === undefined
          ? 'Request the memory the containers use: the kubelet evicts first the pods furthest above their requests'
          : `Request the memory ${mine.name} uses (${mine.usage}): the kubelet evicts first the pods furthest above their requests`,
      commands:
        mine === undefined
          ? [`kubectl top pod ${shq(clues.podName)} ${ns(w)} --containers`]
          : patchContainer({ ...w, container: mine.name }, { resources: { requests: { memory: usage ?? mine.usage } } }),
    });
  } else if (e.kind === 'disk-pressure' || e.kind === 'ephemeral-storage-limit') {
    out.push({
      kind: 'remedy',
      title:
        e.kind === 'ephemeral-storage-limit'
          ? 'Write less to local storage (logs to stdout, caches to a sized volume), or raise the ephemeral-storage limit'
          : `Request the local storage the containers use${mine === undefined ? '' : ` (${mine.name}: ${mine.usage})`}, and find what fills the node's disk`,
      commands: [
        ...(mine === undefined ? [] : patchContainer({ ...w, container: mine.name }, { resources: { requests: { 'ephemeral-storage': mine.usage } } })),
        ...(node === undefined || e.kind === 'ephemeral-storage-limit' ? [] : [onNode(node, 'df -h /var/lib/kubelet /var/lib/containerd /var/log'), CLEANUP]),
      ],
    });
  } else {
    out.push({
      kind: 'diagnostic',
      title: "Find the process that forks without end (the node ran out of PIDs); a pod-level limit is the kubelet's podPidsLimit",
      commands: node === undefined ? [] : [onNode(node, 'ps -e -o pid,ppid,comm'), CLEANUP],
    });
  }
  out.push(...nodeChecks(clues, false));
  out.push({
    kind: 'remedy',
    title: 'An evicted pod stays as a Failed record; delete it once read (its controller has made a new one)',
    commands: [pods(w, clues), `kubectl delete pod ${shq(clues.podName)} ${ns(w)}`],
  });
  return out;
}

export function nodePressureRemedies(clues: Clues, w: Workload, pressure: string[]): Remedy[] {
  const limit = clues.container?.resources.limits.memory;
  const out = nodeChecks(clues, true);
  if (pressure.includes('MemoryPressure') && limit !== undefined) {
    out.push({
      kind: 'remedy',
      title: `Raise the memory request to the ${limit} limit: the kubelet gives pods that request more of their memory a lower OOM score, so the node's OOM killer picks others first`,
      commands: patchContainer(w, { resources: { requests: { memory: limit } } }),
    });
  }
  out.push({
    kind: 'diagnostic',
    title: 'Otherwise find who sent SIGKILL: events, a timeout wrapper or supervisor, kill -9 in scripts',
    commands: [
      `kubectl get events ${ns(w)} --field-selector involvedObject.name=${shq(clues.podName)} --sort-by=.lastTimestamp`,
      `kubectl logs ${shq(clues.podName)} ${ns(w)} -c ${shq(w.container)} --previous --tail=200`,
    ],
  });
  return out;
}

export function deadlineRemedies(w: Workload, seconds: number | undefined): Remedy[] {
  const longer = seconds === undefined ? undefined : seconds * 2;
  return [
    {
      kind: 'remedy',
      title: `Make the run finish within activeDeadlineSeconds${seconds === undefined ? '' : `=${seconds}`}, or raise it${longer === undefined ? '' : ` (e.g. ${longer})`}`,
      commands:
        longer === undefined
          ? [`kubectl get ${w.ref} ${ns(w)} -o yaml | grep -n activeDeadlineSeconds`]
          : w.patchable
            ? patchContainer(w, {}, { activeDeadlineSeconds: longer })
            : replaceSteps(w, `set activeDeadlineSeconds: ${longer} in ${w.bare ? 'spec' : 'spec.template.spec'}`),
    },
  ];
}

export function nodeGoneRemedies(clues: Clues, w: Workload, how: Extract<Fix, { kind: 'node-gone' }>['how']): Remedy[] {
  const node = readableNode(clues);
  return [
    {
      kind: 'diagnostic',
      title:
        how === 'other'
          ? 'Read why the pod was ended, and its node'
          : `Check node ${node ?? ''} and that the replacement pod runs elsewhere`.replace('  ', ' '),
      commands: [...(node === undefined ? [] : [`kubectl get node ${shq(node)}`, `kubectl describe node ${shq(node)}`]), pods(w, clues)],
    },
    ...(how === 'shutdown' && w.rolls
      ? [
          {
            kind: 'remedy' as const,
            title: `Keep enough replicas through node shutdowns and drains: a PodDisruptionBudget for ${w.ref}`,
            commands: [
              `kubectl create poddisruptionbudget ${shq(w.name)} ${ns(w)} --selector=${shq(podSelector(clues.pod?.labels ?? {}) ?? `app=${w.name}`)} --min-available=1`,
            ],
          },
        ]
      : []),
    { kind: 'remedy', title: 'Delete the leftover Failed pod once read', commands: [`kubectl delete pod ${shq(clues.podName)} ${ns(w)}`] },
  ];
}

export function scheduleRemedies(clues: Clues, w: Workload, fix: Extract<Fix, { kind: 'schedule' }>): Remedy[] {
  const f = fix.failure;
  const reasons = new Set(f?.reasons.map((r) => r.reason) ?? []);
  const out: Remedy[] = [];
  const path = w.bare ? '.spec' : '.spec.template.spec';
  if (reasons.has('insufficient-resources')) {
    out.push({
      kind: 'diagnostic',
      title: `Compare the pod's requests${f === undefined || f.insufficient.length === 0 ? '' : ` (${f.insufficient.join(', ')})`} with what the nodes have left; lower the requests or add nodes`,
      commands: [
        `kubectl get ${w.ref} ${ns(w)} -o jsonpath=${shq(`{range ${path}.containers[*]}{.name}{" "}{.resources.requests}{"\\n"}{end}`)}`,
        `kubectl describe nodes | grep -A 8 ${shq('Allocated resources')}`,
      ],
    });
  }
  if (reasons.has('taints')) {
    const taint = f?.taints[0];
    out.push({
      kind: 'diagnostic',
      title: `The nodes are tainted${taint === undefined ? '' : ` ${taint}`}: schedule onto nodes without it, or add a toleration if the pod belongs there`,
      commands: [
        `kubectl get nodes -o custom-columns=${shq('NAME:.metadata.name,TAINTS:.spec.taints')}`,
        `kubectl get ${w.ref} ${ns(w)} -o jsonpath=${shq(`{${path}.tolerations}`)}`,
      ],
    });
  }
  if (reasons.has('node-affinity') || reasons.has('pod-affinity')) {
    out.push({
      kind: 'diagnostic',
      title: "Compare the pod's nodeSelector and affinity with the nodes' labels",
      commands: [`kubectl get ${w.ref} ${ns(w)} -o jsonpath=${shq(`{${path}.nodeSelector}{"\\n"}{${path}.affinity}`)}`, 'kubectl get nodes --show-labels'],
    });
  }
  if (reasons.has('unbound-claim') || reasons.has('volume-zone')) {
    const claims = (clues.pod?.volumes ?? []).flatMap((v) => (v.claimName === undefined ? [] : [v.claimName]));
    const claim = f?.claim ?? claims[0];
    out.push({
      kind: 'diagnostic',
      title: reasons.has('volume-zone')
        ? "The volume is pinned to a zone or node the pod cannot use: compare the PersistentVolume's node affinity with the nodes"
        : `Bind the claim${claim === undefined ? '' : ` ${claim}`}: check it exists, its StorageClass and its provisioner`,
      commands: [
        `kubectl get pvc ${ns(w)}`,
        ...(claim === undefined ? [] : [`kubectl describe pvc ${shq(claim)} ${ns(w)}`]),
        reasons.has('volume-zone')
          ? 'kubectl get pv -o custom-columns=NAME:.metadata.name,CLAIM:.spec.claimRef.name,AFFINITY:.spec.nodeAffinity'
          : 'kubectl get storageclass',
      ],
    });
  }
  if (reasons.has('unschedulable-nodes'))
    out.push({
      kind: 'remedy',
      title: 'Nodes are cordoned: uncordon them when their maintenance is over',
      commands: ['kubectl get nodes', '# kubectl uncordon NODE'],
    });
  if (reasons.has('host-port'))
    out.push({
      kind: 'remedy',
      title: 'The hostPort is taken on every node: drop hostPort or run fewer replicas than nodes',
      commands: [`kubectl get ${w.ref} ${ns(w)} -o yaml | grep -n hostPort`],
    });
  if (reasons.has('too-many-pods'))
    out.push({
      kind: 'remedy',
      title: 'The nodes are at their pod limit: add nodes or raise maxPods',
      commands: ['kubectl get nodes -o custom-columns=NAME:.metadata.name,PODS:.status.allocatable.pods'],
    });
  if (out.length === 0)
    out.push({ kind: 'diagnostic', title: "Read the scheduler's reason in full", commands: [`kubectl describe pod ${shq(clues.podName)} ${ns(w)}`] });
  return out;
}

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
