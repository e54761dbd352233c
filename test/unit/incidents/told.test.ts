/** What each sink was told of an incident: the news decided again per sink, and each sink's view advanced by what it took. */
import { describe, expect, it } from 'vitest';
import type { CauseId, DiagnosisDocument, IncidentRef } from '../../../src/diagnosis/document.ts';
import { forSink, newsForSink, told, toldAfter } from '../../../src/incidents/told.ts';
import { oomDocument } from '../../fixtures/notify/documents.ts';

function podDoc(pod: string, news: IncidentRef['news'], options: { status?: 'firing' | 'resolved'; cause?: CauseId } = {}): DiagnosisDocument {
  const base = oomDocument();
  return {
    ...base,
    status: options.status ?? 'firing',
    alert: { ...base.alert, fingerprint: `fp-${pod}` },
    target: { ...base.target, pod },
    cause: { ...base.cause, id: options.cause ?? 'oom-killed' },
    incident: { id: 'payments/deployment/billing-api@t0', workload: { kind: 'Deployment', name: 'billing-api' }, pods: [], news, summary: [] },
  };
}

describe('newsForSink', () => {
  it("a sink that was told nothing gets the incident's first message, whatever the incident's news", () => {
    expect(newsForSink(undefined, podDoc('p2', 'joined'))).toBe('opened');
    expect(newsForSink(undefined, podDoc('p1', 'unchanged'))).toBe('opened');
  });

  it('a sink that has the first message gets what is new to it: a pod it does not know, a cause it was not told of', () => {
    const view = { causes: ['oom-killed' as const], firing: ['p1'] };
    expect(newsForSink(view, podDoc('p1', 'unchanged'))).toBe('unchanged');
    expect(newsForSink(view, podDoc('p2', 'unchanged'))).toBe('joined');
    expect(newsForSink(view, podDoc('p2', 'joined', { cause: 'app-crash' }))).toBe('cause-differs');
  });

  it("a resolve is the incident's own news; a document of no incident has none", () => {
    expect(newsForSink(undefined, podDoc('p1', 'closed', { status: 'resolved' }))).toBe('closed');
    expect(newsForSink({ causes: [], firing: [] }, podDoc('p1', 'pod-resolved', { status: 'resolved' }))).toBe('pod-resolved');
    expect(newsForSink(undefined, oomDocument())).toBeUndefined();
  });
});

describe('forSink', () => {
  it('keeps the document when the news is the same, else sets the news for this sink only', () => {
    const doc = podDoc('p2', 'joined');
    expect(forSink({ causes: ['oom-killed'], firing: ['p1'] }, doc)).toBe(doc);
    const first = forSink(undefined, doc);
    expect(first.incident?.news).toBe('opened');
    expect(doc.incident?.news).toBe('joined');
    expect({ ...first, incident: undefined }).toEqual({ ...doc, incident: undefined });
  });
});

describe('told', () => {
  it('a firing pod adds its cause and the pod; its resolve takes the pod out', () => {
    const one = told(undefined, podDoc('p1', 'opened'));
    expect(one).toEqual({ causes: ['oom-killed'], firing: ['p1'] });
    const two = told(one, podDoc('p2', 'cause-differs', { cause: 'app-crash' }));
    expect(two).toEqual({ causes: ['oom-killed', 'app-crash'], firing: ['p1', 'p2'] });
    expect(told(two, podDoc('p2', 'unchanged', { cause: 'app-crash' }))).toEqual(two);
    expect(told(two, podDoc('p1', 'pod-resolved', { status: 'resolved' }))).toEqual({ causes: ['oom-killed', 'app-crash'], firing: ['p2'] });
  });

  it('a resolve tells a sink that had no first message nothing', () => {
    expect(told(undefined, podDoc('p1', 'closed', { status: 'resolved' }))).toBeUndefined();
  });
});

describe('toldAfter', () => {
  it('advances each sink by the documents it took, in order, and leaves the others as they were', () => {
    const docs = [podDoc('p1', 'opened'), podDoc('p2', 'joined')];
    const before = { email: { causes: ['app-crash' as const], firing: ['p0'] } };
    const after = toldAfter(before, docs, [
      { sink: 'slack', fingerprint: 'fp-p1' },
      { sink: 'slack', fingerprint: 'fp-p2' },
      { sink: 'teams', fingerprint: 'fp-p1' },
    ]);
    expect(after).toEqual({
      email: { causes: ['app-crash'], firing: ['p0'] },
      slack: { causes: ['oom-killed'], firing: ['p1', 'p2'] },
      teams: { causes: ['oom-killed'], firing: ['p1'] },
    });
    expect(before).toEqual({ email: { causes: ['app-crash'], firing: ['p0'] } });
  });
});
