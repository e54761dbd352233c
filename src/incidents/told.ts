/**
 * What each sink has been told of an incident. Sinks fail apart: when the incident's first message
 * reaches one sink and another fails, Alertmanager's resend must bring the failed sink that first
 * message (not an update of a message it never got), and the sink that has it nothing again. So the
 * incident's news (incident.ts) is decided once more per sink, on what that sink was told: the causes
 * announced to it and the pods it was last told are firing. A sink without a view has not had the
 * incident's first message. Pure.
 */
import type { CauseId, DiagnosisDocument, IncidentRef } from '../diagnosis/document.ts';

export interface SinkView {
  causes: CauseId[];
  /** Pod names. */
  firing: string[];
}

/** Per sink name. */
export type SinkViews = Record<string, SinkView>;

/**
 * The incident's news as one sink sees it: the first message when it has none yet, a cause it was
 * not told of, a pod it does not know. A resolve is the incident's own news, whoever heard what.
 */
export function newsForSink(view: SinkView | undefined, doc: DiagnosisDocument): IncidentRef['news'] | undefined {
  const news = doc.incident?.news;
  if (news === undefined || doc.status !== 'firing') return news;
  if (view === undefined) return 'opened';
  if (!view.causes.includes(doc.cause.id)) return 'cause-differs';
  return view.firing.includes(doc.target.pod) ? 'unchanged' : 'joined';
}

/** The document as this sink is to get it: with the news for what this sink was told. */
export function forSink(view: SinkView | undefined, doc: DiagnosisDocument): DiagnosisDocument {
  const news = newsForSink(view, doc);
  if (doc.incident === undefined || news === undefined || news === doc.incident.news) return doc;
  return { ...doc, incident: { ...doc.incident, news } };
}

/** The sink's view once it took this document. A resolve is not a first message: it tells a sink without a view nothing. */
export function told(view: SinkView | undefined, doc: DiagnosisDocument): SinkView | undefined {
  const pod = doc.target.pod;
  if (doc.status !== 'firing') return view === undefined ? undefined : { ...view, firing: view.firing.filter((p) => p !== pod) };
  const base = view ?? { causes: [], firing: [] };
  return {
    causes: base.causes.includes(doc.cause.id) ? base.causes : [...base.causes, doc.cause.id],
    firing: base.firing.includes(pod) ? base.firing : [...base.firing, pod],
  };
}

/** Every sink's view after a request: advanced by the documents it took (`taken`), in the request's order. */
export function toldAfter(before: SinkViews, docs: readonly DiagnosisDocument[], taken: readonly { sink: string; fingerprint: string }[]): SinkViews {
  const after: SinkViews = { ...before };
  for (const sink of new Set(taken.map((t) => t.sink))) {
    const took = new Set(taken.filter((t) => t.sink === sink).map((t) => t.fingerprint));
    let view = after[sink];
    for (const doc of docs) if (took.has(doc.alert.fingerprint)) view = told(view, doc);
    if (view !== undefined) after[sink] = view;
  }
  return after;
}
