/**
 * Which documents of an incident a sink takes. A sink type that takes every document (its
 * `everyDocument`: the Slack Web API sink edits its one message per incident, the JSON webhook gets
 * every alert's document) takes them all; sinks that cannot edit what they sent (incoming webhook,
 * email, console) take only what is new to their reader: the incident opening, a
 * cause not announced yet, and the end of the incident. An incident listed in a storm's digest is
 * sent to them once, when the digest opens (the digest lines head that message).
 */
import type { DiagnosisDocument } from '../diagnosis/document.ts';

const ANNOUNCED: ReadonlySet<string> = new Set(['opened', 'cause-differs', 'closed']);

export function sinkTakes(everyDocument: boolean, doc: DiagnosisDocument): boolean {
  if (doc.incident === undefined || everyDocument) return true;
  if (doc.incident.storm !== undefined) return doc.incident.storm.news === 'opened';
  return ANNOUNCED.has(doc.incident.news);
}
