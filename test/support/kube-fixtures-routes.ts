/**
 * The fake API server's routes (see fake-kube-api.ts): auth, failure injection, then the REST paths
 * with the API server's and kubelet's answers (see kube-fixtures-status.ts).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { handleLeases, LEASES_PATH, type LeaseTable } from './kube-fixtures-leases.ts';
import { kubectlReadAnswer } from './kube-fixtures-metrics.ts';
import { answerObjects, type ObjectStore } from './kube-fixtures-objects.ts';
import { kubeletLogWindow, statusBodies } from './kube-fixtures-status.ts';
import { API_SERVER_HEADERS, KUBE_API_REPLIES, type KubeReplyName, ROW_FOR_STATUS } from './kube-replies.ts';
import { matchesSelector, parseLabelSelector, type Requirement, SelectorError } from './label-selector.ts';
import type { PeerReply } from './peer-reply.ts';

type Raw = Record<string, unknown>;

export interface FakeLog {
  namespace: string;
  pod: string;
  container: string;
  /** The previous (terminated) instance's log. */
  previous?: string | Buffer;
  current?: string | Buffer;
}

/**
 * A status code (answered with that code's row of KUBE_API_REPLIES, or a Status body with this
 * message), a named row, a hang, or a reset.
 */
export type Failure = number | { status: number; message: string } | { reply: KubeReplyName } | 'hang' | 'reset';

/** The owners and histories the incident step reads (apps/v1, batch/v1), named in the request log for call budgets. */
export type WorkloadResource = 'deployments' | 'replicasets' | 'statefulsets' | 'daemonsets' | 'controllerrevisions' | 'jobs';
const WORKLOAD_PATH = /^\/apis\/(?:apps|batch)\/v1\/namespaces\/[^/]+\/(deployments|replicasets|statefulsets|daemonsets|controllerrevisions|jobs)(?:\/[^/]+)?$/;

export interface FakeRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  resource: 'pods' | 'pods/log' | 'events' | 'nodes' | 'services' | 'version' | 'leases' | WorkloadResource | 'other';
  /** 0 until answered (or when hung or reset). */
  status: number;
  /** Body bytes written to the socket. */
  bytesSent: number;
  /** `performance.now()` when the request arrived, and when its answer was written (unset while open, hung or reset). */
  arrivedAt: number;
  answeredAt?: number;
}

export interface FakeCluster {
  pods: Map<string, Raw>;
  /** By name: nodes are cluster-scoped. */
  nodes: Map<string, Raw>;
  events: Raw[];
  logs: Map<string, FakeLog>;
  token: string;
  user: string;
  forbidden: Set<string>;
  failures: { path: RegExp; failure: Failure; remaining: number }[];
  latencyMs: number;
  ignoreLimitBytes: boolean;
  /** Everything besides pods, logs and events (kube-fixtures-objects.ts). */
  objects: ObjectStore;
  /** Leases (coordination.k8s.io/v1), read and written (kube-fixtures-leases.ts). */
  leases: LeaseTable;
}

const POD = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)$/;
const LOG = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/;
const PODS = /^\/api\/v1\/(?:namespaces\/([^/]+)\/)?pods$/;
const EVENTS = /^\/api\/v1\/namespaces\/([^/]+)\/events$/;
const NODE = /^\/api\/v1\/nodes\/([^/]+)$/;
/** Services are served with the other objects (kube-fixtures-objects.ts); named here for the request log. */
const SERVICES = /^\/api\/v1\/(?:namespaces\/[^/]+\/)?services(?:\/[^/]+)?$/;

export async function handleKubeRequest(cluster: FakeCluster, req: IncomingMessage, res: ServerResponse, log: FakeRequest[]): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://fake');
  const path = decodeURIComponent(url.pathname);
  const query = Object.fromEntries(url.searchParams);
  const entry: FakeRequest = { method: req.method ?? 'GET', path, query, resource: resourceOf(path), status: 0, bytesSent: 0, arrivedAt: performance.now() };
  log.push(entry);

  const audit = { 'audit-id': randomUUID() };
  const write = (status: number, headers: Record<string, string>, text: string): void => {
    entry.status = status;
    entry.bytesSent = Buffer.byteLength(text);
    entry.answeredAt = performance.now();
    res.writeHead(status, { ...API_SERVER_HEADERS, ...audit, ...headers }).end(text);
  };
  // Every authorizer refusal goes through responsewriters.RespondWithError, which adds nosniff.
  const send = (status: number, body: unknown): void =>
    write(status, { 'content-type': 'application/json', ...(status === 403 ? { 'x-content-type-options': 'nosniff' } : {}) }, `${JSON.stringify(body)}\n`);
  const sendRow = (row: PeerReply): void => write(row.status, row.headers, row.body);

  if (cluster.latencyMs > 0) await sleep(cluster.latencyMs);
  if (res.destroyed) return;
  if (req.headers.authorization !== `Bearer ${cluster.token}`) return send(401, statusBodies.unauthorized());
  const rule = cluster.failures.find((f) => f.remaining > 0 && f.path.test(path));
  if (rule !== undefined) {
    rule.remaining--;
    if (rule.failure === 'hang') return; // closed by the client's deadline or by close()
    if (rule.failure === 'reset') return void req.socket.destroy();
    if (typeof rule.failure === 'object')
      return 'reply' in rule.failure
        ? sendRow(KUBE_API_REPLIES[rule.failure.reply])
        : send(rule.failure.status, statusBodies.generic(rule.failure.status, rule.failure.message));
    const name = ROW_FOR_STATUS[rule.failure];
    return name === undefined ? send(rule.failure, statusBodies.generic(rule.failure, 'injected failure')) : sendRow(KUBE_API_REPLIES[name]);
  }
  const lease = LEASES_PATH.exec(path);
  if (lease !== null) {
    const forbidden = (verb: string, ns: string, name?: string) =>
      cluster.forbidden.has('leases')
        ? {
            ...statusBodies.forbidden(cluster.user, verb, 'leases', ns, name),
            message: `leases${name === undefined ? '' : ` "${name}"`} is forbidden: User "${cluster.user}" cannot ${verb} resource "leases" in API group "coordination.k8s.io" in the namespace "${ns}"`,
          }
        : undefined;
    return handleLeases(cluster.leases, req, url, lease, forbidden, send);
  }
  if (req.method !== 'GET') return send(405, statusBodies.generic(405, `the server does not allow this method on the requested resource`));
  if (path === '/version') return send(200, { major: '1', minor: '32', gitVersion: 'v1.32.2', platform: 'linux/amd64' });
  const kubectlRead = kubectlReadAnswer(cluster, path);
  if (kubectlRead !== undefined) return send(kubectlRead.status, kubectlRead.body);

  let m: RegExpExecArray | null;
  if ((m = LOG.exec(path)) !== null) return serveLog(cluster, m[1] ?? '', m[2] ?? '', url.searchParams, res, entry, send);
  if ((m = POD.exec(path)) !== null) {
    const [ns, name] = [m[1] ?? '', m[2] ?? ''];
    if (cluster.forbidden.has('pods')) return send(403, statusBodies.forbidden(cluster.user, 'get', 'pods', ns, name));
    const pod = cluster.pods.get(`${ns}/${name}`);
    return pod === undefined ? send(404, statusBodies.notFound('pods', name)) : send(200, pod);
  }
  if ((m = NODE.exec(path)) !== null) {
    const name = m[1] ?? '';
    if (cluster.forbidden.has('nodes')) return send(403, statusBodies.forbidden(cluster.user, 'get', 'nodes', undefined, name));
    const node = cluster.nodes.get(name);
    return node === undefined ? send(404, statusBodies.notFound('nodes', name)) : send(200, node);
  }
  if ((m = PODS.exec(path)) !== null) {
    const ns = m[1];
    if (cluster.forbidden.has('pods')) return send(403, statusBodies.forbidden(cluster.user, 'list', 'pods', ns ?? ''));
    const list = listPods(cluster, ns, url.searchParams);
    return 'items' in list ? send(200, list) : send(400, statusBodies.badRequest(list.error));
  }
  if ((m = EVENTS.exec(path)) !== null) {
    const ns = m[1] ?? '';
    if (cluster.forbidden.has('events')) return send(403, statusBodies.forbidden(cluster.user, 'list', 'events', ns));
    const selector = url.searchParams.get('fieldSelector') ?? '';
    const items = cluster.events.filter((e) => meta(e).namespace === ns && matchesFields(e, selector));
    return send(200, { kind: 'EventList', apiVersion: 'v1', metadata: { resourceVersion: '48213400' }, items });
  }
  const answer = answerObjects(
    cluster.objects,
    path,
    url.searchParams.get('labelSelector') ?? '',
    cluster.forbidden,
    cluster.user,
    url.searchParams.get('fieldSelector') ?? '',
  );
  const listed = answer?.body as { items?: Raw[]; metadata?: Raw } | undefined;
  if (answer?.status === 200 && listed?.items !== undefined) {
    const paged = pageInKeyOrder(listed.items, url.searchParams);
    if ('error' in paged) return send(400, statusBodies.badRequest(paged.error));
    return send(200, { ...listed, metadata: { ...listed.metadata, ...paged.metadata }, items: paged.items });
  }
  if (answer?.text !== undefined) {
    return write(answer.status, { 'content-type': 'text/plain; charset=utf-8' }, answer.text);
  }
  if (answer !== undefined) return send(answer.status, answer.body);
  return send(404, { ...statusBodies.notFound('', ''), message: 'the server could not find the requested resource', details: {} });
}

/**
 * A PodList as the API server answers `list pods`: items in key order (namespace/name, as etcd holds
 * them), the label selector applied with its real grammar, and `limit`/`continue` paging: at most
 * `limit` items, with `metadata.continue` when keys remain after the last one returned (whether or
 * not they match: the server does not look ahead), and no `remainingItemCount` under a selector.
 */
function listPods(cluster: FakeCluster, ns: string | undefined, params: URLSearchParams): { items: Raw[] } | { error: string } {
  const selector = params.get('labelSelector') ?? '';
  let requirements: Requirement[];
  try {
    requirements = parseLabelSelector(selector);
  } catch (err) {
    if (!(err instanceof SelectorError)) throw err;
    return {
      error: `Unable to find "/v1, Resource=pods" that match label selector "${selector}", field selector "${params.get('fieldSelector') ?? ''}": ${err.message}`,
    };
  }
  const inNamespace = [...cluster.pods.values()].filter((p) => ns === undefined || meta(p).namespace === ns);
  const paged = pageInKeyOrder(inNamespace, params, (pod) => matchesSelector(meta(pod).labels ?? {}, requirements));
  if ('error' in paged) return paged;
  return { kind: 'PodList', apiVersion: 'v1', metadata: paged.metadata, items: paged.items } as { items: Raw[] };
}

/**
 * `limit`/`continue` as the API server pages a list: objects in key order (namespace/name, as etcd
 * holds them), at most `limit` looked at, and `metadata.continue` when keys remain after the last
 * one (whether or not they match: the server does not look ahead).
 */
function pageInKeyOrder(
  objects: Raw[],
  params: URLSearchParams,
  matches: (o: Raw) => boolean = () => true,
): { items: Raw[]; metadata: Raw } | { error: string } {
  const keyOf = (p: Raw): string => `${meta(p).namespace ?? ''}/${meta(p).name ?? ''}`;
  let start = '';
  const token = params.get('continue');
  if (token !== null && token !== '') {
    const decoded = decodeContinue(token);
    if (decoded === undefined) return { error: `continue key is not valid: ${token}` };
    start = decoded;
  }
  const keys = objects.filter((p) => keyOf(p) >= start).sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1));
  const limit = Number(params.get('limit') ?? 0);
  const items: Raw[] = [];
  let last = -1;
  for (let i = 0; i < keys.length && (!(limit > 0) || items.length < limit); i++) {
    last = i;
    const object = keys[i] as Raw;
    if (matches(object)) items.push(object);
  }
  const next = keys[last + 1];
  const metadata: Raw = { resourceVersion: '48213400' };
  if (limit > 0 && next !== undefined)
    metadata['continue'] = Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: 48213400, start: keyOf(next) })).toString('base64');
  return { items, metadata };
}

function decodeContinue(token: string): string | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { v?: string; start?: unknown };
    return parsed.v === 'meta.k8s.io/v1' && typeof parsed.start === 'string' ? parsed.start : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The API server's checks of the container name (pkg/registry/core/pod/strategy.go LogLocation: only
 * `spec.containers` count for the default, init containers are named apart), then the kubelet's
 * before serving a log (pkg/kubelet/kubelet_pods.go validateContainerLogStatus).
 */
async function serveLog(
  cluster: FakeCluster,
  ns: string,
  name: string,
  params: URLSearchParams,
  res: ServerResponse,
  entry: FakeRequest,
  send: (status: number, body: unknown) => void,
): Promise<void> {
  if (cluster.forbidden.has('pods/log')) return send(403, statusBodies.forbidden(cluster.user, 'get', 'pods/log', ns, name));
  const pod = cluster.pods.get(`${ns}/${name}`);
  if (pod === undefined) return send(404, statusBodies.notFound('pods', name));
  const spec = (pod['spec'] ?? {}) as { containers?: { name: string }[]; initContainers?: { name: string }[] };
  const main = (spec.containers ?? []).map((c) => c.name);
  const init = (spec.initContainers ?? []).map((c) => c.name);
  const names = [...main, ...init];
  const container = params.get('container') ?? (main.length === 1 ? main[0] : undefined);
  if (container === undefined) {
    const choose =
      main.length === 0 ? '' : `, choose one of: [${main.join(' ')}]${init.length === 0 ? '' : ` or one of the init containers: [${init.join(' ')}]`}`;
    return send(400, statusBodies.badRequest(`a container name must be specified for pod ${name}${choose}`));
  }
  if (!names.includes(container)) return send(400, statusBodies.badRequest(`container ${container} is not valid for pod ${name}`));
  const status = containerStatus(pod, container);
  const previous = params.get('previous') === 'true';
  if (previous && status?.lastState?.terminated === undefined) {
    return send(400, statusBodies.badRequest(`previous terminated container "${container}" in pod "${name}" not found`));
  }
  const waiting = status?.state?.waiting?.reason;
  if (!previous && waiting !== undefined) {
    const why = waiting === 'ErrImagePull' ? "image can't be pulled" : waiting === 'ImagePullBackOff' ? 'trying and failing to pull image' : waiting;
    return send(400, statusBodies.badRequest(`container "${container}" in pod "${name}" is waiting to start: ${why}`));
  }
  const stored = cluster.logs.get(`${ns}/${name}/${container}`);
  const text = (previous ? stored?.previous : stored?.current) ?? '';
  const tail = params.has('tailLines') ? Number(params.get('tailLines')) : undefined;
  const limit = params.has('limitBytes') && !cluster.ignoreLimitBytes ? Number(params.get('limitBytes')) : undefined;
  const body = kubeletLogWindow(Buffer.isBuffer(text) ? text : Buffer.from(text), tail, limit);
  entry.status = 200;
  res.writeHead(200, { ...API_SERVER_HEADERS, 'audit-id': randomUUID(), 'content-type': 'text/plain' });
  // Written in chunks with back-pressure, so `bytesSent` shows what a client that stops early cost.
  const CHUNK = 64 * 1024;
  for (let at = 0; at < body.length && !res.destroyed; at += CHUNK) {
    const chunk = body.subarray(at, at + CHUNK);
    entry.bytesSent += chunk.length;
    if (!res.write(chunk)) await drainedOrClosed(res);
  }
  res.end();
  if (!res.destroyed) entry.answeredAt = performance.now();
}

function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

function resourceOf(path: string): FakeRequest['resource'] {
  if (path === '/version') return 'version';
  if (LOG.test(path)) return 'pods/log';
  if (POD.test(path) || PODS.test(path)) return 'pods';
  if (EVENTS.test(path)) return 'events';
  if (NODE.test(path)) return 'nodes';
  if (SERVICES.test(path)) return 'services';
  if (LEASES_PATH.test(path)) return 'leases';
  return (WORKLOAD_PATH.exec(path)?.[1] as WorkloadResource | undefined) ?? 'other';
}

function meta(obj: Raw): { namespace?: string; name?: string; labels?: Record<string, string> } {
  return (obj['metadata'] ?? {}) as { namespace?: string; name?: string; labels?: Record<string, string> };
}

interface StatusLike {
  state?: { waiting?: { reason?: string } };
  lastState?: { terminated?: unknown };
}

function containerStatus(pod: Raw, container: string): StatusLike | undefined {
  const status = (pod['status'] ?? {}) as { containerStatuses?: (StatusLike & { name: string })[]; initContainerStatuses?: (StatusLike & { name: string })[] };
  return [...(status.containerStatuses ?? []), ...(status.initContainerStatuses ?? [])].find((s) => s.name === container);
}

/** `involvedObject.kind=Pod,involvedObject.name=x` (dotted paths, = / == / !=), as field selectors allow. */
function matchesFields(obj: Raw, selector: string): boolean {
  const get = (path: string): string => {
    let value: unknown = obj;
    for (const key of path.split('.')) value = typeof value === 'object' && value !== null ? (value as Raw)[key] : undefined;
    return value === undefined || value === null ? '' : String(value);
  };
  return selector
    .split(',')
    .filter((s) => s !== '')
    .every((term) => {
      const ne = term.split('!=');
      if (ne.length === 2) return get(ne[0] ?? '') !== ne[1];
      const [key, value] = term.split(/==?/);
      return get(key ?? '') === (value ?? '');
    });
}
