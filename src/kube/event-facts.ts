/**
 * `CoreV1Event` → `EventFacts`, newest first, as `kubectl get events` (sorted) and `describe` show
 * them. Newer components write only `eventTime`/`series` and `reportingComponent` (events.k8s.io
 * semantics through the core API), older ones `lastTimestamp`/`count` and `source.component`.
 */
import type { CoreV1Event } from '@kubernetes/client-node';
import type { EventFacts } from '../diagnosis/evidence.ts';
import { epochMs, isoTime } from './time.ts';

export function eventFacts(event: CoreV1Event): EventFacts {
  const facts: EventFacts = {
    type: event.type ?? 'Normal',
    reason: event.reason ?? '',
    message: event.message ?? '',
    count: event.series?.count ?? event.count ?? 1,
  };
  const first = isoTime(event.firstTimestamp) ?? isoTime(event.eventTime);
  const last = isoTime(event.lastTimestamp) ?? isoTime(event.series?.lastObservedTime) ?? isoTime(event.eventTime) ?? first;
  if (first !== undefined) facts.firstTimestamp = first;
  if (last !== undefined) facts.lastTimestamp = last;
  const source = nonEmpty(event.source?.component) ?? nonEmpty(event.reportingComponent);
  if (source !== undefined) facts.source = source;
  const fieldPath = nonEmpty(event.involvedObject.fieldPath);
  if (fieldPath !== undefined) facts.fieldPath = fieldPath;
  return facts;
}

/** Converts and sorts newest first by lastTimestamp, then eventTime, then firstTimestamp. */
export function eventsNewestFirst(events: readonly CoreV1Event[]): EventFacts[] {
  const keyed = events.map((e) => ({
    facts: eventFacts(e),
    at: epochMs(e.lastTimestamp) ?? epochMs(e.series?.lastObservedTime) ?? epochMs(e.eventTime) ?? epochMs(e.firstTimestamp) ?? 0,
  }));
  // Array.prototype.sort is stable, so events with equal times keep the API's order.
  keyed.sort((a, b) => b.at - a.at);
  return keyed.map((k) => k.facts);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
