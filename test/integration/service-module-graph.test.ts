/**
 * The service as `npm start` runs it never loads @kubernetes/client-node (about 80 MiB of RSS): its
 * Kubernetes calls go through src/kube/rest.ts. Checked on the real process, through a whole alert
 * (pod, log, events, workload reads and the shared state's Leases), with a resolve hook recording every
 * module it loads. Only an exec plugin, auth-provider or proxy-url kubeconfig imports client-node
 * (test/integration/kube/credentials.test.ts).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { crashLoopAlert, webhookPayload } from '../fixtures/alertmanager/payloads.ts';
import { waitFor } from '../support/alertmanager.ts';
import { type FakeKubeApi, startFakeKubeApi } from '../support/fake-kube-api.ts';
import { scenarioObjects } from '../support/kube-fixtures.ts';

const root = join(import.meta.dirname, '../..');

let api: FakeKubeApi;
beforeAll(async () => {
  api = await startFakeKubeApi(scenarioObjects(['deployment-crashloop']));
});
afterAll(async () => {
  await api.close();
});

it('node src/main.ts handles an alert without loading @kubernetes/client-node', async () => {
  const record = join(mkdtempSync(join(tmpdir(), 'crashtriage-modules-')), 'modules.txt');
  const child = spawn(join(root, 'node_modules/.bin/node'), ['--import', './test/support/record-modules.ts', 'src/main.ts'], {
    cwd: root,
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: '/nonexistent',
      HOST: '127.0.0.1',
      PORT: '0',
      ALLOW_UNAUTHENTICATED: 'true',
      KUBECONFIG: api.kubeconfigPath,
      STATE_STORE: 'kubernetes',
      STATE_NAMESPACE: 'crashtriage',
      RECORD_MODULES_TO: record,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const address = await waitFor('the listening log line', () => /"address":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(out)?.[1], 20_000);
    const alert = crashLoopAlert({ labels: { namespace: 'default', pod: 'web-7d4b9c8f6-x2kqp', container: 'app' } });
    const response = await fetch(`${address}/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(webhookPayload([alert])),
    });
    expect(response.status).toBe(200);
  } finally {
    child.kill('SIGTERM');
  }
  expect(await exited).toBe(0);
  // The alert was read from the API and the shared state written to it.
  const resources = new Set(api.requests.map((r) => r.resource));
  for (const resource of ['pods', 'pods/log', 'events', 'leases']) expect(resources).toContain(resource);
  const modules = readFileSync(record, 'utf8').split('\n');
  expect(modules.some((url) => url.endsWith('/src/kube/rest.ts'))).toBe(true);
  expect(modules.filter((url) => url.includes('/node_modules/@kubernetes/client-node/'))).toEqual([]);
}, 40_000);
