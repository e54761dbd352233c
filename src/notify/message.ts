/**
 * The one message model every renderer draws from, decision first: a header that names the workload
 * and the cause in plain words, the deciding fact, ONE primary fix, a context line; everything else is
 * `details`, which a Slack Web API post puts in its thread and email, text and Markdown show in full.
 * Renderers only choose the format (Block Kit, HTML, terminal text, Markdown). Pure.
 */
import type { DiagnosisDocument, EvidenceLine, Remedy, RemedyKind } from '../diagnosis/document.ts';
import { describeExit } from '../diagnosis/signals.ts';
import { hasSparkline } from '../history/sparkline.ts';
import { type Link, links } from './alert-links.ts';
import { headerLine } from './cause-words.ts';
import { type EscalationStep, escalationSteps } from './escalation.ts';
import { collapseRepeats } from './log-lines.ts';
import { confidenceInWords, DECIDING_MAX, decidingEvidence, problemsLine, proofText, SOURCE_LABEL } from './proof.ts';
import { formatDuration, incidentDuration, oneLine, truncateWords } from './text.ts';

export type Severity = 'critical' | 'warning' | 'info';

/**
 * What the reader must do, which the mark and colour show (docs/messages.md): `sure`, apply the fix;
 * `judge`, read the proof and judge the fix; `unknown`, find the cause. The alert's `severity` label
 * sets how urgent the page is; this says what kind of work it is.
 */
export type Look = 'sure' | 'judge' | 'unknown';

export interface Fact {
  label: string;
  value: string;
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
  look: Look;
  /** The line that decides (after the incident's own lines); never the BackOff event unless nothing else exists. */
  deciding: DecidingFact[];
  /** "Not ready · 14 restarts · last run 1s, exit 1": the container's state in one line. */
  state?: string;
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

/** The first Fix's kind, as the diagnosis document says it (remedy, diagnostic step, or nothing to change). */
const firstFixKind = (doc: DiagnosisDocument): RemedyKind | undefined => doc.remedies[0]?.kind;

/** A first Fix that says nothing is to change (who stopped it is known) leaves nothing to judge: sure, and shown for information (look.ts). */
export function lookOf(doc: DiagnosisDocument): Look {
  if (doc.cause.id === 'unknown') return 'unknown';
  return doc.cause.confidence === 'high' && firstFixKind(doc) !== 'diagnostic' ? 'sure' : 'judge';
}

/** "Not ready · 14 restarts · last run 1s, exit 1"; the last run is left out when the proof line is that exit record. */
export function stateLine(doc: DiagnosisDocument, proofIsExit: boolean): string | undefined {
  const t = doc.target;
  const parts: string[] = [];
  if (t.ready !== undefined) parts.push(t.ready ? 'ready' : 'not ready');
  if (t.restarts !== undefined) parts.push(`${t.restarts} restart${t.restarts === 1 ? '' : 's'}`);
  const x = t.lastExit;
  if (x !== undefined && !proofIsExit) {
    const ran = x.ranSeconds === undefined ? undefined : formatDuration(x.ranSeconds * 1000);
    const exit = x.reason === undefined || x.reason === 'Error' ? describeExit(x.exitCode) : `${x.reason}, exit ${x.exitCode}`;
    const run = [ran, exit].filter((p) => p !== undefined).join(', ');
    if (run !== '') parts.push(`last run ${run}`);
  }
  const line = parts.join(' · ');
  return line === '' ? undefined : line.charAt(0).toUpperCase() + line.slice(1);
}

export function severityOf(doc: DiagnosisDocument): Severity {
  // A container stopped by its pod's deletion is a normal shutdown: low severity, whatever the alert says.
  if (doc.cause.detail === 'pod-deleting') return 'info';
  const s = (doc.alert.labels['severity'] ?? '').toLowerCase();
  if (s === 'critical' || s === 'page' || s === 'error' || s === 'high') return 'critical';
  if (s === 'info' || s === 'none' || s === 'low') return 'info';
  return 'warning';
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
  // A proof line that only repeats what could not be read is said once, by the problems line.
  const deciding = decidingEvidence(doc).filter((e) => !doc.problems.some((p) => oneLine(p.message).includes(oneLine(e.text).slice(0, 80))));
  const [primaryFix, ...otherFixes] = doc.remedies;
  const lowOrUnknown = doc.cause.id === 'unknown' || doc.cause.confidence === 'low';
  const problems = doc.problems.map((p) => `${p.source}: ${oneLine(p.message)}`);
  const cluster = doc.incident?.cluster ?? doc.alert.labels['cluster'];
  const look = lookOf(doc);
  const state = stateLine(
    doc,
    deciding.some((e) => e.source === 'status' && /^(?:Last state|State): Terminated\b/.test(e.text)),
  );
  const first: FirstMessage = {
    header: headerLine(doc),
    severity,
    look,
    deciding: [...incidentFacts(doc), ...deciding.map((e) => ({ source: e.source, label: SOURCE_LABEL[e.source], text: proofText(e.text) }))],
    ...(state === undefined ? {} : { state }),
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
      confidence: confidenceInWords(doc, deciding, look),
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
