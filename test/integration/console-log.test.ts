/**
 * Without a sink, the service's standard output stays a JSON log stream: the diagnosis is one more
 * JSON line (message `diagnosis`), not a block of text between the log lines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crashLoopAlert, webhookPayload } from '../fixtures/alertmanager/payloads.ts';
import { waitFor } from '../support/alertmanager.ts';
import { type FakeKubeApi, startFakeKubeApi } from '../support/fake-kube-api.ts';
import { scenarioObjects } from '../support/kube-fixtures.ts';
import { startServiceProcess } from '../support/service-process.ts';

let api: FakeKubeApi;
beforeAll(async () => {
  api = await startFakeKubeApi(scenarioObjects(['deployment-crashloop']));
});
afterAll(async () => {
  await api.close();
});

describe('node src/main.ts without a sink, stdout piped', () => {
  it('logs each diagnosis as a JSON line, and every line of standard output is JSON', async () => {
    const service = await startServiceProcess({ WEBHOOK_TOKEN: 'console-token', KUBECONFIG: api.kubeconfigPath });
    try {
      const address = service.address;
      const fixture = { namespace: 'default', podName: 'web-7d4b9c8f6-x2kqp', container: 'app' };
      const alert = crashLoopAlert({ labels: { namespace: fixture.namespace, pod: fixture.podName, container: fixture.container } });
      const response = await fetch(`${address}/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer console-token' },
        body: JSON.stringify(webhookPayload([alert])),
      });
      expect(response.status).toBe(200);
      const line = await waitFor('the diagnosis log line', () =>
        service
          .stdout()
          .split('\n')
          .find((l) => l.includes('"msg":"diagnosis"')),
      );
      const entry = JSON.parse(line) as { service: string; text: string; document: { target: { pod: string } } };
      expect(entry.service).toBe('crashtriage');
      expect(entry.document.target.pod).toBe(fixture.podName);
      expect(entry.text).toContain(fixture.podName);
      const lines = service
        .stdout()
        .split('\n')
        .filter((l) => l !== '');
      for (const l of lines) expect(() => JSON.parse(l), l).not.toThrow();
    } finally {
      await service.stop();
    }
  });
});
