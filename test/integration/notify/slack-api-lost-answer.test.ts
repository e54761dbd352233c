/**
 * The Slack Web API sink when Slack takes a request and its answer is lost (the stand-in posts the
 * message, then resets the connection or holds the answer past the attempt timeout): chat.postMessage
 * and files.completeUploadExternal keep no idempotency key, so they are never sent again; the delivery
 * is counted as maybe posted and kept as sent, and a resend posts nothing. chat.update only sets a
 * message's content, so it is retried.
 */
import { describe, expect, it } from 'vitest';
import type { DiagnosisDocument, IncidentRef } from '../../../src/diagnosis/document.ts';
import { withHistory } from '../../fixtures/memory/document.ts';
import { leak } from '../../fixtures/memory/shapes.ts';
import { oomDocument, resolvedOf } from '../../fixtures/notify/documents.ts';
import { batch, harness, slackStandinPerTest } from './harness.ts';

const slack = slackStandinPerTest();

const setup = (sinkTimeoutMs?: number) =>
  harness({
    sinks: { slack: { type: 'slack-api', botToken: slack().token, channel: slack().channel, apiUrl: slack().apiUrl } },
    ...(sinkTimeoutMs === undefined ? {} : { sinkTimeoutMs }),
  });
const topLevel = () => slack().messages.filter((m) => m.via === 'chat.postMessage' && m.thread_ts === undefined);
const replies = () => slack().messages.filter((m) => m.via === 'chat.postMessage' && m.thread_ts !== undefined);
const postCalls = () => slack().messages.filter((m) => m.via === 'chat.postMessage').length;

function incidentDoc(pod: string, fingerprint: string, news: IncidentRef['news']): DiagnosisDocument {
  const doc = oomDocument();
  return {
    ...doc,
    alert: { ...doc.alert, fingerprint },
    target: { ...doc.target, pod },
    incident: {
      id: 'incident-payments-payment-svc',
      workload: { kind: 'Deployment', name: 'payment-svc' },
      pods: [{ name: pod, cause: doc.cause.id, title: doc.cause.title, status: 'firing' }],
      news,
      summary: ['1 of 3 pods of deployment/payment-svc crash looping'],
    },
  };
}

describe('Slack Web API sink: an answer lost after Slack took the request', () => {
  it('chat.postMessage reset after the post → not sent again, counted as maybe posted, the resend posts nothing', async () => {
    const h = setup();
    slack().dropAnswers({ method: 'chat.postMessage', times: 1 });
    expect(await h.notifier.deliver(batch([oomDocument()]))).toEqual({ kind: 'delivered', permanentFailures: [] });
    expect(topLevel()).toHaveLength(1);
    // No ts came back: there is no thread to reply in.
    expect(replies()).toHaveLength(0);
    expect(slack().requestCount()).toBe(1);
    expect(await h.delivered('slack', 'maybe_sent')).toBe(1);
    expect(await h.delivered('slack', 'sent')).toBe(0);
    expect(h.logs.find((l) => l.includes('may have been posted'))).toContain('Slack (chat.postMessage) may have posted it');
    await h.notifier.deliver(batch([oomDocument()]));
    expect(slack().requestCount()).toBe(1);
    expect(await h.delivered('slack', 'duplicate')).toBe(1);
  });

  it('chat.postMessage answered after the attempt timeout → posted once, not retried', async () => {
    const h = setup(300);
    slack().delayAnswers(1000);
    expect(await h.notifier.deliver(batch([oomDocument()]))).toEqual({ kind: 'delivered', permanentFailures: [] });
    expect(slack().requestCount()).toBe(1);
    expect(topLevel()).toHaveLength(1);
    expect(await h.delivered('slack', 'maybe_sent')).toBe(1);
  });

  it('the thread reply reset after the post → not sent again; the chart upload after it still runs', async () => {
    const h = setup();
    const END = 1_800_000_000;
    slack().dropAnswers({ method: 'chat.postMessage', skip: 1, times: 1 });
    expect(await h.notifier.deliver(batch([withHistory(leak({ end: END }), END)]))).toEqual({ kind: 'delivered', permanentFailures: [] });
    expect(topLevel()).toHaveLength(1);
    expect(replies()).toHaveLength(1);
    expect(slack().uploads).toHaveLength(1);
    expect(slack().uploads[0]?.thread_ts).toBe(topLevel()[0]?.ts);
    expect(await h.delivered('slack', 'maybe_sent')).toBe(1);
    await h.notifier.deliver(batch([withHistory(leak({ end: END }), END)]));
    expect(replies()).toHaveLength(1);
    expect(slack().uploads).toHaveLength(1);
  });

  it('files.completeUploadExternal reset after the chart was shared → shared once', async () => {
    const h = setup();
    const END = 1_800_000_000;
    slack().dropAnswers({ method: 'files.completeUploadExternal', times: 1 });
    expect((await h.notifier.deliver(batch([withHistory(leak({ end: END }), END)]))).kind).toBe('delivered');
    expect(slack().uploads).toHaveLength(1);
    expect(topLevel()).toHaveLength(1);
    expect(await h.delivered('slack', 'maybe_sent')).toBe(1);
  });

  it("chat.update reset on resolve → retried (an edit sets the same content again); the thread's reply posted once", async () => {
    const h = setup();
    const firing = oomDocument();
    await h.notifier.deliver(batch([firing]));
    slack().dropAnswers({ method: 'chat.update', times: 1 });
    expect(await h.notifier.deliver(batch([resolvedOf(firing)]))).toEqual({ kind: 'delivered', permanentFailures: [] });
    const updates = slack().messages.filter((m) => m.via === 'chat.update');
    expect(updates).toHaveLength(2);
    expect(updates[1]).toEqual(updates[0]);
    expect(topLevel()).toHaveLength(1);
    expect(replies()).toHaveLength(2);
    expect(await h.delivered('slack', 'sent')).toBe(2);
    expect(await h.delivered('slack', 'maybe_sent')).toBe(0);
  });

  it("the resolution's thread reply reset → not sent again", async () => {
    const h = setup();
    const firing = oomDocument();
    await h.notifier.deliver(batch([firing]));
    slack().dropAnswers({ method: 'chat.postMessage', times: 1 });
    expect((await h.notifier.deliver(batch([resolvedOf(firing)]))).kind).toBe('delivered');
    expect(replies()).toHaveLength(2);
    expect(await h.delivered('slack', 'maybe_sent')).toBe(1);
    await h.notifier.deliver(batch([resolvedOf(firing)]));
    expect(replies()).toHaveLength(2);
  });

  it("an incident's first post reset → the next pod of the incident does not post the incident a second time", async () => {
    const h = setup();
    slack().dropAnswers({ method: 'chat.postMessage', times: 1 });
    await h.notifier.deliver(batch([incidentDoc('payment-svc-7b9f6d-xk2p', 'a1b2c3d4e5f60718', 'opened')]));
    expect(topLevel()).toHaveLength(1);
    await h.notifier.deliver(batch([incidentDoc('payment-svc-7b9f6d-q8zt4', 'b2c3d4e5f6071829', 'joined')]));
    expect(topLevel()).toHaveLength(1);
    expect(postCalls()).toBe(1);
    expect(await h.delivered('slack', 'maybe_sent')).toBe(1);
    expect(await h.delivered('slack', 'sent')).toBe(1);
  });

  it("a storm digest's post reset → later changes of the storm are not posted as a second digest", async () => {
    const h = setup();
    const stormed = (fingerprint: string, lines: string[]): DiagnosisDocument => {
      const doc = incidentDoc('payment-svc-7b9f6d-xk2p', fingerprint, 'opened');
      return { ...doc, incident: { ...(doc.incident as IncidentRef), storm: { id: 'storm-payments', news: 'opened', lines } } };
    };
    slack().dropAnswers({ method: 'chat.postMessage', times: 1 });
    await h.notifier.deliver(batch([stormed('a1b2c3d4e5f60718', ['Crash-loop storm in payments: 4 workloads', 'payment-svc: OOMKilled'])]));
    await h.notifier.deliver(
      batch([stormed('b2c3d4e5f6071829', ['Crash-loop storm in payments: 5 workloads', 'payment-svc: OOMKilled', 'ledger: OOMKilled'])]),
    );
    expect(topLevel()).toHaveLength(1);
    expect(slack().requestCount()).toBe(1);
  });
});
