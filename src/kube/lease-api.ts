/**
 * The Lease client for the shared state store (src/kube/lease-store.ts): client-node's
 * `CoordinationV1Api` over the same HTTP plumbing as the reader (http-library.ts: a deadline per
 * call, a bounded body, one connection pool), so a hung API server costs a claim at most `timeoutMs`
 * before the store falls back to memory.
 */
import { CoordinationV1Api, createConfiguration, ServerConfiguration } from '@kubernetes/client-node';
import { createHttpLibrary } from './http-library.ts';
import { type KubeConfigOptions, loadKubeConfig, sharedDispatcher } from './kube-config.ts';
import type { LeaseApi } from './lease-store.ts';

export interface LeaseClient {
  api: LeaseApi;
  close(): Promise<void>;
}

export function createLeaseClient(options: KubeConfigOptions & { timeoutMs: number }): LeaseClient {
  const kc = loadKubeConfig(options);
  const cluster = kc.getCurrentCluster();
  if (cluster === null) throw new Error('unreachable: loadKubeConfig checks the cluster');
  const dispatcher = sharedDispatcher(kc);
  const httpApi = createHttpLibrary({
    timeoutMs: options.timeoutMs,
    maxResponseBytes: 4 * 1024 * 1024,
    userAgent: 'crashtriage/0.1.0',
    ...(dispatcher === undefined ? {} : { dispatcher }),
  });
  const configuration = createConfiguration({ baseServer: new ServerConfiguration(cluster.server, {}), authMethods: { default: kc }, httpApi });
  return {
    api: new CoordinationV1Api(configuration),
    close: async () => {
      await dispatcher?.close();
    },
  };
}
