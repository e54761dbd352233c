/**
 * Everything the diagnosis knows about one crash-looping container, gathered by `src/kube` and read
 * by the pure rules in `src/diagnosis`. Nothing here holds a secret value: env and volume entries
 * keep names and keys only (the runtime memory settings in `RUNTIME_ENV_VARS` are the one exception).
 */

import type { NodeFacts, NodeRequirement, ServiceLookup, StorageFacts } from './cluster-facts.ts';

/** What was read and from where; also the `source` of a problem. */
export type ProblemSource = 'target' | 'pod' | 'logs' | 'events' | 'node' | 'services' | 'storage' | 'kube' | 'prometheus';

/** Why a read failed, so a rule can say what is missing and how to get it. */
export type ProblemKind =
  | 'missing-label' // the alert did not name a pod
  | 'invalid-label' // a namespace, pod or container label that is not a Kubernetes name
  | 'not-found' // 404: the pod was probably replaced
  | 'forbidden' // 403: the service account lacks a permission
  | 'unauthorized' // 401: the credentials were refused
  | 'no-previous-log' // 400: no terminated container yet
  | 'bad-request' // any other 400
  | 'timeout'
  | 'connection' // refused, reset, DNS
  | 'tls'
  | 'server-error' // 5xx from the API server
  | 'no-container' // the pod has no container by that name
  | 'other';

/** A read that could not be done, and why; it becomes the document's `problems[]`. */
export interface Problem {
  source: ProblemSource;
  kind: ProblemKind;
  /** One sentence a person can act on, e.g. "forbidden: the service account cannot get pods/log". */
  message: string;
  /** For 403s: the RBAC verb and resource that is missing, e.g. `get pods/log`. */
  missingPermission?: string;
}

/** Environment variables whose literal values are kept because findings need them (memory settings). */
export const RUNTIME_ENV_VARS = [
  'GOMEMLIMIT',
  'GOGC',
  'JAVA_TOOL_OPTIONS',
  'JAVA_OPTS',
  '_JAVA_OPTIONS',
  'JDK_JAVA_OPTIONS',
  'NODE_OPTIONS',
  // JVM heap settings of common images (Kafka, Elasticsearch, Cassandra, Tomcat).
  'KAFKA_HEAP_OPTS',
  'ES_JAVA_OPTS',
  'JVM_OPTS',
  'CATALINA_OPTS',
] as const;

export type ContainerState =
  | { kind: 'waiting'; reason: string; message?: string }
  | { kind: 'running'; startedAt?: string }
  | {
      kind: 'terminated';
      /** `Error`, `OOMKilled`, `Completed`, `StartError`, … as the runtime wrote it. */
      reason?: string;
      exitCode: number;
      /**
       * The signal that ended it: the runtime's `terminated.signal` when it reports one, else read
       * from an exit code above 128 (exitCode - 128); with its name.
       */
      signal?: number;
      signalName?: string;
      message?: string;
      startedAt?: string;
      finishedAt?: string;
      /** finishedAt - startedAt, when both are known and sane. */
      runSeconds?: number;
    };

export type ProbeHandler =
  | { kind: 'http'; path: string; port: number | string; scheme: 'HTTP' | 'HTTPS' }
  | { kind: 'tcp'; port: number | string }
  | { kind: 'grpc'; port: number; service?: string }
  | { kind: 'exec'; command: string[] };

/** A probe with the API's defaults filled in, so rules can do arithmetic on it. */
export interface ProbeFacts {
  handler: ProbeHandler;
  initialDelaySeconds: number; // default 0
  periodSeconds: number; // default 10
  timeoutSeconds: number; // default 1
  failureThreshold: number; // default 3
  successThreshold: number; // default 1
}

export type EnvSource =
  /**
   * value only for RUNTIME_ENV_VARS; refs: the names a `$(NAME)` in the value refers to (names, never
   * the value), which the kubelet expands only from variables defined earlier in the list.
   */
  | { kind: 'value'; value?: string; refs?: string[] }
  | { kind: 'configMapKeyRef'; name: string; key: string; optional: boolean }
  | { kind: 'secretKeyRef'; name: string; key: string; optional: boolean }
  | { kind: 'fieldRef' | 'resourceFieldRef' };

export interface EnvFacts {
  name: string;
  from: EnvSource;
}

export interface EnvFromFacts {
  kind: 'configMap' | 'secret';
  name: string;
  optional: boolean;
  prefix?: string;
}

export interface VolumeFacts {
  name: string;
  kind: 'configMap' | 'secret' | 'projected' | 'emptyDir' | 'persistentVolumeClaim' | 'hostPath' | 'other';
  /** The ConfigMaps/Secrets behind it (a projected volume may name several). */
  sources: { kind: 'configMap' | 'secret'; name: string; optional: boolean; keys: string[] }[];
  /** For a persistentVolumeClaim volume: the claim. */
  claimName?: string;
}

export interface ResourceFacts {
  requests: { cpu?: string; memory?: string };
  limits: { cpu?: string; memory?: string };
}

export interface ContainerFacts {
  name: string;
  /** True for init containers (including restartable "sidecar" init containers). */
  init: boolean;
  /** `Always` on a sidecar: an init container the kubelet restarts whenever it exits (Kubernetes 1.29+). */
  restartPolicy?: 'Always';
  image: string;
  /** The tag, `latest` when the image names none; undefined when pinned by digest only. */
  imageTag?: string;
  imageDigest?: string;
  restartCount: number;
  ready: boolean;
  state?: ContainerState;
  lastState?: ContainerState;
  resources: ResourceFacts;
  probes: { liveness?: ProbeFacts; readiness?: ProbeFacts; startup?: ProbeFacts };
  command: string[];
  args: string[];
  ports: { name?: string; containerPort: number; protocol: string }[];
  env: EnvFacts[];
  envFrom: EnvFromFacts[];
  volumeMounts: { name: string; mountPath: string; readOnly: boolean; subPath?: string }[];
  /** The container's securityContext fields that decide filesystem and port access. */
  securityContext?: SecurityFacts;
}

/** securityContext fields the filesystem and port rules read (container or pod level). */
export interface SecurityFacts {
  readOnlyRootFilesystem?: boolean;
  runAsUser?: number;
  runAsGroup?: number;
  runAsNonRoot?: boolean;
  /** Pod level only: the group that owns mounted volumes. */
  fsGroup?: number;
  /** `seccompProfile.type`: RuntimeDefault, Localhost or Unconfined (unset: the kubelet's default). */
  seccompProfile?: string;
}

export interface PodFacts {
  name: string;
  namespace: string;
  uid?: string;
  phase?: string;
  nodeName?: string;
  qosClass?: string;
  restartPolicy: 'Always' | 'OnFailure' | 'Never';
  conditions: { type: string; status: string; reason?: string; message?: string }[];
  /** The controller owner; a ReplicaSet's Deployment is resolved from the pod-template-hash. */
  owner?: { kind: string; name: string };
  /** The direct ownerReference as written (e.g. the ReplicaSet), when it differs from `owner`. */
  controllerRef?: { kind: string; name: string };
  labels: Record<string, string>;
  startTime?: string;
  /** Set once the pod is being deleted (rollout, scale-down, eviction, `kubectl delete`). */
  deletionTimestamp?: string;
  /** The SIGTERM-to-SIGKILL grace (spec, default 30), or the shorter one a deletion asked for. */
  terminationGracePeriodSeconds?: number;
  /** `spec.activeDeadlineSeconds`, when set. */
  activeDeadlineSeconds?: number;
  /** `status.reason` / `status.message` of the pod as a whole: Evicted, DeadlineExceeded, NodeLost, … */
  reason?: string;
  message?: string;
  containers: ContainerFacts[];
  initContainers: ContainerFacts[];
  volumes: VolumeFacts[];
  serviceAccountName?: string;
  /** `spec.nodeSelector`: labels a node must carry, every one of them. */
  nodeSelector?: Record<string, string>;
  /**
   * `affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms`: a node
   * must meet every requirement of at least one term (an empty term matches no node).
   */
  requiredNodeTerms?: NodeRequirement[][];
  /** False when the pod turns the kubelet's service-link variables off (the API default is true). */
  enableServiceLinks?: boolean;
  securityContext?: SecurityFacts;
}

export interface EventFacts {
  type: string; // Normal | Warning
  reason: string;
  message: string;
  count: number;
  firstTimestamp?: string;
  lastTimestamp?: string;
  /** The component that reported it, e.g. `kubelet`. */
  source?: string;
  /** `spec.containers{app}` when the event is about one container. */
  fieldPath?: string;
}

export interface LogFacts {
  container: string;
  /** True when this is the previous (terminated) instance's log; false for the current instance's. */
  previous: boolean;
  /** The tail of the log, bounded by tailLines and limitBytes; raw, not yet redacted. */
  lines: string[];
  /** True when the API's limits cut the log (there is more before `lines[0]`). */
  truncated: boolean;
}

/** Everything one diagnosis needs; built once per alert, read without further I/O. */
export interface Evidence {
  /** The time the evidence was read (ISO 8601); rules use it instead of a clock. */
  now: string;
  target: {
    namespace?: string;
    pod?: string;
    /** The container the alert or the selection named. */
    container?: string;
    /** `reason` label of waiting-reason alerts, e.g. CrashLoopBackOff. */
    alertReason?: string;
  };
  pod?: PodFacts;
  /** The container being diagnosed (one of pod.containers or pod.initContainers). */
  container?: ContainerFacts;
  /** Events about the pod, newest first. */
  events: EventFacts[];
  log?: LogFacts;
  /** The pod's node, when it was read (see gather-evidence: only when the node may explain it). */
  node?: NodeFacts;
  /** The Services a name that does not resolve may mean, when the log names one (see ServiceLookup). */
  services?: ServiceLookup;
  /** The pod's claims and the StorageClasses, when the scheduler says a claim is unbound (see StorageFacts). */
  storage?: StorageFacts;
  problems: Problem[];
}
