/**
 * Label values become API paths: a `namespace` or `pod` label of `.` or `..` would read the namespace
 * object, `/api/v1` or every namespace's events. Through the service as wired for production, such an
 * alert is still delivered, saying which label is not a name, and the fake API server's request log
 * shows that nothing was asked for it; a valid alert in the same group is read as usual.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import type { DiagnosisDocument } from '../../src/diagnosis/document.ts';
import { type Service, wireService } from '../../src/wire.ts';
import { crashLoopAlert, webhookPayload } from '../fixtures/alertmanager/payloads.ts';
import { waitFor } from '../support/alertmanager.ts';
import { type FakeKubeApi, startFakeKubeApi } from '../support/fake-kube-api.ts';
import { scenarioObjects } from '../support/kube-fixtures.ts';
import { type SlackStandin, startSlackStandin } from '../support/slack-standin.ts';
import { startWebhookCapture, type WebhookCapture } from '../support/webhook-capture.ts';

const TOKEN = 'label-test-token-81c2';
let api: FakeKubeApi;
let slack: SlackStandin;
let hook: WebhookCapture;
let service: Service;
let address: string;

beforeAll(async () => {
  api = await startFakeKubeApi(scenarioObjects(['deployment-crashloop']));
  [slack, hook] = await Promise.all([startSlackStandin(), startWebhookCapture()]);
  const loaded = loadConfig({ WEBHOOK_TOKEN: TOKEN, KUBECONFIG: api.kubeconfigPath, SLACK_WEBHOOK_URL: slack.webhookUrl, FORWARD_WEBHOOK_URL: hook.url });
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  service = await wireService(loaded.config, pino({ level: 'silent' }));
  address = await service.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await service?.app.close();
  await service?.close();
  await Promise.all([api?.close(), slack?.close(), hook?.close()]);
});

const post = (body: unknown): Promise<Response> =>
  fetch(`${address}/alerts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('labels that are not Kubernetes names', () => {
  it('make no API call, and the delivered message names the label', async () => {
    const hostile = [
      crashLoopAlert({ fingerprint: 'dotdot-pod', labels: { namespace: 'default', pod: '..', container: 'app' } }),
      crashLoopAlert({ fingerprint: 'dot-namespace', labels: { namespace: '.', pod: 'web-7d4b9c8f6-x2kqp', container: 'app' } }),
      crashLoopAlert({ fingerprint: 'slash-container', labels: { namespace: 'default', pod: 'web-7d4b9c8f6-x2kqp', container: '../../app' } }),
    ];
    api.requests.length = 0;
    expect((await post(webhookPayload(hostile))).status).toBe(200);
    await waitFor('three documents', () => (hook.accepted.length >= 3 ? true : undefined));
    expect(api.requests).toEqual([]);

    const docs = hook.accepted.map((r) => r.body as DiagnosisDocument);
    const problems = (fingerprint: string) => docs.find((d) => d.alert.fingerprint === fingerprint)?.problems ?? [];
    expect(problems('dotdot-pod')).toEqual([
      expect.objectContaining({ source: 'target', kind: 'invalid-label', message: expect.stringMatching(/^label pod is not a valid pod name/) }),
    ]);
    expect(problems('dot-namespace')[0]?.message).toMatch(/^label namespace is not a valid namespace name/);
    expect(problems('slash-container')[0]?.message).toMatch(/^label container is not a valid container name/);
    expect(JSON.stringify(slack.messages)).toContain('label pod is not a valid pod name');
  });

  it('leave a valid alert of the same group to be read as usual', async () => {
    api.requests.length = 0;
    const valid = crashLoopAlert({ fingerprint: 'valid', labels: { namespace: 'default', pod: 'web-7d4b9c8f6-x2kqp', container: 'app' } });
    const hostile = crashLoopAlert({ fingerprint: 'dotdot-again', labels: { namespace: '..', pod: '..', container: 'app' } });
    expect((await post(webhookPayload([hostile, valid]))).status).toBe(200);
    await waitFor('the valid document', () => hook.accepted.find((r) => (r.body as DiagnosisDocument).alert.fingerprint === 'valid'));
    expect(api.requests.length).toBeGreaterThan(0);
    expect(api.requests.every((r) => r.path.includes('/namespaces/default/') && !r.path.includes('..'))).toBe(true);
  });
});
