/**
 * The `KubeReader` port (what `gatherEvidence` needs: the pod, its logs, the pod's events, the pod's
 * node) and its adapter over the plain REST client (src/kube/rest.ts). Every call: one attempt, a
 * deadline, a slot in the shared limiter, one metrics observation, and failures thrown as `KubeReadError`.
 * Pod reads that queue for a slot in a storm are answered by one list per ReplicaSet or StatefulSet
 * (pod-batch.ts).
 * Read-only by construction: `get pods`, `list pods`, `get pods/log`, `list events`, `get nodes`, `list services`,
 * `get persistentvolumeclaims`, `list storageclasses`; Secrets are never read.
 */
import type { CoreV1Event, V1Node, V1PersistentVolumeClaim, V1Pod, V1Service, V1StorageClass } from '@kubernetes/client-node';
import { type KubeConfigOptions, loadKubeConfig } from './kube-config.ts';
import { connect } from './kube-connection.ts';
import { classifyKubeError } from './kube-error.ts';
import { createLimiter } from './limiter.ts';
import { createPodBatcher } from './pod-batch.ts';
import { apiPath, createKubeRest } from './rest.ts';
import { createWorkloadReader, type WorkloadReader, type WorkloadResource } from './workload-reader.ts';

export interface LogRequest {
  /** `tailLines`: the kubelet starts this many lines before the end. */
  tailLines: number;
  /** `limitBytes`: the kubelet stops after this many bytes, counted from that start. */
  limitBytes: number;
}

/** What evidence gathering reads. Implementations throw `KubeReadError` on failure. */
export interface KubeReader {
  readPod(namespace: string, name: string): Promise<V1Pod>;
  /** The log of the container's previous (terminated) instance. */
  readPreviousLog(namespace: string, pod: string, container: string, request: LogRequest): Promise<string>;
  /** The log of the container's current instance (a first run that has not been restarted yet). */
  readCurrentLog(namespace: string, pod: string, container: string, request: LogRequest): Promise<string>;
  /** Events whose involvedObject is this pod (by kind and name; any uid). */
  listPodEvents(namespace: string, pod: string): Promise<CoreV1Event[]>;
  /** The node by name (`get nodes`, cluster-scoped, read-only). */
  readNode(name: string): Promise<V1Node>;
  /**
   * Services (`list services`) in one namespace, or in every namespace when `namespace` is undefined,
   * by field selector (`metadata.name=redis`) or label selector (`k8s-app=kube-dns`).
   */
  listServices(namespace: string | undefined, selector: ServiceSelector): Promise<V1Service[]>;
  /** A claim the pod mounts (`get persistentvolumeclaims`), read only when the scheduler says it is unbound. */
  readClaim(namespace: string, name: string): Promise<V1PersistentVolumeClaim>;
  /** The cluster's StorageClasses (`list storageclasses.storage.k8s.io`, cluster-scoped), read with the claims. */
  listStorageClasses(): Promise<V1StorageClass[]>;
}

export interface ServiceSelector {
  fieldSelector?: string;
  labelSelector?: string;
}

export type ApiResource = 'pods' | 'pods/log' | 'events' | 'nodes' | 'services' | 'persistentvolumeclaims' | 'storageclasses' | WorkloadResource;

/** Metrics port; the service wires it to a prom-client histogram/counter. */
export interface ApiCallObserver {
  onApiCall(resource: ApiResource, code: number | 'timeout' | 'error', seconds: number): void;
}

export const noopApiCallObserver: ApiCallObserver = { onApiCall: () => {} };

export interface KubeReaderOptions extends KubeConfigOptions {
  /** Deadline per API call (connect to last byte). Suggested 5000. */
  timeoutMs: number;
  onApiCall?: ApiCallObserver;
  /** Cap on in-flight API calls through this reader (default 10). */
  maxInFlight?: number;
  /** Any larger response fails the call (default 4 MiB; logs are bounded by limitBytes first). */
  maxResponseBytes?: number;
}

/** The adapter also owns a connection pool; close it on shutdown. */
export interface KubeApiReader extends KubeReader {
  /** The kubeconfig context's namespace, else `default` (what kubectl uses without -n). */
  readonly defaultNamespace: string;
  /** Pods by label selector, in one namespace or all (`list pods`: the CLI's, not the service's, permission). */
  listPods(namespace: string | undefined, labelSelector: string | undefined): Promise<V1Pod[]>;
  /** At most `limit` pods of one namespace by label selector (`list pods`); `truncated` when the API had more (its `continue` token). */
  listPodsLimited(namespace: string, labelSelector: string, limit: number): Promise<{ pods: V1Pod[]; truncated: boolean }>;
  /** The pods' owners and their revisions, through the same connection pool and limiter. */
  readonly workloads: WorkloadReader;
  close(): Promise<void>;
}

export function createKubeReader(options: KubeReaderOptions): KubeApiReader {
  const connection = connect(loadKubeConfig(options));
  const rest = createKubeRest(connection, { timeoutMs: options.timeoutMs, maxResponseBytes: options.maxResponseBytes ?? 4 * 1024 * 1024 });
  const max = options.maxInFlight ?? 10;
  // A read still running after half a second is hanging, not working (a pod or a 64 KiB log answers
  // in tens of milliseconds): it gives its slot back so that other groups' reads go on (limiter.ts).
  // Eight times the cap in that lane lets ten groups of ten hanging alerts (five calls each) by
  // without holding back a calm group (bench/bounds.ts part 3); each still ends at KUBE_TIMEOUT_MS.
  const limiter = createLimiter(max, { slowAfterMs: Math.min(500, options.timeoutMs / 2), maxSlow: 8 * max });
  const observer = options.onApiCall ?? noopApiCallObserver;

  /** One API call, observed and classified, in a slot the caller holds. */
  const observed = async <T>(resource: ApiResource, fn: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const seconds = (): number => (performance.now() - started) / 1000;
    try {
      const result = await fn();
      observer.onApiCall(resource, 200, seconds());
      return result;
    } catch (err) {
      const error = classifyKubeError(err, options.timeoutMs);
      observer.onApiCall(resource, error.status ?? (error.kind === 'timeout' ? 'timeout' : 'error'), seconds());
      throw error;
    }
  };
  const call = <T>(resource: ApiResource, fn: () => Promise<T>): Promise<T> => limiter.run(() => observed(resource, fn));

  const core = (namespace: string, ...segments: string[]): string => apiPath('/api/v1/namespaces', namespace, ...segments);
  const getPod = (namespace: string, name: string): Promise<V1Pod> => observed('pods', () => rest.get<V1Pod>(core(namespace, 'pods', name)));
  const listPodsPage = (namespace: string, labelSelector: string, limit: number) =>
    observed('pods', async () => {
      const list = await rest.get<{ items: V1Pod[]; metadata?: { continue?: string } }>(core(namespace, 'pods'), { labelSelector, limit });
      const next = list.metadata?.continue;
      return { pods: list.items, truncated: next !== undefined && next !== '' };
    });
  // Pod reads queued behind the limiter in a storm share one list per ReplicaSet or StatefulSet (pod-batch.ts).
  const readPod = createPodBatcher({ slot: (task) => limiter.run(task), get: getPod, list: listPodsPage });
  const readLog = (namespace: string, pod: string, container: string, request: LogRequest, previous: boolean): Promise<string> =>
    call('pods/log', () =>
      rest.getText(core(namespace, 'pods', pod, 'log'), {
        container,
        ...(previous ? { previous: true } : {}),
        tailLines: request.tailLines,
        limitBytes: request.limitBytes,
      }),
    );

  return {
    workloads: createWorkloadReader(rest, call),
    defaultNamespace: connection.config.namespace ?? 'default',
    listPods: (namespace, labelSelector) =>
      call('pods', async () => {
        const path = namespace === undefined ? '/api/v1/pods' : core(namespace, 'pods');
        return (await rest.get<{ items: V1Pod[] }>(path, { labelSelector })).items;
      }),
    listPodsLimited: (namespace, labelSelector, limit) => limiter.run(() => listPodsPage(namespace, labelSelector, limit)),
    readPod,
    readPreviousLog: (namespace, pod, container, request) => readLog(namespace, pod, container, request, true),
    readCurrentLog: (namespace, pod, container, request) => readLog(namespace, pod, container, request, false),
    readNode: (name) => call('nodes', () => rest.get<V1Node>(apiPath('/api/v1/nodes', name))),
    listServices: (namespace, selector) =>
      call('services', async () => {
        const path = namespace === undefined ? '/api/v1/services' : core(namespace, 'services');
        return (await rest.get<{ items: V1Service[] }>(path, { ...selector })).items;
      }),
    readClaim: (namespace, name) => call('persistentvolumeclaims', () => rest.get<V1PersistentVolumeClaim>(core(namespace, 'persistentvolumeclaims', name))),
    listStorageClasses: () => call('storageclasses', async () => (await rest.get<{ items: V1StorageClass[] }>('/apis/storage.k8s.io/v1/storageclasses')).items),
    listPodEvents: (namespace, pod) =>
      call('events', async () => {
        // Uid is filtered after the read (gather-evidence), so that one list serves every alert
        // about this pod name, whether or not the alert carried a uid.
        const fieldSelector = `involvedObject.kind=Pod,involvedObject.name=${pod}`;
        return (await rest.get<{ items: CoreV1Event[] }>(core(namespace, 'events'), { fieldSelector })).items;
      }),
    close: () => connection.close(),
  };
}
