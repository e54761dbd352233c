/**
 * The first screen's proof: which one or two evidence lines decided the verdict, the confidence in
 * words with the evidence it rests on, and the one line that says what could not be read. Pure.
 */
import type { DiagnosisDocument, DocumentProblem, EvidenceLine } from '../diagnosis/document.ts';
import { oneLine, truncateWords } from './text.ts';

/** Each deciding-fact line is cut (at a word) to this; a log line can be a page long. */
export const DECIDING_MAX = 220;

export const SOURCE_LABEL: Record<EvidenceLine['source'], string> = {
  status: 'Container status',
  logs: 'Log',
  events: 'Event',
  spec: 'Pod spec',
  metrics: 'Memory history',
};

const isBackOff = (e: EvidenceLine): boolean => e.source === 'events' && /\bBackOff\b/.test(e.text) && !/ImagePull|ErrImage/.test(e.text);

/** Which sources decide each cause, best first. */
const DECIDING_SOURCES: Record<string, EvidenceLine['source'][]> = {
  'app-crash': ['logs', 'spec', 'status'],
  'runtime-oom': ['logs', 'spec'],
  'missing-config': ['status', 'logs', 'events', 'spec'],
  'bad-entrypoint': ['logs', 'status', 'events', 'spec'],
  'liveness-probe': ['events', 'spec'],
  'oom-killed': ['metrics', 'status', 'spec'],
  'image-pull': ['status', 'events'],
  // A hidden SIGKILL: the runtime's signal record, else the wrapper's log line, before "no liveness or startup probe failures".
  sigkill: ['status', 'logs', 'events'],
};

/** Where a sub-cause's deciding line is, when not where its cause's is: a heap flag is in the spec. */
const DETAIL_SOURCES: Partial<Record<string, EvidenceLine['source'][]>> = {
  'heap-flag-over-limit': ['spec', 'logs', 'status'],
  // The labels the pod asks for decide the fix; the scheduler's line only says no node has them.
  'node-affinity': ['spec', 'status', 'events'],
};

/**
 * A container status line that only records an exit ("Last state: Terminated, reason Error, exit 1,
 * ran 3s, finished …"): the state line says the same, so it is proof only when nothing else is. An
 * OOMKilled record is the kubelet's verdict, not a bare exit.
 */
export const isPlainExit = (e: EvidenceLine): boolean =>
  e.source === 'status' &&
  /^(?:Last state|State): Terminated, [^:]*$/.test(e.text.replace(/, finished \S+$/, '')) &&
  !/\bOOMKilled\b/.test(e.text) &&
  // A kill signal the runtime recorded beside a plain exit code is the deciding fact (exit 1, signal 9).
  !/\bsignal \d+ \(\w+\) recorded\b/.test(e.text);

/** A status that only names a phase ("State: Waiting, reason ContainerCreating", "PodScheduled False, reason Unschedulable"): the events say why. */
const isBarePhase = (e: EvidenceLine): boolean =>
  e.source === 'status' && (/^State: Waiting, reason (?:ContainerCreating|PodInitializing)$/.test(e.text) || /^PodScheduled False, reason \w+$/.test(e.text));

/**
 * What makes a line decide rather than announce: it names a host:port or URL, a path, a flag, a quoted
 * value, a setting, a quantity or an object. "Exiting due to fatal exception" names none of them.
 */
const NAMES_SOMETHING: readonly RegExp[] = [
  /\b[\w.-]+:\d{2,5}\b|\b[a-z]+:\/\/\S+/, // host:port, URL
  /(?:^|[\s'"=([])\/[\w.-]+\/[\w./-]*/, // a path
  /(?:^|[\s'"])--?[a-zA-Z][\w.-]*/, // a flag
  /["'`][^"'`\s][^"'`]*["'`]/, // a quoted value
  /\b[\w.]+=\S/, // key=value
  /\b\d+(?:\.\d+)?(?:[KMGT]i|[kMG]B?|ms|s|m|h)\b/, // a quantity
  /\b(?:ConfigMap|Secret|Service|key|volume|claim|env|taint|node|port|user|module|library|file)\b/i, // an object it names
];

/** A line that reports a failure beats one that only shows what ran (a shell trace's command line). */
const REPORTS_FAILURE =
  /\b(?:error|errors|failed|fail|exception|fatal|denied|refused|not found|invalid|cannot|can't|couldn't|unable|already exists|already in use|no such|panic|missing|not defined|unrecognized|timeout|timed out)\b/i;

const specificity = (e: EvidenceLine): number => (REPORTS_FAILURE.test(e.text) ? 10 : 0) + NAMES_SOMETHING.filter((re) => re.test(e.text)).length;

/**
 * The one proof line that made the verdict: among the cause's deciding sources, best first, the line
 * that names the most (a value, a path, a host:port, a flag), never the BackOff event or a bare exit
 * record unless nothing else exists. A line that reports a failure comes before one that does not.
 */
export function decidingEvidence(doc: DiagnosisDocument): EvidenceLine[] {
  const proof = doc.evidence.filter((e) => !isBackOff(e));
  const telling = proof.filter((e) => !isPlainExit(e) && !isBarePhase(e));
  const pool = telling.length > 0 ? telling : proof.length > 0 ? proof : doc.evidence.slice(0, 1);
  const order = (doc.cause.detail === undefined ? undefined : DETAIL_SOURCES[doc.cause.detail]) ??
    DECIDING_SOURCES[doc.cause.id] ?? ['status', 'events', 'logs', 'spec', 'metrics'];
  for (const source of order) {
    const lines = pool.filter((e) => e.source === source);
    const best = lines.reduce<EvidenceLine | undefined>((a, e) => (a === undefined || specificity(e) > specificity(a) ? e : a), undefined);
    if (best !== undefined) return [best];
  }
  return pool.slice(0, 1);
}

/** logfmt's and logrus' own time field ("ts=2021-05-06T20:07:17.12Z ", time="…"). */
const LOGFMT_TIME = /(?<=^|\s)(?:ts|time|timestamp)=(?:"[^"]*"|\S+)\s*/;
const ISO_TIME = /\b(\d{4}-\d\d-\d\d)T(\d\d:\d\d)(?::\d\d(?:\.\d+)?)?Z\b/g;
/** A log line's own time stamp in front ("2026/04/09 14:03:24", "[2024-05-06 12:37:56]", klog's "F0606 14:14:14.022712 1 "). */
const LOG_TIME_PREFIX = /^(?:\[?\d{4}[-/]\d\d[-/]\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?\]?\s+|[IWEF]\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+\s+)/;

/**
 * The proof line as the first screen shows it: one line, no full time stamps (the state line says how
 * long it ran; a log line's own stamp is noise), at most `max` characters. A longer line keeps its
 * tail, cut after a `: ` or a space: wrapped errors end with their root cause
 * ("…: cannot validate certificate for 30.65.0.1 because it doesn't contain any IP SANs").
 */
export function proofText(text: string, max = DECIDING_MAX): string {
  const line = oneLine(text)
    // The scheduler's second verdict on preemption says nothing about why no node fits.
    .replace(/\. preemption: .*?(?= \(x\d+ over [^)]*\)$|$)/, '.')
    .replace(/, finished \S+$/, '')
    .replace(/, finished \S+(?=:)/, '')
    .replace(LOG_TIME_PREFIX, '')
    .replace(LOGFMT_TIME, '')
    .replace(ISO_TIME, '$1 $2 UTC');
  if (line.length <= max) return line;
  // A status or event keeps what it is ("Last state: Terminated, reason StartError, exit 128",
  // "Warning FailedMount"); then the longest tail that fits, starting after a `: ` (else a space).
  const head = /^(?:(?:Last state|State|Pod status): [^:]{1,80}|(?:Warning|Normal) \w+): /.exec(line)?.[0] ?? '';
  const room = max - head.length - 2;
  const from = line.length - room;
  const colon = line.indexOf(': ', from);
  const space = line.indexOf(' ', from);
  const start = colon >= 0 && colon < from + 60 ? colon + 2 : space >= 0 ? space + 1 : from;
  return `${head}… ${line.slice(Math.max(start, head.length))}`;
}

const CONFIDENCE_FROM: Record<Exclude<EvidenceLine['source'], 'status'>, string> = {
  logs: 'the previous log',
  events: 'the pod events',
  spec: 'the pod spec',
  metrics: 'the memory history in Prometheus',
};

/** What a status line records: an exit only when the container ran; a container that never started has a waiting reason. */
function statusWords(text: string): string {
  if (/^Last state: Terminated\b/.test(text)) return "the kubelet's record of the last exit";
  if (/^State: Terminated\b/.test(text)) return "the kubelet's record of the exit";
  if (/^State: Waiting\b/.test(text)) return "the container's waiting reason";
  return 'the pod status';
}

const confidenceFrom = (e: EvidenceLine): string => (e.source === 'status' ? statusWords(e.text) : CONFIDENCE_FROM[e.source]);

/**
 * "high: from the previous log": the confidence, and the evidence it rests on. "high" only for a sure
 * fix: a diagnosis the document rates high whose first Fix is still a diagnostic step reads "medium".
 */
export function confidenceInWords(doc: DiagnosisDocument, deciding: EvidenceLine[], look: 'sure' | 'judge' | 'unknown'): string {
  const c = doc.cause.confidence === 'high' && look !== 'sure' ? 'medium' : doc.cause.confidence;
  if (doc.cause.id === 'oom-killed' && doc.evidence.some((e) => e.source === 'status' && /\bOOMKilled\b/.test(e.text)))
    return `${c}: the kubelet recorded OOMKilled`;
  if (c === 'low') {
    const missing = doc.problems[0];
    return missing !== undefined ? `low: ${missing.source} could not be read` : 'low: too little evidence to be sure';
  }
  const from = [...new Set(deciding.map(confidenceFrom))];
  return from.length === 0 ? c : `${c}: from ${from.join(' and ')}`;
}

const PROBLEM_SOURCE_WORDS: Record<DocumentProblem['source'], string> = {
  target: "the alert's target",
  pod: 'the pod',
  logs: 'the previous log',
  events: 'the pod events',
  node: 'the node',
  services: 'the Services the log names',
  storage: "the pod's claims and the StorageClasses",
  kube: 'the Kubernetes API',
  prometheus: 'the memory history in Prometheus',
};

/**
 * The first screen's warning: what failed, quoted (problem messages are redacted where they are
 * made), the first problem only, cut at a word, "+N more" for the rest, which the details list.
 * "Could not read the previous log: pods "x" is forbidden: … (+1 more) — the diagnosis may be incomplete"
 */
export function problemsLine(problems: readonly DocumentProblem[]): string {
  const [first, ...rest] = problems;
  if (first === undefined) return '';
  const message = oneLine(first.message).replace(/\.$/, '');
  // A message that already says what it could not read ("could not read deployment/x: …") needs no prefix.
  const head = /^could not read /i.test(message) ? `C${message.slice(1)}` : `Could not read ${PROBLEM_SOURCE_WORDS[first.source]}: ${message}`;
  const tail = `${rest.length === 0 ? '' : ` (+${rest.length} more)`} — the diagnosis may be incomplete`;
  return `${truncateWords(head, DECIDING_MAX - tail.length)}${tail}`;
}
