/**
 * The Lease client for the shared state store (lease-store.ts): `coordination.k8s.io/v1`
 * Lease reads and writes over the same REST client as the reader (src/kube/rest.ts: a deadline per
 * call, a bounded body, one connection pool), so a hung API server costs a claim at most `timeoutMs`
 * before the store falls back to memory.
 */
import { type KubeConfigOptions, loadKubeConfig } from '../kube/kube-config.ts';
import { connect } from '../kube/kube-connection.ts';
import { apiPath, createKubeRest } from '../kube/rest.ts';
import type { Lease, LeaseApi } from './lease-store.ts';

export interface LeaseClient {
  api: LeaseApi;
  close(): Promise<void>;
}

export function createLeaseClient(options: KubeConfigOptions & { timeoutMs: number }): LeaseClient {
  const connection = connect(loadKubeConfig(options));
  const rest = createKubeRest(connection, { timeoutMs: options.timeoutMs, maxResponseBytes: 4 * 1024 * 1024 });
  const leases = (namespace: string, ...segments: string[]): string => apiPath('/apis/coordination.k8s.io/v1/namespaces', namespace, 'leases', ...segments);
  return {
    api: {
      readNamespacedLease: ({ name, namespace }) => rest.get<Lease>(leases(namespace, name)),
      createNamespacedLease: ({ namespace, body }) => rest.post<Lease>(leases(namespace), body),
      replaceNamespacedLease: ({ name, namespace, body }) => rest.put<Lease>(leases(namespace, name), body),
      // DeleteOptions as the body: its preconditions make the delete conditional on the version read.
      deleteNamespacedLease: ({ name, namespace, body }) => rest.delete(leases(namespace, name), body),
      listNamespacedLease: ({ namespace, ...query }) => rest.get(leases(namespace), query),
    },
    close: () => connection.close(),
  };
}
