/**
 * Where the credentials come from: an explicit kubeconfig file, else the pod's service account when
 * running in a pod, else `KUBECONFIG` / `~/.kube/config`. Fails at start, not on the first alert,
 * when the asked-for file or context does not exist.
 *
 * Read here, without @kubernetes/client-node (whose KubeConfig alone loads every generated API class
 * and model, about 80 MiB of RSS): the cluster's server, CA, `insecure-skip-tls-verify`,
 * `tls-server-name`; the user's token, `tokenFile`, client certificate and key, username/password.
 * What needs more (a user `exec` plugin or `auth-provider`, a cluster `proxy-url`) is marked
 * `needsClientNode`, and src/kube/kube-connection.ts hands that one setup to client-node.
 *
 * Several files in KUBECONFIG are merged as kubectl merges them
 * (https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/#merging-kubeconfig-files):
 * empty names are ignored, files that do not exist are skipped, the first file to set a value or a
 * map key wins (the first `current-context`; the first cluster, user or context of a given name, whole),
 * and file references are relative to the file that holds them.
 */

import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { parse } from 'yaml';

/** The service account files every pod gets (unless automountServiceAccountToken is false). */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
export const SERVICE_ACCOUNT_TOKEN = `${SERVICE_ACCOUNT_DIR}/token`;

export interface KubeConfigOptions {
  kubeconfigPath?: string;
  context?: string;
  /** Defaults to detecting a pod: `KUBERNETES_SERVICE_HOST` set and a token mounted. */
  inCluster?: boolean;
}

export class KubeConfigError extends Error {
  override readonly name = 'KubeConfigError';
}

/** A kubeconfig entry as written (kubectl's field names), with file paths made absolute. */
type Entry = Readonly<Record<string, unknown>>;

/** The credentials of one context, ready to connect with. */
export interface ResolvedKubeConfig {
  /** Every context name (one, `inCluster`, in a pod). */
  readonly contexts: readonly string[];
  /** The context in use. */
  readonly context: string;
  /** The context's namespace, if it names one (the pod's own namespace in a pod). */
  readonly namespace?: string;
  readonly cluster: ClusterConfig;
  readonly user: UserConfig;
  /** Set when only client-node can authenticate or connect this context. */
  readonly needsClientNode?: {
    /** Why, in words (`the user runs an exec credential plugin`, …). */
    readonly why: string;
    /** Exec plugins (a client certificate per call) and proxies need client-node's own dispatcher. */
    readonly ownDispatcher: boolean;
  };
  /** The merged kubeconfig as kubectl reads it (for the client-node fallback), absent in a pod. */
  readonly document?: Readonly<Record<string, unknown>>;
}

export interface ClusterConfig {
  server: string;
  caFile?: string;
  caData?: string;
  insecureSkipTlsVerify?: boolean;
  tlsServerName?: string;
}

export interface UserConfig {
  token?: string;
  /** Re-read periodically: bound service account tokens rotate. */
  tokenFile?: string;
  certFile?: string;
  certData?: string;
  keyFile?: string;
  keyData?: string;
  username?: string;
  password?: string;
}

export function loadKubeConfig(options: KubeConfigOptions, env: NodeJS.ProcessEnv = process.env): ResolvedKubeConfig {
  const inCluster = options.inCluster ?? (env['KUBERNETES_SERVICE_HOST'] !== undefined && existsSync(SERVICE_ACCOUNT_TOKEN));
  let document: MergedKubeconfig;
  try {
    if (options.kubeconfigPath !== undefined) document = mergeKubeconfigs([options.kubeconfigPath], true);
    else if (inCluster) return fromServiceAccount(env, SERVICE_ACCOUNT_DIR, options.context);
    else {
      // Without any kubeconfig, clients fall back to http://localhost:8080: say so at start instead of
      // failing every alert with "connection refused".
      const files = (env['KUBECONFIG'] ?? '').split(delimiter).filter((f) => f !== '');
      const candidates = files.length > 0 ? files : [join(homedir(), '.kube', 'config')];
      if (!candidates.some((f) => existsSync(f)))
        throw new KubeConfigError(`no kubeconfig found (looked at ${candidates.join(', ')}) and not running in a pod`);
      document = mergeKubeconfigs(candidates, false);
    }
  } catch (err) {
    if (err instanceof KubeConfigError) throw err;
    throw new KubeConfigError(`cannot load the kubeconfig ${options.kubeconfigPath ?? '(default)'}`, { cause: err });
  }
  return resolveContext(document, options.context);
}

/** The in-cluster configuration, as client-go's rest.InClusterConfig builds it; `dir` holds token, ca.crt, namespace. */
export function fromServiceAccount(env: NodeJS.ProcessEnv, dir: string, context?: string): ResolvedKubeConfig {
  const host = env['KUBERNETES_SERVICE_HOST'];
  const port = env['KUBERNETES_SERVICE_PORT'];
  if (host === undefined || host === '' || port === undefined || port === '')
    throw new KubeConfigError('running in a pod needs KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT');
  if (context !== undefined && context !== 'inCluster') throw new KubeConfigError(`kubeconfig has no context "${context}"`);
  const namespaceFile = join(dir, 'namespace');
  const namespace = existsSync(namespaceFile) ? readFileSync(namespaceFile, 'utf8').trim() : '';
  return {
    contexts: ['inCluster'],
    context: 'inCluster',
    ...(namespace === '' ? {} : { namespace }),
    // An IPv6 service address is bracketed in the URL (as net.JoinHostPort does).
    cluster: { server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`, caFile: join(dir, 'ca.crt') },
    user: { tokenFile: join(dir, 'token') },
  };
}

interface MergedKubeconfig {
  clusters: Map<string, Entry>;
  users: Map<string, Entry>;
  contexts: Map<string, Entry>;
  currentContext?: string;
}

/** kubectl's merge: the first file to set a key wins; `required` files must exist (an explicit path). */
export function mergeKubeconfigs(files: readonly string[], required: boolean): MergedKubeconfig {
  const merged: MergedKubeconfig = { clusters: new Map(), users: new Map(), contexts: new Map() };
  for (const file of files) {
    if (!required && !existsSync(file)) continue;
    const doc = (parse(readFileSync(file, 'utf8')) ?? {}) as unknown;
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error(`${file}: not a kubeconfig (expected a YAML mapping)`);
    const record = doc as Record<string, unknown>;
    const base = dirname(resolve(file));
    addNamed(merged.clusters, record['clusters'], 'cluster', file, (e) => absolutePaths(e, base, ['certificate-authority']));
    addNamed(merged.users, record['users'], 'user', file, (e) => absoluteUserPaths(e, base));
    addNamed(merged.contexts, record['contexts'], 'context', file, (e) => e);
    const current = record['current-context'];
    if (merged.currentContext === undefined && typeof current === 'string' && current !== '') merged.currentContext = current;
  }
  return merged;
}

function addNamed(into: Map<string, Entry>, list: unknown, field: string, file: string, fix: (entry: Entry) => Entry): void {
  if (list === undefined || list === null) return;
  if (!Array.isArray(list)) throw new Error(`${file}: ${field}s is not a list`);
  for (const item of list as unknown[]) {
    const named = item as { name?: unknown; [key: string]: unknown } | null;
    if (typeof named?.name !== 'string' || named.name === '') throw new Error(`${file}: a ${field} without a name`);
    const body = named[field] ?? {};
    if (typeof body !== 'object' || body === null) throw new Error(`${file}: ${field} "${named.name}" is not a mapping`);
    if (!into.has(named.name)) into.set(named.name, fix(body as Entry));
  }
}

function absolutePaths(entry: Entry, base: string, keys: readonly string[]): Entry {
  const out: Record<string, unknown> = { ...entry };
  for (const key of keys) {
    const value = out[key];
    if (typeof value === 'string' && value !== '' && !isAbsolute(value)) out[key] = resolve(base, value);
  }
  return out;
}

/** As client-go: an exec command with a path separator is relative to its kubeconfig; a bare name is looked up on PATH. */
function absoluteUserPaths(entry: Entry, base: string): Entry {
  const out = absolutePaths(entry, base, ['client-certificate', 'client-key', 'tokenFile']) as Record<string, unknown>;
  const exec = out['exec'] as Record<string, unknown> | undefined;
  const command = exec?.['command'];
  if (exec !== undefined && typeof command === 'string' && command.includes('/') && !isAbsolute(command)) {
    out['exec'] = { ...exec, command: resolve(base, command) };
  }
  return out;
}

function resolveContext(merged: MergedKubeconfig, asked: string | undefined): ResolvedKubeConfig {
  if (asked !== undefined && !merged.contexts.has(asked)) throw new KubeConfigError(`kubeconfig has no context "${asked}"`);
  const context = asked ?? merged.currentContext;
  const contextEntry = context === undefined ? undefined : merged.contexts.get(context);
  const clusterName = contextEntry?.['cluster'];
  const clusterEntry = typeof clusterName === 'string' ? merged.clusters.get(clusterName) : undefined;
  const server = clusterEntry?.['server'];
  if (context === undefined || clusterEntry === undefined || typeof server !== 'string' || server === '')
    throw new KubeConfigError('kubeconfig names no cluster for the current context');
  const userName = contextEntry?.['user'];
  const userEntry = (typeof userName === 'string' ? merged.users.get(userName) : undefined) ?? {};
  const namespace = str(contextEntry?.['namespace']);
  const exec = userEntry['exec'] !== undefined;
  const proxied = str(clusterEntry['proxy-url']) !== undefined;
  const reasons = [
    exec ? 'the user runs an exec credential plugin' : undefined,
    userEntry['auth-provider'] !== undefined ? 'the user has an auth-provider' : undefined,
    proxied ? 'the cluster is reached through proxy-url' : undefined,
  ].filter((r) => r !== undefined);
  return {
    contexts: [...merged.contexts.keys()],
    context,
    ...(namespace === undefined ? {} : { namespace }),
    cluster: clusterConfig(server, clusterEntry),
    user: userConfig(userEntry),
    ...(reasons.length === 0 ? {} : { needsClientNode: { why: reasons.join(', '), ownDispatcher: exec || proxied } }),
    document: {
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': context,
      clusters: [...merged.clusters].map(([name, cluster]) => ({ name, cluster })),
      users: [...merged.users].map(([name, user]) => ({ name, user })),
      contexts: [...merged.contexts].map(([name, ctx]) => ({ name, context: ctx })),
    },
  };
}

function clusterConfig(server: string, entry: Entry): ClusterConfig {
  const out: ClusterConfig = { server };
  assign(out, 'caFile', str(entry['certificate-authority']));
  assign(out, 'caData', str(entry['certificate-authority-data']));
  if (entry['insecure-skip-tls-verify'] === true) out.insecureSkipTlsVerify = true;
  assign(out, 'tlsServerName', str(entry['tls-server-name']));
  return out;
}

function userConfig(entry: Entry): UserConfig {
  const out: UserConfig = {};
  assign(out, 'token', str(entry['token']));
  assign(out, 'tokenFile', str(entry['tokenFile']));
  assign(out, 'certFile', str(entry['client-certificate']));
  assign(out, 'certData', str(entry['client-certificate-data']));
  assign(out, 'keyFile', str(entry['client-key']));
  assign(out, 'keyData', str(entry['client-key-data']));
  assign(out, 'username', str(entry['username']));
  assign(out, 'password', str(entry['password']));
  return out;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function assign<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}
