/**
 * Which node labels the node itself sets (src/diagnosis/node-owned-labels.ts): the well-known labels
 * of the Kubernetes docs, and the prefixes of discovery agents and node-pool managers; a label a
 * person sets is not one of them, so labelling a node by hand stays its fix.
 */
import { describe, expect, it } from 'vitest';
import { nodeLabelOwner } from '../../../src/diagnosis/node-owned-labels.ts';

describe('nodeLabelOwner', () => {
  it.each([
    ['kubernetes.io/arch', 'the kubelet'],
    ['kubernetes.io/os', 'the kubelet'],
    ['kubernetes.io/hostname', 'the kubelet'],
    ['beta.kubernetes.io/arch', 'the kubelet'],
    ['node.kubernetes.io/instance-type', 'the cloud provider'],
    ['topology.kubernetes.io/zone', 'the cloud provider'],
    ['topology.kubernetes.io/region', 'the cloud provider'],
    ['failure-domain.beta.kubernetes.io/zone', 'the cloud provider'],
    ['feature.node.kubernetes.io/cpu-cpuid.AVX512F', 'node-feature-discovery'],
    ['intel.feature.node.kubernetes.io/gpu', 'node-feature-discovery'],
    ['nvidia.com/gpu.product', 'GPU feature discovery'],
    ['nvidia.com/gpu.present', 'GPU feature discovery'],
    ['cloud.google.com/gke-nodepool', 'GKE'],
    ['eks.amazonaws.com/nodegroup', 'EKS'],
    ['kubernetes.azure.com/agentpool', 'AKS'],
    ['karpenter.sh/capacity-type', 'Karpenter'],
    ['karpenter.k8s.aws/instance-family', 'Karpenter'],
  ])('%s is set by %s', (key, owner) => {
    expect(nodeLabelOwner(key)).toMatch(new RegExp(`^${owner}\\b`));
  });

  it.each([
    'disktype',
    'pool',
    'network_placement',
    'node-role.kubernetes.io/worker',
    'example.com/team',
    'mycompany.nvidia.com.internal/x',
    'kubernetes.io/team',
  ])('%s is a label a person sets', (key) => {
    expect(nodeLabelOwner(key)).toBeUndefined();
  });
});
