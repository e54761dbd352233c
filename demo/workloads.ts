/**
 * The demo's crash-looping workloads: one diagnosis fixture per cause id (the worked example's payment
 * service first), taken from the corpus in test/fixtures/diagnosis, with every timestamp moved from
 * the corpus's fixed `NOW` to the real present so that the service, which reads evidence at the
 * current time, sees the same picture (a BackOff two minutes ago is still two minutes ago).
 */
import type { CauseId } from '../src/diagnosis/document.ts';
import { type DiagnosisFixture, fixtures, NOW } from '../test/fixtures/diagnosis/index.ts';

/**
 * Fixture names, in the order the demo sends their alerts. Each has a pod and no injected read
 * problems (the demo's cluster answers every read), and no two share a namespace/pod.
 */
export const DEMO_FIXTURES = [
  'seed-payment-svc-python-db-refused', // the worked example: payments/payment-svc-7b9f6d-xk2p
  'oom-killed-java-xmx-over-limit',
  'missing-config-node-required-env',
  'liveness-probe-wrong-path-404',
  'bad-entrypoint-shell-127',
  'exit-zero-migration-in-deployment',
  'segfault-python-native-extension',
  'sigterm-no-probe',
  'sigkill-no-oom-no-probe',
  'runtime-oom-node-heap',
  'image-pull-tag-not-found',
  'unknown-run-as-non-root',
  'evicted-node-memory-pressure',
  'pod-terminated-node-shutdown',
  'unschedulable-insufficient-memory-and-taint',
  'pod-setup-multi-attach',
  // Sub-causes of application crashes whose fix differs most from "read the log, roll back":
  'sub-api-forbidden-python-client-namespace', // grant the RBAC the log names
  'sub-service-link-go-listen-address', // enableServiceLinks: false
  'sub-mount-hides-nginx-modules', // mount the ConfigMap's files with subPath
] as const;

export interface DemoWorkload {
  /** The corpus fixture it comes from. */
  fixture: string;
  description: string;
  namespace: string;
  pod: string;
  /** The container the alert names. */
  container: string;
  /** The container's waiting reason (CrashLoopBackOff, ImagePullBackOff, …): the alert's `reason` label. */
  waitingReason: string;
  /** What the corpus says the diagnosis must be. */
  expectedCause: CauseId;
  /** Wire JSON, timestamps moved to the present. */
  rawPod: Record<string, unknown>;
  rawEvents: Record<string, unknown>[];
  /** `kubectl logs --previous`, when the fixture has one (timestamps moved too). */
  previousLog?: string;
  /** The pod's node, when the fixture has one (wire JSON, timestamps moved). */
  rawNode?: Record<string, unknown>;
}

/** The workloads as they are at `now`: the fixtures' clock `NOW` maps onto it. */
export function demoWorkloads(now: Date = new Date()): DemoWorkload[] {
  // Whole seconds, so that shifted times keep the fixtures' second precision.
  const shiftMs = Math.round((now.getTime() - Date.parse(NOW)) / 1000) * 1000;
  return DEMO_FIXTURES.map((name) => toWorkload(fixtureNamed(name), shiftMs));
}

function fixtureNamed(name: string): DiagnosisFixture {
  const fixture = fixtures.find((f) => f.name === name);
  if (fixture === undefined) throw new Error(`demo: no diagnosis fixture named "${name}" in test/fixtures/diagnosis`);
  return fixture;
}

function toWorkload(f: DiagnosisFixture, shiftMs: number): DemoWorkload {
  const namespace = f.pod?.metadata?.namespace;
  const pod = f.pod?.metadata?.name;
  const container = f.container ?? f.pod?.spec?.containers[0]?.name;
  if (f.pod === undefined || namespace === undefined || pod === undefined || container === undefined) {
    throw new Error(`demo: fixture "${f.name}" has no pod to serve`);
  }
  const statuses = [...(f.pod.status?.containerStatuses ?? []), ...(f.pod.status?.initContainerStatuses ?? [])];
  const waitingReason = statuses.find((s) => s.name === container)?.state?.waiting?.reason ?? 'CrashLoopBackOff';
  const workload: DemoWorkload = {
    fixture: f.name,
    description: f.description,
    namespace,
    pod,
    container,
    waitingReason,
    expectedCause: f.expected.cause,
    rawPod: shiftTimestamps(wire(f.pod), shiftMs),
    // Only this pod's events, as the field selector `involvedObject.name=<pod>` would return them.
    rawEvents: f.events.filter((e) => e.involvedObject.name === pod && e.involvedObject.namespace === namespace).map((e) => shiftTimestamps(wire(e), shiftMs)),
  };
  if (f.log !== undefined) workload.previousLog = shiftLogTimestamps(f.log, shiftMs);
  if (f.node !== undefined) workload.rawNode = shiftTimestamps(wire(f.node), shiftMs);
  return workload;
}

function wire(value: object): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

/** RFC 3339 as the API server writes it (`2026-04-09T14:03:10Z`, optionally with fraction or offset). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** A deep copy of `value` in which every RFC 3339 string is moved by `shiftMs`, in UTC. */
export function shiftTimestamps<T>(value: T, shiftMs: number): T {
  if (typeof value === 'string') {
    const m = RFC3339.exec(value);
    if (m === null) return value;
    const iso = new Date(Date.parse(value) + shiftMs).toISOString();
    return (m[1] === undefined ? iso.replace(/\.\d{3}Z$/, 'Z') : iso) as T;
  }
  if (Array.isArray(value)) return value.map((v: unknown) => shiftTimestamps(v, shiftMs)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shiftTimestamps(v, shiftMs)])) as T;
  }
  return value;
}

/** `2026-04-09 14:03:10` or `2026-04-09T14:03:10` inside log text; the rest of the line is left alone. */
const LOG_TIME = /\b(\d{4})-(\d{2})-(\d{2})([T ])(\d{2}):(\d{2}):(\d{2})/g;

/**
 * Moves the date-times in log lines too, so that the log excerpt agrees with the pod's times. Only the
 * digits change (fractions and zones stay as written); zone-less times are taken as UTC, as the
 * fixtures were written.
 */
export function shiftLogTimestamps(log: string, shiftMs: number): string {
  return log.replace(LOG_TIME, (whole, y: string, mo: string, d: string, sep: string, h: string, mi: string, s: string) => {
    const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
    if (Number.isNaN(ms)) return whole;
    const shifted = new Date(ms + shiftMs).toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
    return `${shifted.slice(0, 10)}${sep}${shifted.slice(11, 19)}`;
  });
}
