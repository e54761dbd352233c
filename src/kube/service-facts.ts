/**
 * The Services read for a host that does not resolve (src/diagnosis/service-query.ts decides which):
 * the list call that reads them, and `V1Service` → `ServiceFacts`. Pure; accepts client objects and raw JSON alike.
 */
import type { V1Service } from '@kubernetes/client-node';
import type { ServiceFacts, ServiceQuery } from '../diagnosis/cluster-facts.ts';
import type { ServiceSelector } from './reader.ts';

/** A name in every namespace; the DNS Service in kube-system by the label CoreDNS and kube-dns Services carry. */
export function serviceRead(query: ServiceQuery): { namespace: string | undefined; selector: ServiceSelector } {
  if (query.kind === 'cluster-dns') return { namespace: 'kube-system', selector: { labelSelector: 'k8s-app=kube-dns' } };
  return { namespace: undefined, selector: { fieldSelector: `metadata.name=${query.name}` } };
}

/** At most this many kept (one per namespace at most for a name; a cluster has one DNS Service). */
const MAX_SERVICES = 20;

export function serviceFacts(services: readonly V1Service[]): ServiceFacts[] {
  return services.slice(0, MAX_SERVICES).map((s) => {
    const facts: ServiceFacts = {
      name: s.metadata?.name ?? '',
      namespace: s.metadata?.namespace ?? '',
      type: s.spec?.type ?? 'ClusterIP',
      ports: (s.spec?.ports ?? []).map((p) => p.port),
    };
    if (s.spec?.clusterIP !== undefined && s.spec.clusterIP !== '') facts.clusterIP = s.spec.clusterIP;
    return facts;
  });
}
