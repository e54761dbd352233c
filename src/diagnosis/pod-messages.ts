/**
 * Parsers for the texts the kubelet, the scheduler and the volume controllers write about a pod as a
 * whole (docs/causes.md lists the causes they lead to). Each returns the names in the message, so that
 * summaries and remedies can use them. Formats follow the upstream sources named on each function.
 */

/** A resource the kubelet evicts for (its eviction signals), or a local-storage limit a pod broke. */
export type EvictionKind = 'memory-pressure' | 'disk-pressure' | 'pid-pressure' | 'ephemeral-storage-limit';

export interface Eviction {
  kind: EvictionKind;
  /** The resource as the kubelet names it: memory, ephemeral-storage, pids, … */
  resource?: string;
  /** Containers named as using more than they requested, with usage and request as written. */
  containers: { name: string; usage: string; request?: string }[];
}

/**
 * The kubelet's eviction message (pkg/kubelet/eviction/helpers.go): `The node was low on resource:
 * memory. Container app was using 1843200Ki, which exceeds its request of 512Mi. ` and, since 1.26,
 * `… Threshold quantity: …, available: …. Container app was using 52676Ki, request is 10Mi, has larger
 * consumption of ephemeral-storage. `; local-storage limits: `Pod ephemeral local storage usage exceeds
 * the total limit of containers 1Gi.`, `Container app exceeded its local ephemeral storage limit "1Gi". `,
 * `Usage of EmptyDir volume "cache" exceeds the limit "500Mi". `.
 */
export function parseEviction(message: string): Eviction | undefined {
  const containers = [...message.matchAll(/Container (\S+) was using (\S+?),? (?:which exceeds its request of (\S+?)\.?(?:\s|$)|request is (\S+?),)/g)].map(
    (m) => ({
      name: m[1] ?? '',
      usage: m[2] ?? '',
      ...((m[3] ?? m[4]) === undefined ? {} : { request: (m[3] ?? m[4] ?? '').replace(/\.$/, '') }),
    }),
  );
  const low = /The node was low on resource: ([\w./-]+)/.exec(message)?.[1]?.replace(/\.$/, '');
  if (low !== undefined) {
    const kind: EvictionKind = low === 'memory' ? 'memory-pressure' : low === 'pids' ? 'pid-pressure' : 'disk-pressure';
    return { kind, resource: low, containers };
  }
  if (/local ephemeral storage|ephemeral local storage|Usage of EmptyDir volume/i.test(message)) {
    return { kind: 'ephemeral-storage-limit', resource: 'ephemeral-storage', containers };
  }
  return undefined;
}

/** Why the scheduler found no node, per the plugin that rejected it. */
export type SchedulingReason =
  | 'insufficient-resources'
  | 'taints'
  | 'node-affinity'
  | 'pod-affinity'
  | 'volume-zone'
  | 'unbound-claim'
  | 'host-port'
  | 'unschedulable-nodes'
  | 'too-many-pods';

export interface SchedulingFailure {
  /** `0/N nodes are available`: N, when said. */
  nodes?: number;
  /** Each reason with how many nodes it rejected (0 when the message gives no count), most nodes first. */
  reasons: { reason: SchedulingReason; nodes: number; text: string }[];
  /** `Insufficient cpu`, `Insufficient nvidia.com/gpu`: the resources named. */
  insufficient: string[];
  /** `{node-role.kubernetes.io/control-plane: }`: the taints named. */
  taints: string[];
  /** A PersistentVolumeClaim named as missing. */
  claim?: string;
}

const SCHEDULING_PATTERNS: { reason: SchedulingReason; pattern: RegExp }[] = [
  { reason: 'insufficient-resources', pattern: /Insufficient [\w./-]+/ },
  { reason: 'taints', pattern: /had (?:untolerated )?taints? \{[^}]*\}/ },
  { reason: 'node-affinity', pattern: /didn't match (?:Pod's node affinity\/selector|node selector|node affinity)/ },
  // `pod affinity/anti-affinity`: an older scheduler's wording (kubernetes/kubernetes#100400).
  {
    reason: 'pod-affinity',
    pattern: /didn't match pod (?:anti-)?affinity rules|didn't match pod affinity\/anti-affinity|didn't satisfy existing pods anti-affinity rules/,
  },
  { reason: 'volume-zone', pattern: /volume node affinity conflict|had no available volume zone/ },
  {
    reason: 'unbound-claim',
    pattern: /unbound immediate PersistentVolumeClaims|persistentvolumeclaim "[^"]+" not found|didn't find available persistent volumes to bind/,
  },
  { reason: 'host-port', pattern: /didn't have free ports/ },
  { reason: 'unschedulable-nodes', pattern: /were unschedulable|had unschedulable/ },
  { reason: 'too-many-pods', pattern: /Too many pods/ },
];

/**
 * kube-scheduler's FailedScheduling message (framework.FitError): `0/3 nodes are available: 1 node(s)
 * had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient memory. preemption:
 * …`. Only the part before `preemption:` says why the nodes were rejected.
 */
export function parseSchedulingFailure(message: string): SchedulingFailure | undefined {
  const head = message.split(/\.?\s*preemption:/)[0] ?? message;
  const nodes = /(\d+)\/(\d+) nodes are available/.exec(head)?.[2];
  const parts = head.replace(/^.*?nodes are available:\s*/, '').split(/,\s+(?=\d+ |pod has|persistentvolumeclaim)/);
  const reasons: SchedulingFailure['reasons'] = [];
  for (const part of parts) {
    const found = SCHEDULING_PATTERNS.find((p) => p.pattern.test(part));
    if (found === undefined) continue;
    const count = Number(/^(\d+) /.exec(part.trim())?.[1] ?? 0);
    reasons.push({ reason: found.reason, nodes: count, text: part.trim().replace(/\.$/, '') });
  }
  if (reasons.length === 0) return undefined;
  reasons.sort((a, b) => b.nodes - a.nodes);
  const claim = /persistentvolumeclaim "([^"]+)" not found/.exec(head)?.[1];
  return {
    ...(nodes === undefined ? {} : { nodes: Number(nodes) }),
    reasons,
    insufficient: [...new Set([...head.matchAll(/Insufficient ([\w./-]+)/g)].map((m) => (m[1] ?? '').replace(/\.$/, '')))],
    taints: [...new Set([...head.matchAll(/taints? (\{[^}]*\})/g)].map((m) => m[1] ?? ''))],
    ...(claim === undefined ? {} : { claim }),
  };
}

export type VolumeProblem = 'multi-attach' | 'attach' | 'mount';

export interface VolumeFailure {
  problem: VolumeProblem;
  /** The volume the message names: a pod volume, or a PersistentVolume (`pvc-<uid>`). */
  volume?: string;
  /** `unmounted volumes=[data]`: pod volumes not mounted yet. */
  unmounted: string[];
  /**
   * Multi-Attach only: the pods the attach/detach controller names as using the volume on the other
   * node (`Volume is already used by pod(s) a, b`), or `[]` when it says none does (`already
   * exclusively attached to one node`: the pod is gone, the detach has not happened); undefined when
   * the message says neither (reconciler.go reportMultiAttachError).
   */
  holders?: string[];
}

/**
 * FailedAttachVolume (attachdetach-controller: `Multi-Attach error for volume "pvc-…" Volume is already
 * exclusively attached to one node and can't be attached to another`, `AttachVolume.Attach failed for
 * volume "pvc-…" : …`) and FailedMount (kubelet: `MountVolume.MountDevice failed for volume "pvc-…" : …`,
 * `Unable to attach or mount volumes: unmounted volumes=[data], unattached volumes=[…]: timed out
 * waiting for the condition`), pkg/volume/util/operationexecutor.
 */
export function parseVolumeFailure(reason: string, message: string): VolumeFailure | undefined {
  if (reason !== 'FailedMount' && reason !== 'FailedAttachVolume') return undefined;
  const volume = /for volume "([^"]+)"/.exec(message)?.[1];
  const unmounted = (/unmounted volumes=\[([^\]]*)\]/.exec(message)?.[1] ?? '').split(/\s+/).filter((v) => v !== '');
  const problem: VolumeProblem = /Multi-Attach error/.test(message)
    ? 'multi-attach'
    : reason === 'FailedAttachVolume' || /AttachVolume/.test(message)
      ? 'attach'
      : 'mount';
  const used = /Volume is already used by pod\(s\) ([\w.-]+(?:, [\w.-]+)*)/.exec(message)?.[1];
  const holders =
    problem !== 'multi-attach' ? undefined : used !== undefined ? used.split(', ') : /already exclusively attached/.test(message) ? [] : undefined;
  return { problem, ...(volume === undefined ? {} : { volume }), unmounted, ...(holders === undefined ? {} : { holders }) };
}

/**
 * An NFS server's refusal in a FailedMount's mount output (`mount.nfs: access denied by server while
 * mounting 10.0.8.20:/exports/uploads`): the server does not export the path to the node's address.
 */
export function nfsAccessDenied(message: string): { server: string; path: string } | undefined {
  const m = /mount\.nfs4?: access denied by server while mounting \[?([\w.:-]+?)\]?:(\/\S*)/.exec(message);
  return m?.[1] === undefined || m[2] === undefined ? undefined : { server: m[1], path: m[2] };
}

/**
 * FailedCreatePodSandBox (kubelet, `Failed to create pod sandbox: %v`): true when the runtime's error
 * is the CNI plugin's (`failed to setup network for sandbox`, `NetworkPlugin cni failed`, `plugin
 * type="calico" failed (add)`), the most common case.
 */
export function sandboxNetworkFailure(message: string): boolean {
  return /network for sandbox|NetworkPlugin cni|plugin type="[^"]+" failed|set up pod .* network|CNI|network: /i.test(message);
}

/** `dial tcp 10.233.0.1:443: i/o timeout`: the address of the API server's Service the CNI plugin (in the host's network) cannot reach. */
export function serviceAddressTimeout(message: string): string | undefined {
  return /dial tcp ([\d.]+):443: i\/o timeout/.exec(message)?.[1];
}

/** `plugin type="calico"` or `NetworkPlugin cni … calico`: the CNI plugin the message names. */
export function cniPlugin(message: string): string | undefined {
  return (
    /plugin type="([^"]+)"/.exec(message)?.[1] ??
    /\b(calico|cilium|flannel|weave|aws-cni|azure-vnet|multus|kube-ovn|antrea)\b/i.exec(message)?.[1]?.toLowerCase()
  );
}
