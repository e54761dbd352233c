/**
 * The diagnosis document: what the webhook sink posts and `crashtriage diagnose --output json` prints.
 * Its shape is a stable interface (docs/architecture.md, "The diagnosis document"); add fields, never rename.
 */
import type { ProblemKind, ProblemSource } from './evidence.ts';

export const CAUSE_IDS = [
  'app-crash',
  'oom-killed',
  'missing-config',
  'liveness-probe',
  'bad-entrypoint',
  'exit-zero',
  'segfault',
  'sigterm',
  'sigkill',
  'runtime-oom',
  'image-pull',
  'evicted',
  'pod-terminated',
  'unschedulable',
  'pod-setup',
  'unknown',
] as const;

export type CauseId = (typeof CAUSE_IDS)[number];

/**
 * Sub-causes: what the fix turns on, under a cause id. Stable like the cause ids; add, never rename.
 */
export const CAUSE_DETAILS = [
  'api-forbidden', // the app's service account lacks an RBAC permission
  'fs-read-only', // a write under readOnlyRootFilesystem (or a read-only mount)
  'fs-permission-denied', // the process user may not read or write a path (fsGroup, runAsUser)
  'mount-hides-files', // a ConfigMap/Secret volume mounted over a directory hides the image's files
  'config-file-key', // a key the app indexes in the config file a ConfigMap/Secret volume provides is absent (Python KeyError)
  'missing-file', // a file that neither the image nor a volume provides
  'missing-env', // a setting the app requires is not in its environment
  'env-ref-unexpanded', // a $(VAR) in an env value names a variable defined later in the list, or nowhere: the kubelet left it literal
  'service-link-collision', // Kubernetes service-link variables (FOO_PORT=tcp://…) collide with the app's own
  'db-auth', // the database refused the user or password
  'dependency-unreachable', // a dependency refused or timed out
  'dns-failure', // a dependency's host name does not resolve
  'tls-verify', // a peer's certificate failed verification
  'empty-log', // app-crash: a non-zero exit with an empty previous log (read, nothing in it)
  'missing-module', // a module, package or class is not in the image
  'missing-shared-library', // a shared library is not in the image
  'port-bind', // the listening port is already in use
  'port-privileged', // a port below 1024 without root or NET_BIND_SERVICE
  'unknown-flag', // the argument parser refused a flag of the container's command or args
  'go-nil-panic', // a Go panic on a nil-pointer dereference or a write to a nil map, located at the first frame of its own code
  'rust-panic', // a Rust panic with its message and location (std's panic hook, either format)
  'abort', // abort() (SIGABRT, exit 134): a failed assertion, an uncaught C++ exception, a libc check, its reason line quoted
  'dotnet-unhandled-exception', // a .NET unhandled exception (5+ and Core 1–3 wording), its type, message and first frame of its own code
  'probe-port-mismatch', // the probe checks a port the app does not listen on
  'heap-flag-over-limit', // -Xmx, MaxRAMPercentage / MaxRAM or --max-old-space-size leaves the heap no room under the memory limit
  'memory-leak', // Prometheus: each run climbs steadily until killed (src/history)
  'limit-undersized', // Prometheus: usage reaches the limit soon after start and plateaus there
  'memory-spike', // Prometheus: flat, then a sudden rise within a minute before the kill
  // Pod, node and lifecycle (docs/causes.md):
  'pod-deleting', // sigterm: the pod is being deleted and the container stopped in time (normal shutdown)
  'grace-period-exceeded', // sigkill: deleted, and still running after terminationGracePeriodSeconds
  'node-memory-pressure', // sigkill: no OOMKilled record, the node reports MemoryPressure
  'startup-probe', // liveness-probe: the startup probe's window is shorter than the start
  'memory-pressure', // evicted: the node was low on memory
  'disk-pressure', // evicted: the node was low on ephemeral storage (nodefs/imagefs)
  'pid-pressure', // evicted: the node was low on PIDs
  'ephemeral-storage-limit', // evicted: the pod wrote past its own local-storage limit
  'deadline-exceeded', // pod-terminated: activeDeadlineSeconds
  'node-shutdown', // pod-terminated: graceful node shutdown (or refused while shutting down)
  'node-lost', // pod-terminated: the node stopped reporting
  'insufficient-resources', // unschedulable: no node has the requested CPU/memory/… free
  'taints', // unschedulable: untolerated taints
  'node-affinity', // unschedulable: nodeSelector / node affinity matches no node
  'pod-affinity', // unschedulable: pod (anti-)affinity rules out every node
  'volume-zone', // unschedulable: the volume's zone or node affinity conflicts
  'unbound-claim', // unschedulable: a PersistentVolumeClaim is unbound or missing
  'host-port', // unschedulable: the hostPort is taken on every node
  'unschedulable-nodes', // unschedulable: the nodes are cordoned
  'too-many-pods', // unschedulable: the nodes are at their pod limit
  'multi-attach', // pod-setup: a ReadWriteOnce volume is still attached to another node
  'volume-attach', // pod-setup: the volume cannot be attached
  'volume-mount', // pod-setup: the volume cannot be mounted
  'sandbox-network', // pod-setup: the CNI plugin cannot set up the pod network
  'sandbox', // pod-setup: the runtime cannot create the pod sandbox
  'init-waiting', // pod-setup: an init container runs on, waiting for a dependency
  'unrecognized-event', // unknown: a Warning event no rule knows, quoted as seen
] as const;

export type CauseDetail = (typeof CAUSE_DETAILS)[number];

/**
 * The sub-causes a log line proves that describe themselves, each in its own file under
 * src/diagnosis/sub-causes/ (its signature, line matcher, rule, fix plan, remedy and words), listed in
 * sub-causes/registry.ts, which tsc holds to this list. Each id is also its log signature kind.
 */
export const LOG_SUB_CAUSES = [
  'api-forbidden',
  'service-link-collision',
  'port-privileged',
  'port-bind',
  'fs-read-only',
  'fs-permission-denied',
  'db-auth',
  'tls-verify',
  'unknown-flag',
] as const satisfies readonly CauseDetail[];

export type LogSubCauseId = (typeof LOG_SUB_CAUSES)[number];
export type Confidence = 'high' | 'medium' | 'low';

export interface Cause {
  id: CauseId;
  /** The sub-cause, when the proof names one (CAUSE_DETAILS). */
  detail?: CauseDetail;
  /** Short, for headers and subjects, e.g. "OOMKilled (exit 137)". */
  title: string;
  confidence: Confidence;
  /** One sentence that says what happened. */
  summary: string;
}

export interface EvidenceLine {
  source: 'status' | 'events' | 'logs' | 'spec' | 'metrics';
  text: string;
}

/**
 * What a remedy is to the reader: `remedy`, the change that ends the loop when the diagnosis is right
 * (its commands make it); `diagnostic`, a step that reads or tries something to find out which change,
 * offered first only when the cause is unknown or the evidence cannot choose (its title then says which
 * fact would decide); `no-change`, nothing is to be changed because the evidence shows who stopped the
 * container on purpose (a rollout, a drain): its title names who, its commands confirm the replacement
 * runs (the rollout's status, the workload's pods).
 */
export const REMEDY_KINDS = ['remedy', 'diagnostic', 'no-change'] as const;
export type RemedyKind = (typeof REMEDY_KINDS)[number];

export interface Remedy {
  title: string;
  commands: string[];
  kind: RemedyKind;
}

export interface Finding {
  id: string;
  text: string;
}

export interface LogExcerpt {
  container: string;
  previous: boolean;
  /** About 20 redacted lines centred on the decisive ones. */
  excerpt: string;
  truncated: boolean;
}

export interface DocumentProblem {
  source: ProblemSource;
  kind?: ProblemKind;
  message: string;
}

export interface AlertRef {
  name: string;
  fingerprint: string;
  startsAt: string;
  endsAt?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  generatorURL?: string;
}

export interface Target {
  namespace: string;
  pod: string;
  container: string;
  owner?: { kind: string; name: string };
  /** The owner's label selector (`kubectl get pods -l` syntax), when the owner was read: where its pods, a replacement among them, are found. */
  ownerSelector?: string;
  /** The container's image as the pod spec names it. */
  image?: string;
  /** The node the pod runs on. */
  node?: string;
  /** The container's restart count when the evidence was read. */
  restarts?: number;
  /** The container's readiness when the evidence was read. */
  ready?: boolean;
  /** Its last finished run (the current or the last terminated state): exit code, reason, how long it ran. */
  lastExit?: { exitCode: number; reason?: string; ranSeconds?: number };
  /** The kubelet keeps a previous run (lastState.terminated): `kubectl logs --previous` has something to show. */
  previousRun?: boolean;
  /**
   * Set when the container is not the pod's only or main one: an init container, a sidecar (an init
   * container with restartPolicy Always), or another of several containers than the first one.
   */
  containerRole?: 'init' | 'sidecar' | 'additional';
}

/**
 * A container's memory history from Prometheus, as drawn in the chart: one run per container start
 * (per pod), points as [unix seconds, working-set bytes], and the limit. Bounded in size by the reader.
 */
export interface MemoryHistory {
  /** Query window and resolution, unix seconds. */
  start: number;
  end: number;
  stepSeconds: number;
  /** The container memory limit Prometheus (kube-state-metrics) reports, else the pod spec's. */
  limitBytes?: number;
  runs: { pod: string; points: [number, number][] }[];
  /** When runs ended in a kill, unix seconds. */
  kills: number[];
  /** The pod of the alert, drawn strongest. */
  pod: string;
  /** What the history shows, in one line (the chart's subtitle). */
  verdict?: string;
}

/** What the pod looked like when its alert resolved (read once on resolve). */
export interface Resolution {
  /**
   * 'healthy': the same pod runs; 'replaced': the pod is gone or going and another pod of the owner
   * runs or starts (or none: deleted, scaled down); 'still-failing': it, or its replacement, still
   * fails; 'unknown': could not be read.
   */
  state: 'healthy' | 'replaced' | 'still-failing' | 'unknown';
  /** "Running for 12m, 0 restarts since", "replaced by pod X (Running)", ... */
  text: string;
}

/** The pods of one workload (in one cluster and namespace) crashing together: one incident. */
export interface IncidentRef {
  /** Stable while the incident lasts; a workload that crashes again later opens a new one. */
  id: string;
  cluster?: string;
  workload: { kind: string; name: string };
  /** Every pod seen in the incident, with its cause; resolved pods stay listed. */
  pods: { name: string; cause: CauseId; title: string; status: 'firing' | 'resolved' }[];
  /** From the owner's status when the incident opened. */
  ready?: { ready: number; desired: number };
  /** The rollout the crash loop began with, when it is recent and only its pods crash. */
  change?: { revision: number; previousRevision: number; since: string; differences: string[] };
  /** What this alert adds: sinks that cannot edit a sent message announce only opened, cause-differs and closed. */
  news: 'opened' | 'joined' | 'cause-differs' | 'unchanged' | 'pod-resolved' | 'closed';
  /** Plain-text lines for every renderer, e.g. "3 of 3 pods of deployment/checkout crash looping". */
  summary: string[];
  /** When its namespace is in a storm: the digest this incident is listed in, instead of a message of its own. */
  storm?: StormRef;
  /** What people did about it from Slack (silenced, on it), oldest first. */
  acts?: IncidentAct[];
}

/** One thing done about an incident from Slack's buttons, each the act of one action (src/slack-actions/actions/). */
export type IncidentAct =
  /** `by`: the Slack user id; `choice`: 1h, 4h, 24h or until-resolved; `endsAt`: ISO 8601. */
  | { kind: 'silence'; by: string; choice: '1h' | '4h' | '24h' | 'until-resolved'; endsAt: string; silenceId: string }
  /** The service ended its own "until resolved" silence: the workload is healthy again. */
  | { kind: 'silence-expired'; reason: string }
  | { kind: 'ack'; by: string };

/** One digest for the incidents beyond the storm threshold of a namespace. */
export interface StormRef {
  id: string;
  /** 'opened': the digest is new (sinks that cannot edit send it once); 'updated': it changed. */
  news: 'opened' | 'updated';
  /** "Crash-loop storm in shop: …", then one line per workload: its cause and pods. */
  lines: string[];
}

export interface DiagnosisDocument {
  version: 1;
  status: 'firing' | 'resolved';
  alert: AlertRef;
  target: Target;
  incident?: IncidentRef;
  cause: Cause;
  evidence: EvidenceLine[];
  remedies: Remedy[];
  verify: string[];
  findings: Finding[];
  logs?: LogExcerpt;
  /** Present for OOM causes when Prometheus could be read. */
  memory?: MemoryHistory;
  problems: DocumentProblem[];
  /** Only on a resolved alert: how it resolved. */
  resolution?: Resolution;
}

/** What the pure diagnosis returns for one evidence object; the document adds the alert around it. */
export type Diagnosis = Pick<DiagnosisDocument, 'cause' | 'evidence' | 'remedies' | 'verify' | 'findings' | 'logs' | 'memory'>;
