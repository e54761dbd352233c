/**
 * How requests reach one cluster: one connection pool with the kubeconfig's TLS settings (cluster CA,
 * client certificate and key, server name) and the Authorization header of its user: a token, a
 * token file re-read every minute (bound service account tokens rotate; client-go re-reads on the
 * same period and keeps the last good token if a read fails), or username and password.
 *
 * A context that only @kubernetes/client-node can serve (exec plugins, auth-providers, proxy-url;
 * see `needsClientNode` in kube-config.ts) gets its headers, and for exec and proxies its dispatcher,
 * from client-node's KubeConfig, imported on first need: only those setups pay its ~80 MiB.
 */
import { readFileSync } from 'node:fs';
import { Agent, type Dispatcher } from 'undici';
import { stringify } from 'yaml';
import type { ResolvedKubeConfig } from './kube-config.ts';
import { KubeReadError } from './kube-error.ts';

/** client-go's period for re-reading a token file (transport.NewCachedFileTokenSource). */
export const TOKEN_FILE_REFRESH_MS = 60_000;

export interface PreparedRequest {
  headers: Record<string, string>;
  dispatcher: Dispatcher;
}

export interface KubeConnection {
  readonly config: ResolvedKubeConfig;
  /** The server URL without a trailing slash (it may carry a path prefix, as behind Rancher). */
  readonly server: string;
  /** Authentication headers and the dispatcher for one request. */
  prepare(url: string): Promise<PreparedRequest>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  clock?: () => number;
}

export function connect(config: ResolvedKubeConfig, options: ConnectOptions = {}): KubeConnection {
  const clock = options.clock ?? Date.now;
  const pool = createPool(config);
  const server = config.cluster.server.replace(/\/+$/, '');
  const prepare = config.needsClientNode === undefined ? nativeAuth(config, pool, clock) : clientNodeAuth(config, pool);
  return {
    config,
    server,
    prepare,
    close: () => pool.close(),
  };
}

/** The kubeconfig's TLS settings as one undici Agent. Files are read once: a CA changes only with the cluster's CA. */
function createPool(config: ResolvedKubeConfig): Agent {
  const { cluster, user } = config;
  const ca = fileOrData(cluster.caFile, cluster.caData);
  const cert = fileOrData(user.certFile, user.certData);
  const key = fileOrData(user.keyFile, user.keyData);
  return new Agent({
    connect: {
      ...(ca === undefined ? {} : { ca }),
      ...(cert === undefined ? {} : { cert }),
      ...(key === undefined ? {} : { key }),
      ...(cluster.insecureSkipTlsVerify === true ? { rejectUnauthorized: false } : {}),
      ...(cluster.tlsServerName === undefined ? {} : { servername: cluster.tlsServerName }),
      // As client-go and client-node: 30 s keep-alive probes beat cloud load balancers' idle timeouts.
      keepAlive: true,
      keepAliveInitialDelay: 30_000,
    },
  });
}

/** kubectl's rule: `*-data` is base64 PEM, a file is read as is; a file wins over data. */
function fileOrData(file: string | undefined, data: string | undefined): Buffer | undefined {
  if (file !== undefined) return readFileSync(file);
  if (data !== undefined) return Buffer.from(data, 'base64');
  return undefined;
}

function nativeAuth(config: ResolvedKubeConfig, pool: Dispatcher, clock: () => number): KubeConnection['prepare'] {
  const { user } = config;
  const token = user.tokenFile !== undefined ? tokenFileReader(user.tokenFile, clock) : user.token === undefined ? undefined : () => user.token as string;
  const basic = user.username === undefined ? undefined : `Basic ${Buffer.from(`${user.username}:${user.password ?? ''}`).toString('base64')}`;
  return async () => {
    const headers: Record<string, string> = {};
    if (token !== undefined) headers['Authorization'] = `Bearer ${token()}`;
    else if (basic !== undefined) headers['Authorization'] = basic;
    return { headers, dispatcher: pool };
  };
}

/** The token in `file`, re-read when older than a minute; the last good one is kept when a read fails. */
export function tokenFileReader(file: string, clock: () => number): () => string {
  let cached: { token: string; at: number } | undefined;
  return () => {
    const now = clock();
    if (cached !== undefined && now - cached.at < TOKEN_FILE_REFRESH_MS) return cached.token;
    try {
      cached = { token: readFileSync(file, 'utf8').trim(), at: now };
    } catch (err) {
      if (cached !== undefined) return cached.token;
      const code = (err as { code?: unknown }).code;
      throw new KubeReadError('unauthorized', `cannot read the token file ${file}${typeof code === 'string' ? ` (${code})` : ''}`, { cause: err });
    }
    return cached.token;
  };
}

/**
 * client-node's KubeConfig for this one context, loaded from the same merged kubeconfig, imported
 * when first needed. It supplies the headers (exec plugin, auth-provider tokens, refreshed as it
 * sees fit) and, for exec plugins and proxies, its own per-request dispatcher.
 */
function clientNodeAuth(config: ResolvedKubeConfig, pool: Dispatcher): KubeConnection['prepare'] {
  const ownDispatcher = config.needsClientNode?.ownDispatcher === true;
  let loaded: Promise<(url: string) => Promise<PreparedRequest>> | undefined;
  const load = async (): Promise<(url: string) => Promise<PreparedRequest>> => {
    const { KubeConfig, RequestContext, HttpMethod } = await import('@kubernetes/client-node');
    const kc = new KubeConfig();
    kc.loadFromString(stringify(config.document ?? {}));
    kc.setCurrentContext(config.context);
    return async (url) => {
      const request = new RequestContext(url, HttpMethod.GET);
      await kc.applySecurityAuthentication(request);
      const dispatcher = ownDispatcher ? (request.getDispatcher() as Dispatcher | undefined) : undefined;
      return { headers: { ...request.getHeaders() }, dispatcher: dispatcher ?? pool };
    };
  };
  return async (url) => {
    loaded ??= load();
    return (await loaded)(url);
  };
}
