/**
 * Node labels no person sets: the kubelet, the cloud provider, the node-pool manager or a discovery
 * agent writes them from what the node is (its platform, machine, zone, pool, hardware) and writes
 * them again. A node labelled by hand with one tells the scheduler it is what it is not (a GPU it
 * lacks, arm64 on an amd64 machine), so for these the fix is nodes that carry the label, or a selector
 * value the nodes carry, never `kubectl label node`. Pure. Sources:
 * - Kubernetes, "Well-Known Labels, Annotations and Taints"
 *   (https://kubernetes.io/docs/reference/labels-annotations-taints/): kubernetes.io/arch, /os and
 *   /hostname (the kubelet), node.kubernetes.io/instance-type and topology.kubernetes.io/zone, /region
 *   (the kubelet or cloud-controller-manager from the cloud provider), their deprecated beta.kubernetes.io/
 *   and failure-domain.beta.kubernetes.io/ forms, node.kubernetes.io/windows-build.
 * - node-feature-discovery: feature.node.kubernetes.io/ and vendor *.feature.node.kubernetes.io/
 *   (https://kubernetes-sigs.github.io/node-feature-discovery/stable/usage/customization-guide.html).
 * - NVIDIA GPU feature discovery: nvidia.com/ (nvidia.com/gpu.product, gpu.present, cuda.driver.major;
 *   https://github.com/NVIDIA/k8s-device-plugin, docs/gpu-feature-discovery).
 * - Node pools: GKE cloud.google.com/ (cloud.google.com/gke-nodepool), EKS managed node groups
 *   eks.amazonaws.com/ (eks.amazonaws.com/nodegroup), AKS kubernetes.azure.com/ (agentpool), Karpenter
 *   karpenter.sh/ and karpenter.k8s.aws/ (https://karpenter.sh/docs/reference/instance-types/).
 */
import type { NodeRequirement } from './cluster-facts.ts';
import type { PodFacts } from './evidence.ts';
import { labelsToSet } from './node-placement.ts';

const KUBELET_LABELS: Readonly<Record<string, string>> = {
  'kubernetes.io/arch': "the kubelet from the node's CPU",
  'kubernetes.io/os': "the kubelet from the node's OS",
  'kubernetes.io/hostname': "the kubelet from the node's name",
  'beta.kubernetes.io/arch': "the kubelet from the node's CPU",
  'beta.kubernetes.io/os': "the kubelet from the node's OS",
  'node.kubernetes.io/instance-type': "the cloud provider from the node's machine type",
  'beta.kubernetes.io/instance-type': "the cloud provider from the node's machine type",
  'topology.kubernetes.io/zone': "the cloud provider from the node's zone",
  'topology.kubernetes.io/region': "the cloud provider from the node's region",
  'failure-domain.beta.kubernetes.io/zone': "the cloud provider from the node's zone",
  'failure-domain.beta.kubernetes.io/region': "the cloud provider from the node's region",
  'node.kubernetes.io/windows-build': "the kubelet from the node's Windows build",
};

/** Label prefixes an agent owns, the longest first where they overlap. */
const AGENT_PREFIXES: readonly (readonly [RegExp, string])[] = [
  [/^(?:[\w-]+\.)*feature\.node\.kubernetes\.io\//, "node-feature-discovery from the node's hardware"],
  [/^nvidia\.com\//, "GPU feature discovery from the node's GPU"],
  [/^cloud\.google\.com\//, 'GKE from its node pool'],
  [/^eks\.amazonaws\.com\//, 'EKS from its node group'],
  [/^kubernetes\.azure\.com\//, 'AKS from its node pool'],
  [/^karpenter\.(?:sh|k8s\.aws)\//, 'Karpenter from its NodePool'],
];

/** Who sets the label from the node (`the kubelet, from the node's CPU`); undefined for a label a person sets. */
export function nodeLabelOwner(key: string): string | undefined {
  return KUBELET_LABELS[key] ?? AGENT_PREFIXES.find(([prefix]) => prefix.test(key))?.[1];
}

/** A requirement on an owned label the pod asks for, and where it is in the pod spec. */
export interface OwnedAsk {
  key: string;
  /** The values asked for (none for `Exists`). */
  values: string[];
  owner: string;
  /** The nodeSelector, or the affinity term and matchExpressions entry. */
  at: { selector: true } | { term: number; expression: number };
}

/**
 * The first owned label among those a node would need to take the pod (labelsToSet: the nodeSelector,
 * then the first affinity term labels can meet); undefined when labels cannot meet it or none is owned.
 */
export function ownedAsk(pod: PodFacts | undefined): OwnedAsk | undefined {
  if (labelsToSet(pod) === undefined) return undefined;
  for (const [key, value] of Object.entries(pod?.nodeSelector ?? {})) {
    const owner = nodeLabelOwner(key);
    if (owner !== undefined) return { key, values: [value], owner, at: { selector: true } };
  }
  const terms = pod?.requiredNodeTerms ?? [];
  const term = terms.findIndex(
    (t) => t.length > 0 && t.every((r) => r.field !== true && ((r.operator === 'In' && r.values.length > 0) || r.operator === 'Exists')),
  );
  // matchExpressions come first in a term (pod-facts.ts), so an entry's index is its matchExpressions index.
  const expression = (terms[term] ?? []).findIndex((r: NodeRequirement) => nodeLabelOwner(r.key) !== undefined);
  const r = terms[term]?.[expression];
  const owner = r === undefined ? undefined : nodeLabelOwner(r.key);
  if (r === undefined || owner === undefined) return undefined;
  return { key: r.key, values: r.values, owner, at: { term, expression } };
}
