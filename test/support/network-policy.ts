// Whether NetworkPolicies let a pod out to a destination, by the rules of the Kubernetes API
// (kubernetes.io/docs/concepts/services-networking/network-policies): policies that select the pod
// and have Egress add up; a rule allows a destination when its ports (none: all) and its peers (none:
// all) both admit it. Named ports, endPort and except are not needed by these manifests and refused.
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { INetworkPolicyPeer } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer';
import type { INetworkPolicyPort } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPort';
import type { Manifest } from './manifests.ts';

/** A pod in the cluster, or an address outside it (Slack, Teams, PagerDuty). */
export type Destination = { port: number; protocol?: 'TCP' | 'UDP' } & ({ namespace: string; podLabels: Record<string, string> } | { ip: string });

const matches = (selector: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] } | undefined, labels: Record<string, string>) => {
  if (selector?.matchExpressions !== undefined) throw new Error('matchExpressions: not evaluated here');
  return Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
};

const ipv4 = (ip: string) => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
const inCidr = (ip: string, cidr: string) => {
  const [base = '', bits = '32'] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  return Math.floor(ipv4(ip) / size) === Math.floor(ipv4(base) / size);
};

function peerAdmits(peer: INetworkPolicyPeer, to: Destination): boolean {
  if (peer.ipBlock !== undefined) {
    if (peer.ipBlock.except !== undefined) throw new Error('ipBlock.except: not evaluated here');
    return 'ip' in to && inCidr(to.ip, peer.ipBlock.cidr);
  }
  if ('ip' in to) return false;
  // A namespaceSelector names namespaces by their labels; kubernetes.io/metadata.name is set on every one.
  const namespaceOk = peer.namespaceSelector === undefined ? false : matches(peer.namespaceSelector, { 'kubernetes.io/metadata.name': to.namespace });
  const podOk = peer.podSelector === undefined ? true : matches(peer.podSelector, to.podLabels);
  // A podSelector alone selects pods in the policy's own namespace, which the callers do not ask about.
  return namespaceOk && podOk;
}

function portAdmits(port: INetworkPolicyPort, to: Destination): boolean {
  if (typeof port.port === 'string' || port.endPort !== undefined) throw new Error(`port ${String(port.port)}: named ports and ranges not evaluated here`);
  return (port.protocol ?? 'TCP') === (to.protocol ?? 'TCP') && (port.port === undefined || port.port === to.port);
}

/** Whether the pod with these labels, in this namespace, may connect to the destination. */
export function egressAllowed(manifests: readonly Manifest[], pod: { namespace: string; labels: Record<string, string> }, to: Destination): boolean {
  const policies = (manifests.filter((m) => m.kind === 'NetworkPolicy') as unknown as INetworkPolicy[]).filter(
    (p) => (p.metadata?.namespace ?? pod.namespace) === pod.namespace && matches(p.spec?.podSelector, pod.labels) && p.spec?.policyTypes?.includes('Egress'),
  );
  if (policies.length === 0) return true;
  return policies.some((p) =>
    (p.spec?.egress ?? []).some(
      (rule) =>
        (rule.ports === undefined || rule.ports.some((port) => portAdmits(port, to))) &&
        (rule.to === undefined || rule.to.some((peer) => peerAdmits(peer, to))),
    ),
  );
}
