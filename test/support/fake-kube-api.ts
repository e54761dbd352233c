/**
 * A fake Kubernetes API server for tests, benchmarks and the demo: HTTPS on 127.0.0.1 (port 0) with
 * its own CA, bearer-token auth, the real REST paths and real `Status` bodies, so that
 * the service's REST client (src/kube/rest.ts) runs for real (no module mocks).
 *
 *   const api = await startFakeKubeApi({ ...scenarioObjects(['deployment-crashloop']), latencyMs: 20 });
 *   const reader = createKubeReader({ kubeconfigPath: api.kubeconfigPath, timeoutMs: 5000 });
 *   api.requests          // every request: resource, status, bytes sent
 *   api.failNext(/\/log$/, 503); api.forbid('pods/log'); api.setPod(pod); api.maxInFlight
 *   await api.close();
 *
 * Paths: GET /version, /api/v1/namespaces/{ns}/pods/{name}, …/pods/{name}/log (container, previous,
 * tailLines, limitBytes as the kubelet applies them), /api/v1/namespaces/{ns}/events (fieldSelector),
 * /api/v1/pods and /api/v1/namespaces/{ns}/pods (labelSelector), /api/v1/nodes/{name} (cluster-scoped:
 * its 403 says "at the cluster scope"); Leases read and written with resourceVersion conflicts
 * (kube-fixtures-leases.ts); with `objects`, the REST paths of Services, Namespaces,
 * Deployments, ReplicaSets, StatefulSets, DaemonSets, ControllerRevisions, Jobs and the prometheus-operator resources (kube-fixtures-objects.ts). Needs `openssl` (see tls.ts).
 */

import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { writeKubeconfig } from './kube-fixtures-kubeconfig.ts';
import { createLeaseTable } from './kube-fixtures-leases.ts';
import { createObjectStore } from './kube-fixtures-objects.ts';
import { type Failure, type FakeCluster, handleKubeRequest } from './kube-fixtures-routes.ts';
import { sharedTestTls, type TestTls } from './tls.ts';

export type { Failure, FakeLog, FakeRequest } from './kube-fixtures-routes.ts';

import type { FakeLog, FakeRequest } from './kube-fixtures-routes.ts';

export interface FakeKubeApiOptions {
  /** Pods as `V1Pod` or raw API JSON. */
  pods?: readonly object[];
  /** Events as `CoreV1Event` or raw API JSON; matched on metadata.namespace and fieldSelector. */
  events?: readonly object[];
  logs?: readonly FakeLog[];
  /** Nodes as `V1Node` or raw API JSON, served by metadata.name. */
  nodes?: readonly object[];
  /** Delay before every answer. */
  latencyMs?: number;
  /** The bearer token to accept; random by default. */
  token?: string;
  /** The identity named in 403 messages. */
  user?: string;
  /** Resources this identity may not read: `pods`, `pods/log`, `events`, `nodes`. */
  forbidden?: readonly string[];
  /**
   * Any other objects (Prometheus, Alertmanager, AlertmanagerConfig, PrometheusRule, ServiceMonitor,
   * Service, Namespace, Deployment, ReplicaSet, StatefulSet, DaemonSet, ControllerRevision, Job), served at their REST paths (kube-fixtures-objects.ts).
   */
  objects?: readonly object[];
  /** Custom resources the server serves (`MONITORING_RESOURCES`: the operator's CRDs are installed). */
  customResources?: readonly string[];
  /** Serve whole log windows regardless of limitBytes (a broken server). */
  ignoreLimitBytes?: boolean;
  tls?: TestTls;
}

export interface FakeKubeApi {
  /** `https://127.0.0.1:<port>` */
  readonly url: string;
  readonly caPem: string;
  readonly token: string;
  /** A kubeconfig (CA data, token, context `fake`) pointing here. */
  readonly kubeconfigPath: string;
  /** Every request in arrival order; `status` and `bytesSent` are filled when it ends. */
  readonly requests: FakeRequest[];
  /** The most requests that were open at once. */
  readonly maxInFlight: number;
  setPod(pod: object): void;
  setNode(node: object): void;
  /** The Leases written through the API (coordination.k8s.io/v1), by namespace/name, as stored. */
  readonly leases: ReadonlyMap<string, Record<string, unknown>>;
  /** Adds or replaces one of `objects` (same kind, namespace and name). */
  setObject(obj: object): void;
  deletePod(namespace: string, name: string): void;
  addEvents(...events: object[]): void;
  setLog(log: FakeLog): void;
  setLatency(ms: number): void;
  forbid(resource: string): void;
  /** The next `times` requests whose path matches answer with `failure` instead. */
  failNext(path: RegExp, failure: Failure, times?: number): void;
  resetRequests(): void;
  close(): Promise<void>;
}

export async function startFakeKubeApi(options: FakeKubeApiOptions = {}): Promise<FakeKubeApi> {
  const tls = options.tls ?? sharedTestTls();
  const token = options.token ?? randomBytes(16).toString('hex');
  const cluster: FakeCluster = {
    pods: new Map(),
    nodes: new Map(),
    events: (options.events ?? []).map(toRaw),
    logs: new Map(),
    token,
    user: options.user ?? 'system:serviceaccount:crashtriage:crashtriage',
    forbidden: new Set(options.forbidden ?? []),
    failures: [],
    latencyMs: options.latencyMs ?? 0,
    ignoreLimitBytes: options.ignoreLimitBytes ?? false,
    objects: createObjectStore(options.objects ?? [], options.customResources ?? []),
    leases: createLeaseTable(),
  };
  const setPod = (pod: object): void => {
    const raw = toRaw(pod);
    const meta = (raw['metadata'] ?? {}) as { namespace?: string; name?: string };
    cluster.pods.set(`${meta.namespace ?? 'default'}/${meta.name ?? ''}`, raw);
  };
  const setNode = (node: object): void => {
    const raw = toRaw(node);
    cluster.nodes.set(((raw['metadata'] ?? {}) as { name?: string }).name ?? '', raw);
  };
  const setLog = (log: FakeLog): void => {
    cluster.logs.set(`${log.namespace}/${log.pod}/${log.container}`, log);
  };
  const setObject = (obj: object): void => {
    const raw = toRaw(obj);
    const id = (o: Record<string, unknown>): string => JSON.stringify([o['kind'], (o['metadata'] as { namespace?: string; name?: string } | undefined) ?? {}]);
    const at = cluster.objects.objects.findIndex((o) => id(o) === id(raw));
    if (at === -1) cluster.objects.objects.push(raw);
    else cluster.objects.objects[at] = raw;
  };
  for (const pod of options.pods ?? []) setPod(pod);
  for (const log of options.logs ?? []) setLog(log);
  for (const node of options.nodes ?? []) setNode(node);

  const requests: FakeRequest[] = [];
  const open = new Set<ServerResponse>();
  let inFlight = 0;
  let maxInFlight = 0;
  const server: Server = createServer({ cert: tls.certPem, key: tls.keyPem }, (req: IncomingMessage, res: ServerResponse) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    open.add(res);
    res.on('close', () => {
      inFlight--;
      open.delete(res);
    });
    handleKubeRequest(cluster, req, res, requests).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const kubeconfigPath = writeKubeconfig({ server: url, caPem: tls.caPem, token });

  return {
    url,
    caPem: tls.caPem,
    token,
    kubeconfigPath,
    requests,
    leases: cluster.leases.leases,
    get maxInFlight() {
      return maxInFlight;
    },
    setPod,
    setNode,
    setObject,
    deletePod: (namespace, name) => void cluster.pods.delete(`${namespace}/${name}`),
    addEvents: (...events) => void cluster.events.push(...events.map(toRaw)),
    setLog,
    setLatency: (ms) => void (cluster.latencyMs = ms),
    forbid: (resource) => void cluster.forbidden.add(resource),
    failNext: (path, failure, times = 1) => void cluster.failures.push({ path, failure, remaining: times }),
    resetRequests: () => {
      requests.length = 0;
      maxInFlight = inFlight;
    },
    close: async () => {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Objects are stored as wire JSON: a `V1Pod`'s Dates become RFC 3339 strings, as on the wire. */
function toRaw(value: object): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}
