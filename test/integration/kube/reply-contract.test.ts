/**
 * The service's Kubernetes reads against every row of the API server's reply table
 * (test/support/kube-replies.ts, each row as kube-apiserver writes it, with its public source), through
 * the real client over TLS: the row answers the read it belongs to (the pod, its previous log or its
 * events), and the evidence must say what could not be read and why, while the other reads still
 * arrive. Then through the whole service with the real Alertmanager: every alert is still delivered,
 * its document naming the problem.
 */
import { pino } from 'pino';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/config.ts';
import type { DiagnosisDocument } from '../../../src/diagnosis/document.ts';
import type { ProblemKind, ProblemSource } from '../../../src/diagnosis/evidence.ts';
import { gatherEvidence } from '../../../src/kube/gather-evidence.ts';
import { createKubeReader, type KubeApiReader } from '../../../src/kube/reader.ts';
import { wireService } from '../../../src/wire.ts';
import { startAlertmanager, waitFor } from '../../support/alertmanager.ts';
import { type FakeKubeApi, startFakeKubeApi } from '../../support/fake-kube-api.ts';
import { scenarioObjects } from '../../support/kube-fixtures.ts';
import { KUBE_API_REPLIES, type KubeReplyName, type StatusBody } from '../../support/kube-replies.ts';
import { startWebhookCapture } from '../../support/webhook-capture.ts';

const NOW = new Date('2025-03-14T10:30:00Z');
const web = { namespace: 'default', pod: 'web-7d4b9c8f6-x2kqp', container: 'app' };
const PATHS: Record<Exclude<ProblemSource, 'node' | 'services' | 'storage' | 'target' | 'kube' | 'prometheus'>, RegExp> = {
  pod: /^\/api\/v1\/namespaces\/default\/pods\/web-7d4b9c8f6-x2kqp$/,
  logs: /^\/api\/v1\/namespaces\/default\/pods\/web-7d4b9c8f6-x2kqp\/log$/,
  events: /^\/api\/v1\/namespaces\/default\/events$/,
};

/** Which read each row answers, and what the evidence must then say. */
const EXPECTED: Record<KubeReplyName, { read: keyof typeof PATHS; kind: ProblemKind; says: RegExp }> = {
  unauthorized: { read: 'pod', kind: 'unauthorized', says: /refused the credentials while reading the pod/ },
  forbiddenPod: { read: 'pod', kind: 'forbidden', says: /cannot get pods in namespace "default"; grant it to read the pod/ },
  forbiddenLog: { read: 'logs', kind: 'forbidden', says: /cannot get pods\/log in namespace "default"; grant it to read the previous log/ },
  forbiddenEvents: { read: 'events', kind: 'forbidden', says: /cannot list events in namespace "default"; grant it to read the events/ },
  notFound: { read: 'pod', kind: 'not-found', says: /pod "default\/web-7d4b9c8f6-x2kqp" not found: it was probably replaced/ },
  expired: { read: 'events', kind: 'other', says: /reading the events failed: The resourceVersion for the provided list is too old\./ },
  expiredContinue: { read: 'events', kind: 'other', says: /reading the events failed: The provided continue parameter is too old/ },
  invalid: { read: 'pod', kind: 'other', says: /reading the pod failed: Lease\.coordination\.k8s\.io "crashtriage-Ledger" is invalid/ },
  throttled: { read: 'pod', kind: 'other', says: /reading the pod failed: HTTP 429: Too many requests, please try again later\. \(Retry-After 1 s\)/ },
  shuttingDownRetryAfter: { read: 'events', kind: 'other', says: /HTTP 429: The apiserver is shutting down, please try again later\. \(Retry-After 5 s\)/ },
  etcdTimeout: { read: 'pod', kind: 'server-error', says: /answered 500 while reading the pod: etcdserver: request timed out/ },
  internalError: { read: 'pod', kind: 'server-error', says: /answered 500 while reading the pod: Internal error occurred: unable to transform key/ },
  kubeletUnreachable: {
    read: 'logs',
    kind: 'server-error',
    says: /answered 500 while reading the previous log: Get "https:\/\/10\.0\.3\.17:10250\/containerLogs/,
  },
  shuttingDown: { read: 'pod', kind: 'server-error', says: /answered 503 while reading the pod: apiserver is shutting down/ },
  noPreviousLog: { read: 'logs', kind: 'no-previous-log', says: /no previous log: container "app" has no terminated instance to read/ },
  waitingToStart: {
    read: 'logs',
    kind: 'bad-request',
    says: /refused to return the previous log: container "app" in pod "web-7d4b9c8f6-x2kqp" is waiting to start: ContainerCreating/,
  },
  imageCannotBePulled: { read: 'logs', kind: 'bad-request', says: /is waiting to start: image can't be pulled/ },
  logFileGone: { read: 'logs', kind: 'bad-request', says: /refused to return the previous log: failed to try resolving symlinks in path/ },
  containerNotValid: { read: 'logs', kind: 'bad-request', says: /container sidecar is not valid for pod web-7d4b9c8f6-x2kqp/ },
  containerNameRequired: { read: 'logs', kind: 'bad-request', says: /a container name must be specified for pod web-7d4b9c8f6-x2kqp/ },
};

const names = Object.keys(KUBE_API_REPLIES) as KubeReplyName[];
let api: FakeKubeApi;
let reader: KubeApiReader;
beforeAll(async () => {
  api = await startFakeKubeApi(scenarioObjects(['deployment-crashloop']));
  reader = createKubeReader({ kubeconfigPath: api.kubeconfigPath, timeoutMs: 5000 });
});
afterAll(async () => {
  await reader.close();
  await api.close();
});

describe('the reply table', () => {
  it.each(names)('%s: as kube-apiserver writes it, with its public source', (name) => {
    const row = KUBE_API_REPLIES[name];
    expect(row.source).toMatch(/k8s\.io\/|kubernetes\.io\/|pkg\/|kubernetes\/kubernetes/);
    expect(row.headers['cache-control']).toBe('no-cache, private');
    if (row.headers['content-type'] === 'application/json') {
      const status = JSON.parse(row.body) as StatusBody;
      expect(Object.keys(status).slice(0, 4)).toEqual(['kind', 'apiVersion', 'metadata', 'status']);
      expect(Object.keys(status).at(-1)).toBe('code');
      expect(status).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: row.status });
      expect(typeof status.message).toBe('string');
    } else {
      // Throttling and shutdown come from filters that write plain text with Go's http.Error.
      expect(row).toMatchObject({ status: 429, headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' } });
    }
    if (row.status === 429 || row.status === 503) expect(row.headers['retry-after']).toMatch(/^\d+$/);
    expect(EXPECTED[name]).toBeDefined();
  });

  it('the fake answers its own refusals in the same shapes: a 403 with nosniff, a 404 with details', async () => {
    const other = await startFakeKubeApi({ ...scenarioObjects(['deployment-crashloop']), forbidden: ['events'] });
    try {
      const dispatcher = new Agent({ connect: { ca: other.caPem } });
      const get = (path: string) => fetch(`${other.url}${path}`, { headers: { authorization: `Bearer ${other.token}` }, dispatcher });
      const denied = await get('/api/v1/namespaces/default/events');
      expect(denied.headers.get('x-content-type-options')).toBe('nosniff');
      expect(denied.headers.get('content-type')).toBe('application/json');
      expect(await denied.text()).toBe(KUBE_API_REPLIES.forbiddenEvents.body);
      const missing = await get('/api/v1/namespaces/default/pods/web-7d4b9c8f6-x2kqp-gone');
      expect(await missing.json()).toEqual({
        ...JSON.parse(KUBE_API_REPLIES.notFound.body),
        message: 'pods "web-7d4b9c8f6-x2kqp-gone" not found',
        details: { name: 'web-7d4b9c8f6-x2kqp-gone', kind: 'pods' },
      });
      await dispatcher.close();
    } finally {
      await other.close();
    }
  }, 20_000);
});

describe('the kube reads × every row', () => {
  it.each(names)('%s → the evidence says what could not be read and why; the other reads arrive', async (name) => {
    const { read, kind, says } = EXPECTED[name];
    api.failNext(PATHS[read], { reply: name });
    const evidence = await gatherEvidence({ kube: reader }, web, NOW);
    expect(evidence.problems).toHaveLength(1);
    expect(evidence.problems[0]).toMatchObject({ source: read, kind });
    expect(evidence.problems[0]?.message).toMatch(says);
    if (read !== 'pod') expect(evidence.pod?.name).toBe(web.pod);
    if (read !== 'events') expect(evidence.events.length).toBeGreaterThan(0);
    if (read !== 'logs' && read !== 'pod') expect(evidence.log?.lines.length).toBeGreaterThan(0);
  });
});

describe('through the service and the real Alertmanager', () => {
  it('every row on the pod read: every alert still delivered, its document naming what could not be read', async () => {
    const hook = await startWebhookCapture();
    const TOKEN = 'reply-contract-token';
    const loaded = loadConfig({ WEBHOOK_TOKEN: TOKEN, KUBECONFIG: api.kubeconfigPath, FORWARD_WEBHOOK_URL: hook.url, LOG_LEVEL: 'silent' });
    if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
    const service = await wireService(loaded.config, pino({ level: 'silent' }));
    const address = await service.app.listen({ host: '127.0.0.1', port: 0 });
    const alertmanager = await startAlertmanager({ webhookUrl: `${address}/alerts`, token: TOKEN, groupBy: ['pod'] });
    try {
      // One pod per row, each read answered by its row.
      const pods = names.map((name, i) => ({ name, pod: `web-7d4b9c8f6-r${String(i).padStart(2, '0')}` }));
      for (const { name, pod } of pods) api.failNext(new RegExp(`^/api/v1/namespaces/default/pods/${pod}$`), { reply: name });
      const startsAt = new Date(Date.now() - 60_000).toISOString();
      await alertmanager.push(
        pods.map(({ pod }) => ({
          labels: { alertname: 'KubePodCrashLooping', namespace: 'default', pod, container: 'app', severity: 'warning' },
          annotations: { description: `Pod default/${pod} (app) is in waiting state (reason: "CrashLoopBackOff").` },
          startsAt,
        })),
      );
      const docs = await waitFor(
        'a document per alert',
        () => {
          const got = hook.accepted.map((r) => r.body as DiagnosisDocument);
          return pods.every(({ pod }) => got.some((d) => d.target.pod === pod)) ? got : undefined;
        },
        60_000,
      );
      for (const { name, pod } of pods) {
        const doc = docs.find((d) => d.target.pod === pod);
        const problem = doc?.problems.find((p) => p.source === 'pod');
        expect(problem, name).toBeDefined();
        expect(problem?.message.length, name).toBeGreaterThan(20);
        expect(doc?.cause.title, name).toBeTruthy();
      }
    } finally {
      await alertmanager.stop();
      await service.app.close();
      await service.close();
      await hook.close();
    }
  }, 120_000);
});
