/**
 * The one message model every renderer draws from, decision first: a header that names the workload
 * and the cause in plain words, the deciding fact, ONE primary fix, a context line; everything else is
 * `details`, which a Slack Web API post puts in its thread and email, text and Markdown show in full.
 * Renderers only choose the format (Block Kit, HTML, terminal text, Markdown). Pure.
 */
import { matchersText, podAlertMatchers } from '../alertmanager/matchers.ts';
import type { DiagnosisDocument, DocumentProblem, EvidenceLine, Remedy } from '../diagnosis/document.ts';
import { hasSparkline } from '../history/sparkline.ts';
import { incidentDuration, oneLine, safeHttpUrl, truncateWords } from './text.ts';

export type Severity = 'critical' | 'warning' | 'info';

export interface Link {
  text: string;
  url: string;
}

export interface Fact {
  label: string;
  value: string;
}

export interface EscalationStep {
  text: string;
  command?: string;
}

export interface DecidingFact {
  /** `incident`: the workload's pods, their causes and the rollout (doc.incident.summary), shown first. */
  source: EvidenceLine['source'] | 'incident';
  /** "Log", "Container status", ...: what the reader would open to see it. */
  label: string;
  text: string;
}

/** The first screen: what a phone shows and what decides the next ten seconds. */
export interface FirstMessage {
  /** `payments/payment-svc: killed at its 512Mi memory limit`; also the notification text. */
  header: string;
  severity: Severity;
  /** One or two lines of proof; never the BackOff event unless nothing else exists. */
  deciding: DecidingFact[];
  /** What could not be read, in one line; it weakens everything else, so it is never hidden. */
  problems?: string;
  primaryFix?: Remedy;
  /** "Fix", or "If it comes back" once the alert resolved and the pod is healthy: the cause is still in the spec. */
  fixLabel: string;
  context: {
    severity: Severity;
    cluster?: string;
    alertname: string;
    pod: string;
    container: string;
    restarts?: number;
    /** The stable cause id (`oom-killed`), for readers who grep or route on it. */
    causeId: string;
    /** "high: the kubelet recorded OOMKilled". */
    confidence: string;
    links: Link[];
  };
}

/** Everything after the first screen, in reading order. */
export interface Details {
  summary: string;
  /** The alert rule's own description annotation, when it adds something. */
  alertDescription?: string;
  facts: Fact[];
  /** Proof not already shown as the deciding fact. */
  moreProof: EvidenceLine[];
  problems: string[];
  otherFixes: Remedy[];
  verify: string[];
  log?: { title: string; lines: string[] };
  findings: string[];
  /** Only when the cause is unknown or the confidence is low. */
  escalation: EscalationStep[];
}

export interface Message {
  status: 'firing' | 'resolved';
  first: FirstMessage;
  details: Details;
  /** For a resolved alert: "Resolved after 47m" and what the pod looks like now. */
  resolution?: { line: string; outcome?: string; healthy: boolean };
}

export interface MessageOptions {
  externalURL: string;
  /** The memory chart is shown as an image beside the message (email): the sparkline proof line, which says the same, is left out. */
  chartShown?: boolean;
}

/** Each deciding-fact line is cut (at a word) to this; a log line can be a page long. */
const DECIDING_MAX = 220;
const HEADER_CAUSE_MAX = 110;

export function severityOf(doc: DiagnosisDocument): Severity {
  // A container stopped by its pod's deletion is a normal shutdown: low severity, whatever the alert says.
  if (doc.cause.detail === 'pod-deleting') return 'info';
  const s = (doc.alert.labels['severity'] ?? '').toLowerCase();
  if (s === 'critical' || s === 'page' || s === 'error' || s === 'high') return 'critical';
  if (s === 'info' || s === 'none' || s === 'low') return 'info';
  return 'warning';
}

/** The workload the reader acts on: the owner when known, the pod otherwise. */
export function workloadName(doc: DiagnosisDocument): string {
  return doc.target.owner?.name ?? doc.target.pod;
}

const firstLower = (s: string): string => (/^[A-Z][a-z]+\b/.test(s) ? s.charAt(0).toLowerCase() + s.slice(1) : s);
const exitOf = (title: string): string | undefined => /\(exit (\d+)/.exec(title)?.[1];
const clause = (text: string, after: RegExp): string | undefined => {
  const m = after.exec(text);
  return m === null
    ? undefined
    : text
        .slice(m.index + m[0].length)
        .split(/(?:: |; |, so |\. | \()/)[0]
        ?.replace(/\.$/, '');
};

/** An exception class or a runtime's panic kind from a title such as "KeyError (exit 1)"; never a log line. */
function errorKind(title: string): string | undefined {
  const head = title.replace(/\s*\(exit [^)]*\)+\s*$/, '').trim();
  if (/^[A-Za-z_][\w.$]*(Error|Exception|Exit|Fault)$/.test(head)) return head;
  const dotnet = /Unhandled exception\. ([\w.]+Exception)/.exec(head);
  if (dotnet?.[1] !== undefined) return dotnet[1];
  if (head.startsWith('panic:')) return 'a Go panic';
  if (/^thread '.*' panicked/.test(head)) return 'a Rust panic';
  return undefined;
}

/** Sub-causes in plain words, for the header when the summary names nothing more specific. */
const DETAIL_WORDS: Partial<Record<string, string>> = {
  'api-forbidden': 'its service account lacks an RBAC permission',
  'fs-read-only': 'it writes to a read-only filesystem',
  'fs-permission-denied': 'permission denied on a file or directory',
  'mount-hides-files': 'a volume mount hides files of the image',
  'missing-file': 'a file it needs is missing',
  'missing-env': 'a required environment variable is missing',
  'service-link-collision': 'Kubernetes service-link variables collide with its settings',
  'db-auth': 'the database refuses its credentials',
  'dependency-unreachable': 'a dependency is unreachable',
  'dns-failure': 'a host name does not resolve',
  'tls-verify': "a peer's TLS certificate fails verification",
  'missing-module': 'a module is missing from the image',
  'missing-shared-library': 'a shared library is missing from the image',
  'port-bind': 'its port is already in use',
  'port-privileged': 'it may not bind a port below 1024',
  'heap-flag-over-limit': 'its heap flag is at or above the memory limit',
};

const OOM_DETAIL: Partial<Record<string, string>> = {
  'memory-leak': 'memory grows until the kill (a leak)',
  'limit-undersized': 'the limit is too small for its working set',
  'memory-spike': 'a sudden spike before the kill',
};

/** The cause in plain words for the header, from the cause id and what the diagnosis said. */
export function causeInWords(doc: DiagnosisDocument): string {
  const { id, title, summary } = doc.cause;
  const exit = exitOf(title);
  const words = ((): string => {
    switch (id) {
      case 'oom-killed': {
        const limit = /at its (\S+) memory limit/.exec(summary)?.[1];
        const killed = limit !== undefined ? `killed at its ${limit} memory limit` : 'killed by the kernel out of memory (no memory limit set)';
        const how = OOM_DETAIL[doc.cause.detail ?? ''];
        return how === undefined ? killed : `${killed}: ${how}`;
      }
      case 'app-crash': {
        const reach = /it could not reach (.+?)\.?$/.exec(summary)?.[1];
        if (reach !== undefined) return `cannot reach ${reach}`;
        const missing = /: (\S+) is missing from the image/.exec(summary)?.[1];
        if (missing !== undefined) return `${missing} is missing from the image`;
        const detail = DETAIL_WORDS[doc.cause.detail ?? ''];
        if (detail !== undefined) return detail;
        const kind = errorKind(title);
        const code = exit === undefined ? 'exits with an error' : `exits with code ${exit}`;
        return kind === undefined ? code : `${code} (${kind})`;
      }
      case 'liveness-probe': {
        const probe = /its (liveness|startup|readiness) probe/.exec(summary)?.[1] ?? 'liveness';
        const why = clause(summary, /probe fails: /);
        return why === undefined ? `restarted by its failing ${probe} probe` : `${probe} probe fails: ${why}`;
      }
      case 'bad-entrypoint': {
        const why = clause(summary, /never starts its program: [^:]+: /);
        return why === undefined ? firstLower(title) : `${firstLower(title)}: ${why}`;
      }
      case 'image-pull': {
        const m = /cannot pull (\S+) for [^:]+: (.+?)\.?$/.exec(summary);
        return m === null ? firstLower(title) : `cannot pull ${m[1]}: ${m[2]?.split(' (')[0]}`;
      }
      case 'exit-zero':
        return doc.target.owner === undefined
          ? 'completes (exit 0) and the pod restarts it'
          : `completes (exit 0) and its ${doc.target.owner.kind} restarts it`;
      case 'segfault':
        return 'segmentation fault (SIGSEGV) in native code';
      case 'sigterm':
        return doc.cause.detail === 'pod-deleting'
          ? 'stopped because its pod is being deleted: a normal shutdown, not a crash'
          : 'stopped by SIGTERM (exit 143), not by a probe';
      case 'sigkill':
        if (doc.cause.detail === 'grace-period-exceeded') return 'SIGKILL after the grace period: it did not stop on SIGTERM in time';
        if (doc.cause.detail === 'node-memory-pressure') return 'killed by SIGKILL while its node is short of memory';
        return 'killed by SIGKILL (exit 137) without an OOMKilled record';
      case 'unknown':
        return title === 'Cause not determined' ? 'crash loop, cause not determined' : firstLower(title);
      default:
        return firstLower(title);
    }
  })();
  return truncateWords(oneLine(words), HEADER_CAUSE_MAX);
}

export function headerLine(doc: DiagnosisDocument): string {
  return oneLine(`${doc.target.namespace}/${workloadName(doc)}: ${causeInWords(doc)}`);
}

const SOURCE_LABEL: Record<EvidenceLine['source'], string> = {
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

const CONFIDENCE_FROM: Record<EvidenceLine['source'], string> = {
  status: "the kubelet's record of the last exit",
  logs: 'the previous log',
  events: 'the pod events',
  spec: 'the pod spec',
  metrics: 'the memory history in Prometheus',
};

export function confidenceInWords(doc: DiagnosisDocument, deciding: EvidenceLine[]): string {
  const c = doc.cause.confidence;
  if (doc.cause.id === 'oom-killed' && deciding.some((e) => /OOMKilled/.test(e.text))) return `${c}: the kubelet recorded OOMKilled`;
  if (c === 'low') {
    const missing = doc.problems[0];
    return missing !== undefined ? `low: ${missing.source} could not be read` : 'low: too little evidence to be sure';
  }
  const from = [...new Set(deciding.map((e) => CONFIDENCE_FROM[e.source]))];
  return from.length === 0 ? c : `${c}: from ${from.join(' and ')}`;
}

/**
 * Alertmanager's "new silence" form, pre-filled for this pod's alert. Uses the alert's own labels
 * when present so the silence matches exactly what fired.
 */
export function silenceUrl(doc: DiagnosisDocument, externalURL: string): string | undefined {
  const base = safeHttpUrl(externalURL);
  if (base === undefined) return undefined;
  return `${base.replace(/\/+$/, '')}/#/silences/new?filter=${encodeURIComponent(matchersText(podAlertMatchers(doc)))}`;
}

/** Alertmanager's alert list filtered to this pod's alert. */
export function alertmanagerUrl(doc: DiagnosisDocument, externalURL: string): string | undefined {
  const base = safeHttpUrl(externalURL);
  if (base === undefined) return undefined;
  return `${base.replace(/\/+$/, '')}/#/alerts?filter=${encodeURIComponent(matchersText(podAlertMatchers(doc)))}`;
}

export function links(doc: DiagnosisDocument, externalURL: string): Link[] {
  const out: Link[] = [];
  const am = alertmanagerUrl(doc, externalURL);
  if (am !== undefined) out.push({ text: 'Alertmanager', url: am });
  const source = safeHttpUrl(doc.alert.generatorURL);
  if (source !== undefined) out.push({ text: 'Prometheus', url: source });
  const runbook = safeHttpUrl(doc.alert.annotations['runbook_url']);
  if (runbook !== undefined) out.push({ text: 'Runbook', url: runbook });
  const silence = silenceUrl(doc, externalURL);
  if (silence !== undefined && doc.status === 'firing') out.push({ text: 'Silence', url: silence });
  return out;
}

/** Shell-quotes a name for a copy-paste command; Kubernetes names are safe, labels may not be. */
function q(value: string): string {
  return /^[A-Za-z0-9._/:@-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** What to collect before asking for help, with this pod's names filled in so each line can be pasted as is. */
export function escalationSteps(doc: DiagnosisDocument): EscalationStep[] {
  const { namespace, pod, container, owner } = doc.target;
  const ns = q(namespace);
  const p = q(pod);
  const workload = owner === undefined ? `pod/${p}` : `${q(owner.kind.toLowerCase())}/${q(owner.name)}`;
  return [
    { text: 'Full pod description', command: `kubectl describe pod ${p} -n ${ns}` },
    { text: 'Logs from the previous container', command: `kubectl logs ${p} -n ${ns} -c ${q(container)} --previous` },
    { text: 'Namespace events', command: `kubectl get events -n ${ns} --sort-by=.metadata.creationTimestamp` },
    {
      text: 'Node resource pressure',
      command: `kubectl top node && kubectl describe node "$(kubectl get pod ${p} -n ${ns} -o jsonpath='{.spec.nodeName}')"`,
    },
    { text: 'Kubernetes version', command: 'kubectl version' },
    { text: 'The workload manifest (remove secrets before sharing)', command: `kubectl get ${workload} -n ${ns} -o yaml` },
    { text: 'Whether the issue is consistent or intermittent' },
    { text: 'Whether the same image works in a different namespace or cluster' },
  ];
}

/** Lines that differ only in numbers, hex ids and timestamps count as the same line. */
const shape = (line: string): string =>
  line
    .replace(/\d{4}-\d\d-\d\d[T ][\d:.,]+Z?/g, '')
    .replace(/0x[0-9a-f]+|[0-9a-f]{8,}|\d+/gi, '#')
    .trim();

/**
 * Collapses runs of identical or near-identical lines: the first stays, the rest become one line
 * "… 19 more `heartbeat ok` lines …", so a log excerpt shows what changed, not what repeated.
 */
export function collapseRepeats(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length; ) {
    const line = lines[i] ?? '';
    let j = i + 1;
    while (j < lines.length && line.trim() !== '' && shape(lines[j] ?? '') === shape(line)) j++;
    out.push(line);
    const more = j - i - 1;
    if (more === 1) out.push(lines[i + 1] ?? '');
    if (more > 1) out.push(`… ${more} more \`${truncateWords(shape(line).replace(/#/g, '').replace(/\s+/g, ' ').trim() || line.trim(), 40)}\` lines …`);
    i = j;
  }
  return out;
}

/**
 * At most `max` lines of the excerpt, the last ones (where a crash prints its reason), for a message
 * with no room to spare: repeats collapsed, and a line already said (`said`: the deciding fact, or an
 * earlier line of the excerpt) not said again.
 */
export function shortExcerpt(lines: readonly string[], max: number, said: readonly string[] = []): string[] {
  const seen = new Set(said.map((s) => shape(s)));
  const kept: string[] = [];
  for (const line of collapseRepeats(lines)) {
    const key = shape(line);
    if (key !== '' && seen.has(key)) continue;
    if (key !== '') seen.add(key);
    kept.push(line);
  }
  return kept.length <= max ? kept : ['…', ...kept.slice(kept.length - (max - 1))];
}

export function keyFacts(doc: DiagnosisDocument): Fact[] {
  const t = doc.target;
  const facts: Fact[] = [
    { label: 'Namespace', value: t.namespace },
    { label: 'Pod', value: t.pod },
    { label: 'Container', value: t.container },
  ];
  if (t.owner !== undefined) facts.push({ label: 'Owner', value: `${t.owner.kind}/${t.owner.name}` });
  if (t.image !== undefined && t.image !== '') facts.push({ label: 'Image', value: t.image });
  if (t.node !== undefined && t.node !== '') facts.push({ label: 'Node', value: t.node });
  const cluster = doc.incident?.cluster ?? doc.alert.labels['cluster'];
  if (cluster !== undefined && cluster !== '') facts.push({ label: 'Cluster', value: cluster });
  return facts.map((f) => ({ label: f.label, value: oneLine(f.value) }));
}

/** "Resolved after 47m" or "Resolved" when the alert carries no usable end time. */
export function resolvedLine(doc: DiagnosisDocument): string {
  const took = incidentDuration(doc.alert.startsAt, doc.alert.endsAt);
  return took === undefined ? 'Resolved' : `Resolved after ${took}`;
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

/** The incident's summary lines (src/incidents/incident.ts): its pods, their causes when they differ, the rollout. */
function incidentFacts(doc: DiagnosisDocument): DecidingFact[] {
  const storm: DecidingFact[] = (doc.incident?.storm?.lines ?? []).map((line, i) => ({
    source: 'incident',
    label: i === 0 ? 'Storm' : 'Listed',
    text: truncateWords(oneLine(line), DECIDING_MAX * 2),
  }));
  return [
    ...storm,
    ...(doc.incident?.summary ?? []).map(
      (line): DecidingFact => ({
        source: 'incident',
        label: line.startsWith('began with revision') ? 'Change' : /^\d+ pods?: /.test(line) ? 'Causes' : 'Incident',
        text: truncateWords(oneLine(line), DECIDING_MAX * 2),
      }),
    ),
  ];
}

export function buildMessage(document: DiagnosisDocument, options: MessageOptions): Message {
  const doc = options.chartShown !== true ? document : { ...document, evidence: document.evidence.filter((e) => !hasSparkline(e.text)) };
  const severity = severityOf(doc);
  const deciding = decidingEvidence(doc);
  const [primaryFix, ...otherFixes] = doc.remedies;
  const lowOrUnknown = doc.cause.id === 'unknown' || doc.cause.confidence === 'low';
  const problems = doc.problems.map((p) => `${p.source}: ${oneLine(p.message)}`);
  const cluster = doc.incident?.cluster ?? doc.alert.labels['cluster'];
  const first: FirstMessage = {
    header: headerLine(doc),
    severity,
    deciding: [
      ...incidentFacts(doc),
      ...deciding.map((e) => ({ source: e.source, label: SOURCE_LABEL[e.source], text: truncateWords(oneLine(e.text), DECIDING_MAX) })),
    ],
    ...(doc.problems.length === 0 ? {} : { problems: problemsLine(doc.problems) }),
    ...(primaryFix === undefined ? {} : { primaryFix }),
    fixLabel: doc.status === 'resolved' && resolutionOf(doc).healthy ? RECOVERED_FIX_LABEL : 'Fix',
    context: {
      severity,
      ...(cluster === undefined || cluster === '' ? {} : { cluster: oneLine(cluster) }),
      alertname: oneLine(doc.alert.name),
      pod: oneLine(doc.target.pod),
      container: oneLine(doc.target.container),
      ...(doc.target.restarts === undefined ? {} : { restarts: doc.target.restarts }),
      causeId: doc.cause.id,
      confidence: confidenceInWords(doc, deciding),
      links: links(doc, options.externalURL),
    },
  };
  const description = doc.alert.annotations['description'] ?? doc.alert.annotations['summary'];
  const details: Details = {
    summary: oneLine(doc.cause.summary),
    ...(description === undefined || description.trim() === '' ? {} : { alertDescription: oneLine(description) }),
    facts: keyFacts(doc),
    moreProof: doc.evidence.filter((e) => !deciding.includes(e)),
    problems,
    otherFixes,
    verify: doc.verify,
    findings: withoutRestatedProof(
      doc.findings.map((f) => f.text),
      doc.evidence,
    ),
    escalation: lowOrUnknown ? escalationSteps(doc) : [],
  };
  if (doc.logs !== undefined && doc.logs.excerpt.trim() !== '') {
    const { container, previous, truncated } = doc.logs;
    details.log = {
      title: `Log (${previous ? 'previous' : 'current'} container ${oneLine(container)}${truncated ? ', excerpt' : ''})`,
      lines: collapseRepeats(doc.logs.excerpt.replace(/\n+$/, '').split('\n')),
    };
  }
  const message: Message = { status: doc.status, first, details };
  if (doc.status === 'resolved') message.resolution = resolutionOf(doc);
  return message;
}

/** A finding that only repeats a proof line adds nothing. */
function withoutRestatedProof(findings: string[], proof: EvidenceLine[]): string[] {
  const said = proof.map((e) => oneLine(e.text).toLowerCase());
  return findings.filter((f) => {
    const text = oneLine(f).toLowerCase();
    return !said.some((p) => p === text || (text.length > 30 && p.includes(text)));
  });
}

/** Over the fix once the pod recovered: the cause is still in the spec, so the fix stays, for next time. */
export const RECOVERED_FIX_LABEL = 'If it comes back';

/** "Resolved after 47m" plus what the pod looked like when it resolved, when that was read. */
export function resolutionOf(doc: DiagnosisDocument): NonNullable<Message['resolution']> {
  const r = doc.resolution;
  return {
    line: resolvedLine(doc),
    ...(r === undefined ? {} : { outcome: oneLine(r.text) }),
    healthy: r === undefined || r.state === 'healthy' || r.state === 'replaced',
  };
}
