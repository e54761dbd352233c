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
  'app-crash': ['logs', 'status'],
  'runtime-oom': ['logs', 'spec'],
  'missing-config': ['logs', 'status', 'events'],
  'bad-entrypoint': ['status', 'logs'],
  'liveness-probe': ['events', 'spec'],
  'oom-killed': ['status', 'metrics', 'spec'],
  'image-pull': ['status', 'events'],
};

/** The one or two proof lines that made the verdict. */
export function decidingEvidence(doc: DiagnosisDocument): EvidenceLine[] {
  const proof = doc.evidence.filter((e) => !isBackOff(e));
  const pool = proof.length > 0 ? proof : doc.evidence.slice(0, 1);
  const order = DECIDING_SOURCES[doc.cause.id] ?? ['status', 'events', 'logs', 'spec'];
  const picked: EvidenceLine[] = [];
  for (const source of order) {
    const line = pool.find((e) => e.source === source && !picked.includes(e));
    if (line !== undefined) picked.push(line);
    if (picked.length === 2) break;
  }
  if (picked.length === 0 && pool[0] !== undefined) picked.push(pool[0]);
  return picked;
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

export function confidenceInWords(doc: DiagnosisDocument, deciding: EvidenceLine[]): string {
  const c = doc.cause.confidence;
  if (doc.cause.id === 'oom-killed' && deciding.some((e) => /OOMKilled/.test(e.text))) return `${c}: the kubelet recorded OOMKilled`;
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
