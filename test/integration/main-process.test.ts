/**
 * The service as `npm start` runs it (node src/main.ts): configuration errors at start, secrets kept
 * out of the log, and SIGTERM draining a request in flight before exiting 0.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crashLoopAlert, webhookPayload } from '../fixtures/alertmanager/payloads.ts';
import { waitFor } from '../support/alertmanager.ts';
import { type FakeKubeApi, startFakeKubeApi } from '../support/fake-kube-api.ts';
import { scenarioObjects } from '../support/kube-fixtures.ts';

const root = join(import.meta.dirname, '../..');
const node = join(root, 'node_modules/.bin/node');

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function start(env: Record<string, string>): Run {
  const child = spawn(node, ['src/main.ts'], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', HOME: '/nonexistent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

let api: FakeKubeApi;
beforeAll(async () => {
  api = await startFakeKubeApi({ ...scenarioObjects(['deployment-crashloop']), latencyMs: 1500 });
});
afterAll(async () => {
  await api.close();
});

describe('node src/main.ts', () => {
  it('exits 2 naming every invalid setting, without starting', async () => {
    const run = start({ PORT: 'http', SLACK_WEBHOOK_URL: 'nope', KUBECONFIG: api.kubeconfigPath });
    expect(await run.exited).toBe(2);
    expect(run.stderr()).toContain('invalid configuration');
    for (const name of ['PORT', 'SLACK_WEBHOOK_URL', 'WEBHOOK_TOKEN']) expect(run.stderr()).toContain(name);
  });

  it('exits 2 saying how to give it credentials when there is no kubeconfig', async () => {
    const run = start({ WEBHOOK_TOKEN: 't' });
    expect(await run.exited).toBe(2);
    expect(run.stderr()).toMatch(/no usable Kubernetes credentials: no kubeconfig found/);
  });

  it('on SIGTERM finishes the request in flight, refuses new ones, exits 0, and never logs the token', async () => {
    const token = 'sekret-token-9f8e7d';
    const run = start({
      WEBHOOK_TOKEN: token,
      KUBECONFIG: api.kubeconfigPath,
      PORT: '0',
      HOST: '127.0.0.1',
      SLACK_WEBHOOK_URL: 'http://127.0.0.1:9/hooks/T000/B000/secretpart',
    });
    const address = await waitFor('the listening log line', () => /"address":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(run.stdout())?.[1], 20_000);
    // Slack is unreachable here; the request still takes the API's 1.5 s latency, then its retry budget.
    const alert = crashLoopAlert({ labels: { namespace: 'default', pod: 'web-7d4b9c8f6-x2kqp', container: 'app' } });
    const inFlight = fetch(`${address}/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(webhookPayload([alert])),
    });
    await waitFor('the request to reach the API', () => (api.requests.length > 0 ? true : undefined));
    run.child.kill('SIGTERM');
    const response = await inFlight;
    expect([200, 503]).toContain(response.status);
    const code = await run.exited;
    if (code !== 0) console.log(run.stdout(), run.stderr());
    expect(code).toBe(0);
    await expect(fetch(`${address}/healthz`)).rejects.toThrow();
    const log = run.stdout() + run.stderr();
    expect(log).toContain('stopping: finishing requests in flight');
    expect(log).not.toContain(token);
    expect(log).not.toContain('secretpart');
  }, 40_000);
});
