/**
 * Remedies for pods that never start because the kubelet cannot set them up (volumes, the sandbox and
 * its network plugin, an init container waiting for a service); pods the scheduler cannot place are in
 * ./schedule.ts. Names come from the evidence; node checks use `kubectl debug node/…` (see ./node.ts).
 */
import type { Clues } from '../clues.ts';
import type { Remedy } from '../document.ts';
import { nfsAccessDenied, serviceAddressTimeout } from '../pod-messages.ts';
import { serviceOfHost } from '../service-host.ts';
import { shq } from '../shell.ts';
import type { Fix } from '../verdict.ts';
import { CLEANUP, onNode, readableNode } from './node.ts';
import { serviceHomeRemedies } from './service-home.ts';
import { ns, type Workload } from './workload.ts';

/** The pod's own controller's pods share its name and a dash (`mongo-gcclpgkttn-fdnpf` of deployment/mongo). */
const ofWorkload = (w: Workload, pod: string): boolean => !w.bare && pod.startsWith(`${w.name}-`);

/**
 * A Multi-Attach error, per what the attach/detach controller says holds the volume: a pod of this
 * Deployment (a rolling update starts the new pod before the old one lets go: Recreate), no pod at all
 * (the old pod is gone and its node never detached: delete the stale VolumeAttachment), or another
 * workload's pod (which of them should have it decides).
 */
function multiAttachRemedies(w: Workload, holders: readonly string[] | undefined, pv: string | undefined): Remedy[] {
  const attachments = `kubectl get volumeattachments -o custom-columns=${shq('NAME:.metadata.name,PV:.spec.source.persistentVolumeName,NODE:.spec.nodeName,ATTACHED:.status.attached')}${pv === undefined ? '' : ` | grep ${shq(pv)}`}`;
  const recreate: Remedy[] =
    w.kind === 'Deployment'
      ? [
          {
            kind: 'remedy',
            title: `A Deployment rolling out with a ReadWriteOnce claim starts the new pod before the old one lets go: use the Recreate strategy`,
            commands: [`kubectl patch deployment ${shq(w.name)} ${ns(w)} -p ${shq('{"spec":{"strategy":{"type":"Recreate","rollingUpdate":null}}}')}`],
          },
        ]
      : [];
  const find: Remedy = {
    kind: 'diagnostic',
    title:
      holders !== undefined && holders.length > 0 && !holders.every((p) => ofWorkload(w, p))
        ? `Pod ${holders.join(', ')} of another workload holds the ReadWriteOnce volume: which of them should have it decides (or a claim each)`
        : 'Find the pod that still holds the volume; a ReadWriteOnce volume attaches to one node at a time',
    commands: [attachments, `kubectl get pods ${ns(w)} -o wide`],
  };
  if (holders?.length === 0 && pv !== undefined)
    return [
      {
        kind: 'remedy',
        title: 'No pod uses the volume any more, yet its old node still has it attached: delete that VolumeAttachment so it detaches',
        commands: [
          `kubectl get volumeattachments -o jsonpath=${shq(`{.items[?(@.spec.source.persistentVolumeName=="${pv}")].metadata.name}`)} | xargs -r kubectl delete volumeattachment`,
        ],
      },
      { ...find, title: 'Find the node it is attached to (on a node that is down: taint it node.kubernetes.io/out-of-service instead)' },
    ];
  if (holders !== undefined && holders.length > 0 && holders.every((p) => ofWorkload(w, p))) return [...recreate, find];
  return [find, ...(holders === undefined ? recreate : [])];
}

/** An NFS server that refuses the node: its export must allow the node's address. */
function nfsExportRemedy(clues: Clues): Remedy | undefined {
  const denied = clues.recent.map((e) => (e.reason === 'FailedMount' ? nfsAccessDenied(e.message) : undefined)).find((d) => d !== undefined);
  if (denied === undefined) return undefined;
  const node = readableNode(clues);
  return {
    kind: 'remedy',
    title: `${denied.server} refuses the node: allow its address in the export of ${denied.path}`,
    commands: [
      ...(node === undefined ? [] : [`kubectl get node ${shq(node)} -o wide`]),
      `# on ${denied.server}: add its INTERNAL-IP to ${denied.path} in /etc/exports, then: exportfs -ra`,
    ],
  };
}

export function volumeRemedies(clues: Clues, w: Workload, fix: Extract<Fix, { kind: 'volume' }>): Remedy[] {
  const pv = fix.failure.volume?.startsWith('pvc-') === true ? fix.failure.volume : undefined;
  const out: Remedy[] = fix.failure.problem === 'multi-attach' ? multiAttachRemedies(w, fix.failure.holders, pv) : [];
  const nfs = fix.failure.problem === 'mount' ? nfsExportRemedy(clues) : undefined;
  if (nfs !== undefined) out.push(nfs);
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

/**
 * What the CNI plugin's error decides, on the node (named when readable): calico's token refused
 * (`connection is unauthorized`) is renewed by restarting calico-node there, which writes the plugin a
 * fresh one (projectcalico/calico#9428). The API server's Service address timing out (`dial tcp
 * 10.233.0.1:443: i/o timeout`) from the plugin, which runs in the host's network, means the node has
 * no working rules for that Service: kube-proxy writes them (projectcalico/calico#4361, #3092:
 * "Calico relies on a functioning kube-proxy to access the Kubernetes API server"). Restarting it on
 * that node is the fix to try first: a DaemonSet pod, recreated at once, that rewrites every rule;
 * whether it runs there at all comes second, for the other causes (no kube-proxy, the node's network,
 * a proxy set for the runtime).
 */
function pluginRemedies(node: string, plugin: string | undefined, message: string): Remedy[] {
  const onIt = `--field-selector spec.nodeName=${shq(node)}`;
  if (plugin === 'calico' && /connection is unauthorized/.test(message))
    return [
      {
        kind: 'remedy',
        title: "Restart calico-node on the node: it writes the CNI plugin a fresh token (the API server refuses the plugin's)",
        commands: [`kubectl delete pod -A -l k8s-app=calico-node ${onIt}`],
      },
    ];
  const api = serviceAddressTimeout(message);
  if (api === undefined) return [];
  return [
    {
      kind: 'remedy',
      title: `Restart kube-proxy on the node, so it writes the Service rules again: the plugin reaches the API server at ${api}:443 through them`,
      commands: [`kubectl delete pod -A -l k8s-app=kube-proxy ${onIt}`],
    },
    {
      kind: 'diagnostic',
      title: "If that is not it: whether kube-proxy runs on the node decides (none there: a plugin that replaces it, or the node's network)",
      commands: [`kubectl get pods -A -o wide ${onIt} | grep -E ${shq(`kube-proxy|${plugin ?? 'cni'}`)}`],
    },
  ];
}

export function sandboxRemedies(clues: Clues, w: Workload, fix: Extract<Fix, { kind: 'sandbox' }>): Remedy[] {
  const node = readableNode(clues);
  const onThatNode = node === undefined ? '' : ` --field-selector spec.nodeName=${shq(node)}`;
  const message = clues.recent.find((e) => e.reason === 'FailedCreatePodSandBox')?.message ?? '';
  return [
    ...(fix.network && node !== undefined ? pluginRemedies(node, fix.plugin, message) : []),
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

/**
 * An init container waiting for a host: when its log names it, the log is already in the message, so
 * the first step is the fact that decides (does the Service exist in that namespace: create it or
 * deploy what serves it, else give the init container the name that exists), as for a dependency
 * that does not resolve (./dependency.ts); once the Services of that name were read, where they live
 * decides the fix (./service-home.ts). Reading the log comes first only when it names nothing.
 */
export function initWaitingRemedies(clues: Clues, w: Workload, waitsFor: string | undefined): Remedy[] {
  const readLog: Remedy = {
    kind: 'diagnostic',
    title: `Read what ${w.container} is doing`,
    commands: [`kubectl logs ${shq(clues.podName)} ${ns(w)} -c ${shq(w.container)} --tail=50`],
  };
  if (waitsFor === undefined) return [readLog];
  const [host = '', port] = waitsFor.split(':');
  const home = serviceHomeRemedies(clues, w, host);
  if (home !== undefined) return home;
  const service = serviceOfHost(host, w.namespace);
  const name = service?.name;
  const namespace = service?.namespace ?? w.namespace;
  return [
    {
      kind: 'diagnostic',
      title:
        name === undefined
          ? `Check that ${waitsFor} exists and answers`
          : `Whether Service ${name} exists in ${namespace} decides: create it, or fix the name ${w.container} waits for`,
      commands: [
        ...(name === undefined ? [] : [`kubectl get svc,endpointslices -n ${shq(namespace)} | grep ${shq(name)}`]),
        `kubectl run net-check ${ns(w)} --rm -it --image=busybox:1.36 --restart=Never -- ${port === undefined ? `nslookup ${shq(host)}` : `nc -vz -w 3 ${shq(host)} ${shq(port)}`}`,
      ],
    },
  ];
}
