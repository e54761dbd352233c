/**
 * PagerDuty Events API v2 payloads from the message model (github.com/PagerDuty/api-schema,
 * reference/events-v2/openapiv3.json; developer.pagerduty.com/docs/events-api-v2-overview). Pure.
 *
 * One PagerDuty alert per incident: `dedup_key` is the incident's id (cluster, namespace and workload,
 * and when it opened), so later pods of the incident update the same alert and the resolve that
 * confirms recovery closes it. A resolve that finds the workload still failing sends nothing: the page
 * stays open. The rollout that began the incident can go as a Change Event.
 */
import { createHash } from 'node:crypto';
import type { DiagnosisDocument } from '../diagnosis/document.ts';
import { workloadName } from './cause-words.ts';
import { buildMessage, type Message, resolutionOf } from './message.ts';
import { oneLine, safeHttpUrl, stripControl, truncate } from './text.ts';

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

/** Change Events go to `change/enqueue` beside the events endpoint (`…/v2/enqueue` → `…/v2/change/enqueue`). */
export function changeEventsUrl(eventsUrl: string): string {
  return new URL('change/enqueue', eventsUrl).toString();
}

export const PAGERDUTY_SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;
export type PagerDutySeverity = (typeof PAGERDUTY_SEVERITIES)[number];

/** Alertmanager `severity` label value → PagerDuty severity; a value not listed is `warning`. */
export const DEFAULT_SEVERITY_MAP: Readonly<Record<string, PagerDutySeverity>> = {
  critical: 'critical',
  page: 'critical',
  high: 'critical',
  error: 'error',
  warning: 'warning',
  info: 'info',
  low: 'info',
  none: 'info',
};

/** PagerDuty's documented limits (Events API v2: summary 1,024 characters, dedup_key 255, an event 512 KB). */
export const PAGERDUTY_LIMITS = { summary: 1024, dedupKey: 255, eventBytes: 512 * 1024 } as const;
/** The log excerpt in custom_details: enough to see the crash, small enough for the alert page. */
export const LOG_EXCERPT_MAX_BYTES = 8 * 1024;
const LIST_MAX = 20;
const TEXT_MAX = 2000;

export interface PagerDutyLink {
  href: string;
  text: string;
}

export interface TriggerEvent {
  routing_key: string;
  event_action: 'trigger';
  dedup_key: string;
  client: 'crashtriage';
  client_url?: string;
  payload: {
    summary: string;
    source: string;
    severity: PagerDutySeverity;
    timestamp: string;
    component: string;
    group: string;
    class: string;
    custom_details: Record<string, unknown>;
  };
  links: PagerDutyLink[];
}

export interface ResolveEvent {
  routing_key: string;
  event_action: 'resolve';
  dedup_key: string;
}

export interface ChangeEvent {
  routing_key: string;
  payload: { summary: string; source: string; timestamp: string; custom_details: Record<string, unknown> };
  links: PagerDutyLink[];
}

export interface EventOptions {
  routingKey: string;
  externalURL: string;
  severityMap?: Readonly<Record<string, PagerDutySeverity>>;
}

export function pagerDutySeverity(doc: DiagnosisDocument, map: Readonly<Record<string, PagerDutySeverity>> = DEFAULT_SEVERITY_MAP): PagerDutySeverity {
  // A container stopped by its pod's deletion is a normal shutdown, whatever the alert says.
  if (doc.cause.detail === 'pod-deleting') return 'info';
  return map[(doc.alert.labels['severity'] ?? '').toLowerCase()] ?? 'warning';
}

/** `prod-eu-1/payments/deployment/checkout`: where the problem is, as PagerDuty's `source`. */
export function workloadSource(doc: DiagnosisDocument): string {
  const cluster = doc.incident?.cluster ?? doc.alert.labels['cluster'];
  const kind = (doc.incident?.workload.kind ?? doc.target.owner?.kind ?? 'Pod').toLowerCase();
  const name = doc.incident?.workload.name ?? workloadName(doc);
  return oneLine([cluster, doc.target.namespace, kind, name].filter((p) => p !== undefined && p !== '').join('/'));
}

/**
 * The incident's key: its id (cluster/namespace/workload@opened), or for a document outside an
 * incident the workload and the alert's start. Over 255 characters, the end is replaced by a hash of the whole.
 */
export function dedupKey(doc: DiagnosisDocument): string {
  const key = doc.incident?.id ?? `${workloadSource(doc)}@${doc.alert.startsAt}`;
  if (key.length <= PAGERDUTY_LIMITS.dedupKey) return key;
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 32);
  return `${key.slice(0, PAGERDUTY_LIMITS.dedupKey - hash.length - 1)}#${hash}`;
}

export type PagerDutyAction = 'trigger' | 'resolve' | 'none';

/**
 * What this document means for the incident's PagerDuty alert: open or update it (a firing pod that
 * opens the incident, joins it or brings a new cause), resolve it (the incident closed and the check
 * found the workload healthy or replaced), or nothing (a pod that was already shown, a pod resolving
 * while others still fail, a resolve whose check found it still failing or could not tell).
 */
export function pagerDutyAction(doc: DiagnosisDocument): PagerDutyAction {
  const news = doc.incident?.news;
  if (doc.status === 'firing') return news === undefined || news === 'opened' || news === 'joined' || news === 'cause-differs' ? 'trigger' : 'none';
  if (news !== undefined && news !== 'closed') return 'none';
  return resolutionOf(doc).healthy ? 'resolve' : 'none';
}

const text = (s: string, max = TEXT_MAX): string => truncate(oneLine(s), max);
const list = (items: readonly string[], max = LIST_MAX): string[] => {
  const shown = items.slice(0, max).map((i) => text(i));
  return items.length > max ? [...shown, `… ${items.length - max} more`] : shown;
};

/** The last lines of the excerpt (a crash prints its reason last) within `max` UTF-8 bytes. */
export function logTail(lines: readonly string[], max = LOG_EXCERPT_MAX_BYTES): string {
  const kept: string[] = [];
  let used = 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = stripControl(lines[i] ?? '');
    const size = Buffer.byteLength(line, 'utf8') + 1;
    if (used + size > max - 8) {
      if (kept.length === 0) kept.unshift(truncate(line, Math.floor(max / 4)));
      kept.unshift('…');
      break;
    }
    kept.unshift(line);
    used += size;
  }
  return kept.join('\n');
}

function customDetails(m: Message, doc: DiagnosisDocument): Record<string, unknown> {
  const f = m.first;
  const c = f.context;
  const details: Record<string, unknown> = {
    deciding: f.deciding.slice(0, LIST_MAX).map((d) => `${d.label}: ${text(d.text)}`),
  };
  if (f.problems !== undefined) details['could_not_read'] = text(f.problems);
  if (f.state !== undefined) details['state'] = text(f.state);
  if (f.primaryFix !== undefined)
    details['fix'] = { title: text(f.primaryFix.title), commands: f.primaryFix.commands.slice(0, LIST_MAX).map((x) => truncate(stripControl(x), TEXT_MAX)) };
  if (m.details.otherFixes.length > 0)
    details['other_fixes'] = list(
      m.details.otherFixes.map((r) => r.title),
      5,
    );
  if (m.details.verify.length > 0) details['verify'] = list(m.details.verify);
  if (m.details.log !== undefined) details['log'] = { title: text(m.details.log.title), excerpt: logTail(m.details.log.lines) };
  details['what_happened'] = text(m.details.summary);
  details['pod'] = c.pod;
  details['container'] = c.container;
  if (c.restarts !== undefined) details['restarts'] = c.restarts;
  if (c.cluster !== undefined) details['cluster'] = c.cluster;
  details['alertname'] = c.alertname;
  details['cause'] = doc.cause.detail === undefined ? c.causeId : `${c.causeId}/${doc.cause.detail}`;
  details['confidence'] = c.confidence;
  if (doc.incident !== undefined) details['incident'] = list(doc.incident.summary, 5);
  if (m.details.findings.length > 0) details['also_noticed'] = list(m.details.findings, 10);
  return details;
}

const linksOf = (m: Message): PagerDutyLink[] => m.first.context.links.map((l) => ({ href: l.url, text: l.text }));

export function triggerEvent(doc: DiagnosisDocument, options: EventOptions): TriggerEvent {
  const m = buildMessage(doc, { externalURL: options.externalURL });
  const clientUrl = m.first.context.links.find((l) => l.text === 'Alertmanager')?.url ?? safeHttpUrl(options.externalURL);
  return {
    routing_key: options.routingKey,
    event_action: 'trigger',
    dedup_key: dedupKey(doc),
    client: 'crashtriage',
    ...(clientUrl === undefined ? {} : { client_url: clientUrl }),
    payload: {
      summary: truncate(m.first.header, PAGERDUTY_LIMITS.summary),
      source: truncate(workloadSource(doc), TEXT_MAX),
      severity: pagerDutySeverity(doc, options.severityMap),
      timestamp: doc.alert.startsAt,
      component: text(doc.target.container, 255),
      group: text(doc.target.namespace, 255),
      class: doc.cause.id,
      custom_details: customDetails(m, doc),
    },
    links: linksOf(m),
  };
}

export function resolveEvent(doc: DiagnosisDocument, options: Pick<EventOptions, 'routingKey'>): ResolveEvent {
  return { routing_key: options.routingKey, event_action: 'resolve', dedup_key: dedupKey(doc) };
}

/**
 * The rollout the incident began with, as a Change Event ("revision 8: image checkout:2.3.0 →
 * 2.4.0"), or undefined when the incident names none (developer.pagerduty.com/docs/send-change-events-to-pagerduty).
 */
export function changeEvent(doc: DiagnosisDocument, options: Pick<EventOptions, 'routingKey' | 'externalURL'>): ChangeEvent | undefined {
  const change = doc.incident?.change;
  if (change === undefined || doc.incident === undefined) return undefined;
  const workload = `${doc.target.namespace}/${doc.incident.workload.kind.toLowerCase()}/${doc.incident.workload.name}`;
  const what = change.differences.length === 0 ? 'rolled out' : change.differences.join('; ');
  const m = buildMessage(doc, { externalURL: options.externalURL });
  return {
    routing_key: options.routingKey,
    payload: {
      summary: truncate(oneLine(`${workload} revision ${change.revision}: ${what}`), PAGERDUTY_LIMITS.summary),
      source: truncate(workloadSource(doc), TEXT_MAX),
      timestamp: change.since,
      custom_details: { revision: change.revision, previous_revision: change.previousRevision, differences: list(change.differences), incident: dedupKey(doc) },
    },
    links: linksOf(m).filter((l) => l.text !== 'Silence'),
  };
}

/** The POST body's size in UTF-8 bytes; PagerDuty refuses an event over 512 KB. */
export const eventBytes = (event: TriggerEvent | ResolveEvent | ChangeEvent): number => Buffer.byteLength(JSON.stringify(event), 'utf8');
