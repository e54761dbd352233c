/**
 * Which proof wins, declared once. Every verdict names its place in `PLACES`; the earliest place
 * wins, and within a place the earlier rule of the rule table (rules/index.ts). Every log signature
 * kind names its place in `SIGNATURES`; the earliest kind in the log decides, the latest line breaks
 * ties. test/unit/diagnosis/precedence.test.ts checks that every rule and every signature has a place
 * here and emits only at the places it declares.
 *
 * The order: the pod's own record > the kubelet's own record > the pod's setup > probes > the runtime's
 * own fatal message > the node > exit code > log signatures > unrecognized events > fallback. The
 * exceptions are named on the places they bend.
 */
import type { LogSubCauseId } from './document.ts';

export const PLACES = [
  {
    place: 'pod-record',
    proof:
      "the pod's own record: it is being deleted and the container stopped for it, or status.reason says the kubelet or the node controller ended the pod (Evicted, DeadlineExceeded, node shutdown, NodeLost)",
    exception: 'an OOMKilled record during a deletion is still oom-killed: the deletion did not cause it',
  },
  {
    place: 'kubelet-record',
    proof: 'the kubelet wrote it: a waiting reason (CreateContainerConfigError, image pulls), OOMKilled, StartError, ContainerStatusUnknown',
  },
  { place: 'mount-record', proof: 'a FailedMount or Failed event naming a missing ConfigMap or Secret' },
  {
    place: 'pod-setup',
    proof:
      "the pod never started: the scheduler's FailedScheduling (or PodScheduled=False), a volume that will not attach or mount, a sandbox the runtime cannot create, an init container running on while the app containers wait",
  },
  { place: 'probe-kill', proof: 'a Killing event: the kubelet restarted the container for a failed liveness or startup probe' },
  {
    place: 'probe-failures',
    proof: 'Unhealthy events with an exit of 137 or 143 (the Killing event has expired)',
    exception:
      'without the kubelet signal exit the failures only explain, they do not decide; except a clean exit 0 (an app that handles SIGTERM) after failureThreshold failures and a restart',
  },
  {
    place: 'runtime-fatal',
    proof: "the runtime's own fatal message: Node's heap out of memory, a JVM OutOfMemoryError, Go's runtime out of memory, Python's MemoryError",
    exception:
      'it outranks the exit code the runtime ends with (134 SIGABRT, 139 SIGSEGV, 137 from -XX:OnOutOfMemoryError=kill); not an exit 0, 126, 127 or 143',
  },
  {
    place: 'node-record',
    proof: "a SIGKILL without OOMKilled, outside a deletion, on a node whose conditions were read: the node's pressure is the proof",
  },
  {
    place: 'exit-code',
    proof: 'an exit code that names a cause on its own: 0, 126, 127, 137, 139, 143',
    exception:
      "126/127 quote the shell line that names the missing command, when the log has one; a 127 with the dynamic loader's 'error while loading shared libraries' is a missing library (log-cause)",
  },
  {
    place: 'log-cause',
    proof: 'a log line that names a specific cause (a missing variable, file or module, a refused permission, a port in use) under a generic exit',
    exception: 'a line logged as a warning or below only explains (see SIGNATURES `decidesAtWarning`)',
  },
  { place: 'log-crash', proof: "the program's own crash line (exception, panic, fatal log) under a generic exit" },
  { place: 'exit-only', proof: 'a generic non-zero exit and no decisive log line' },
  { place: 'unrecognized-event', proof: 'a Warning event no rule knows, quoted as seen: the best lead when nothing else has proof' },
  { place: 'fallback', proof: 'nothing has proof: say what was checked and what would decide it' },
] as const;

export type Place = (typeof PLACES)[number]['place'];

/**
 * Log signature kinds, strongest first. `place` is where a verdict built on the kind ranks;
 * `decidesAtWarning: false` means a line logged at warning level or below only explains (retries
 * and optional settings log those and carry on). A sub-cause that describes itself in its own file
 * (sub-causes/, LOG_SUB_CAUSES in document.ts) declares its kind's row there, with the kind it ranks
 * right after (signature-order.ts merges the two into SIGNATURE_ORDER).
 */
export const SIGNATURES = [
  {
    kind: 'runtime-oom',
    place: 'runtime-fatal',
    decidesAtWarning: true,
    means: 'the language runtime ran out of heap (JS heap, OutOfMemoryError, Go, Python, Rust, C++)',
  },
  { kind: 'exec-error', place: 'log-cause', decidesAtWarning: true, means: 'runc or a shell could not exec the entrypoint; `path` holds it' },
  { kind: 'missing-env', place: 'log-cause', decidesAtWarning: false, means: 'a required environment variable or config property is absent; `name` holds it' },
  { kind: 'missing-file', place: 'log-cause', decidesAtWarning: false, means: 'a file the program opens is absent; `path` holds it' },
  { kind: 'missing-shared-library', place: 'log-cause', decidesAtWarning: true, means: 'a shared library is not in the image; `path` holds it' },
  { kind: 'missing-module', place: 'log-cause', decidesAtWarning: true, means: 'a module, package or class is not in the image; `path` holds it' },
  { kind: 'crash', place: 'log-crash', decidesAtWarning: true, means: "an unhandled exception, panic or fatal error: the program's own crash line" },
  { kind: 'dependency-unreachable', place: 'log-crash', decidesAtWarning: false, means: 'a dependency could not be reached; `endpoint` holds host[:port]' },
  { kind: 'error-log', place: 'log-crash', decidesAtWarning: true, means: 'a structured or leveled line at error or fatal level (fatal outranks error)' },
] as const satisfies readonly { kind: string; place: Place; decidesAtWarning: boolean; means: string }[];

/** Every log signature kind: this table's and the self-describing sub-causes' (sub-causes/). */
export type SignatureKind = (typeof SIGNATURES)[number]['kind'] | LogSubCauseId;

const PLACE_INDEX = new Map<string, number>(PLACES.map((p, i) => [p.place, i]));

/** Lower is stronger: the index of the place in PLACES. */
export function placeRank(place: Place): number {
  return PLACE_INDEX.get(place) ?? PLACES.length;
}
