/**
 * Where the credentials come from: an explicit kubeconfig file, else the pod's service account when
 * running in a pod, else `KUBECONFIG` / `~/.kube/config` (KubeConfig.loadFromDefault). Fails at
 * start, not on the first alert, when the asked-for file or context does not exist.
 */

import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { Agent, type Dispatcher } from 'undici';

/** The service account token path every pod gets (unless automountServiceAccountToken is false). */
export const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

export interface KubeConfigOptions {
  kubeconfigPath?: string;
  context?: string;
  /** Defaults to detecting a pod: `KUBERNETES_SERVICE_HOST` set and a token mounted. */
  inCluster?: boolean;
}

export class KubeConfigError extends Error {
  override readonly name = 'KubeConfigError';
}

export function loadKubeConfig(options: KubeConfigOptions): KubeConfig {
  const kc = new KubeConfig();
  const inCluster = options.inCluster ?? (process.env['KUBERNETES_SERVICE_HOST'] !== undefined && existsSync(SERVICE_ACCOUNT_TOKEN));
  try {
    if (options.kubeconfigPath !== undefined) kc.loadFromFile(options.kubeconfigPath);
    else if (inCluster) kc.loadFromCluster();
    else {
      // loadFromDefault falls back to http://localhost:8080 when there is no kubeconfig at all:
      // say so at start instead of failing every alert with "connection refused".
      const files = (process.env['KUBECONFIG'] ?? '').split(delimiter).filter((f) => f !== '');
      const candidates = files.length > 0 ? files : [join(homedir(), '.kube', 'config')];
      if (!candidates.some((f) => existsSync(f)))
        throw new KubeConfigError(`no kubeconfig found (looked at ${candidates.join(', ')}) and not running in a pod`);
      kc.loadFromDefault();
    }
  } catch (err) {
    if (err instanceof KubeConfigError) throw err;
    throw new KubeConfigError(`cannot load the kubeconfig ${options.kubeconfigPath ?? '(default)'}`, { cause: err });
  }
  if (options.context !== undefined) {
    if (kc.getContextObject(options.context) === null) throw new KubeConfigError(`kubeconfig has no context "${options.context}"`);
    kc.setCurrentContext(options.context);
  }
  if (kc.getCurrentCluster() === null) throw new KubeConfigError('kubeconfig names no cluster for the current context');
  return kc;
}

/**
 * One connection pool with the kubeconfig's TLS settings (cluster CA, client certificate, server
 * name), or undefined where only the client's per-request dispatcher is right: an HTTP(S)/SOCKS proxy,
 * or an exec plugin (it may hand out a client certificate per call). Files are read once: the
 * in-cluster CA bundle changes only with the cluster CA.
 */
export function sharedDispatcher(kc: KubeConfig): Dispatcher | undefined {
  const cluster = kc.getCurrentCluster();
  const user = kc.getCurrentUser();
  if (cluster === null || cluster.proxyUrl !== undefined || user?.exec !== undefined) return undefined;
  const ca = fileOrData(cluster.caFile, cluster.caData);
  const cert = fileOrData(user?.certFile, user?.certData);
  const key = fileOrData(user?.keyFile, user?.keyData);
  return new Agent({
    connect: {
      ...(ca === undefined ? {} : { ca }),
      ...(cert === undefined ? {} : { cert }),
      ...(key === undefined ? {} : { key }),
      ...(cluster.skipTLSVerify === true ? { rejectUnauthorized: false } : {}),
      ...(cluster.tlsServerName === undefined ? {} : { servername: cluster.tlsServerName }),
      // As client-go and client-node: 30 s keep-alive probes beat cloud load balancers' idle timeouts.
      keepAlive: true,
      keepAliveInitialDelay: 30_000,
    },
  });
}

/** Same rule as client-node's `bufferFromFileOrString`: `*-data` is base64, a file is read as is. */
function fileOrData(file: string | undefined, data: string | undefined): Buffer | undefined {
  if (file !== undefined && file !== '') return readFileSync(file);
  if (data !== undefined && data !== '') return Buffer.from(data, 'base64');
  return undefined;
}
