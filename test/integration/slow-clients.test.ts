/**
 * Slow and refused clients against the real process (node src/main.ts) with short configured
 * timeouts: a client refused before its body was read (401, 413, 415) is disconnected right after its
 * answer however it goes on trickling; slow headers and slow bodies are cut at the configured
 * timeouts; and hundreds of such clients leave no descriptor behind in the process (/proc/PID/fd).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/alertmanager.ts';
import { type FakeKubeApi, startFakeKubeApi } from '../support/fake-kube-api.ts';

const root = join(import.meta.dirname, '../..');
const TOKEN = 'slow-client-token-6a1f';
const HEADERS_TIMEOUT_MS = 1000;
const REQUEST_TIMEOUT_MS = 2000;
/** A refused client is disconnected as soon as its answer is out; this is the time allowed for that on a loaded machine. */
const REFUSED_CLOSE_MS = 1000;
/** Node enforces the header and request timeouts on a checking interval (a quarter of the headers timeout here). */
const CHECK_MS = 250;

let api: FakeKubeApi;
let child: ChildProcess;
let port: number;
let stdout = '';

beforeAll(async () => {
  api = await startFakeKubeApi();
  child = spawn(join(root, 'node_modules/.bin/node'), ['src/main.ts'], {
    cwd: root,
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: '/nonexistent',
      WEBHOOK_TOKEN: TOKEN,
      KUBECONFIG: api.kubeconfigPath,
      PORT: '0',
      HOST: '127.0.0.1',
      BODY_LIMIT_BYTES: '65536',
      HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  port = Number(await waitFor('the listening log line', () => /"address":"http:\/\/127\.0\.0\.1:(\d+)"/.exec(stdout)?.[1], 20_000));
}, 30_000);

afterAll(async () => {
  if (child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  await api.close();
});

interface SlowClient {
  socket: Socket;
  /** Everything the server sent. */
  received: () => string;
  /** Resolves with the milliseconds from `since` until the server closed or reset the connection. */
  closed: Promise<number>;
  stop: () => void;
}

/** Sends `head` at once, then one byte of `trickle` every 100 ms until the server hangs up (or `stop`); it does not close when the server does (half-open), as a hostile client would not. */
function slowClient(head: string, trickle = 'x'): SlowClient {
  const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  let received = '';
  const started = Date.now();
  socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
  socket.on('error', () => {});
  socket.write(head);
  const timer = setInterval(() => {
    if (!socket.destroyed && socket.writable) socket.write(trickle);
  }, 100);
  const closed = new Promise<number>((resolve) =>
    socket.once('close', () => {
      clearInterval(timer);
      resolve(Date.now() - started);
    }),
  );
  return {
    socket,
    received: () => received,
    closed,
    stop: () => {
      clearInterval(timer);
      socket.destroy();
    },
  };
}

const post = (headers: Record<string, string>): string =>
  `POST /alerts HTTP/1.1\r\nHost: 127.0.0.1\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;

/** Fails with a clear message if the server keeps the connection longer than `withinMs`. */
async function closedWithin(client: SlowClient, withinMs: number): Promise<number> {
  const limit = new Promise<number>((resolve) => setTimeout(() => resolve(Number.POSITIVE_INFINITY), withinMs + 2000));
  const ms = await Promise.race([client.closed, limit]);
  client.stop();
  expect(ms, 'milliseconds until the server closed the connection').toBeLessThanOrEqual(withinMs);
  return ms;
}

const openDescriptors = (): number => readdirSync(`/proc/${child.pid}/fd`).length;

describe('slow and refused clients', () => {
  it('401: answered, then disconnected although the client goes on trickling its body', async () => {
    const client = slowClient(post({ 'content-type': 'application/json', 'content-length': '1000000', authorization: 'Bearer wrong' }));
    await closedWithin(client, REFUSED_CLOSE_MS);
    expect(client.received()).toMatch(/^HTTP\/1\.1 401 /);
    expect(client.received().toLowerCase()).toContain('connection: close');
  });

  it('413: a declared body over the limit is answered and disconnected', async () => {
    const client = slowClient(post({ 'content-type': 'application/json', 'content-length': '10000000', authorization: `Bearer ${TOKEN}` }));
    await closedWithin(client, REFUSED_CLOSE_MS);
    expect(client.received()).toMatch(/^HTTP\/1\.1 413 /);
  });

  it('415: a body that is not JSON is answered and disconnected', async () => {
    const client = slowClient(post({ 'content-type': 'text/html', 'content-length': '100000', authorization: `Bearer ${TOKEN}` }));
    await closedWithin(client, REFUSED_CLOSE_MS);
    expect(client.received()).toMatch(/^HTTP\/1\.1 415 /);
  });

  it('slow headers are cut at the headers timeout', async () => {
    const client = slowClient('POST /alerts HTTP/1.1\r\nHost: 127.0.0.1\r\n', 'X-Slow: y\r\n');
    const ms = await closedWithin(client, HEADERS_TIMEOUT_MS + CHECK_MS + 1000);
    expect(ms).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 50);
  });

  it('an authenticated slow body is cut at the request timeout', async () => {
    const client = slowClient(post({ 'content-type': 'application/json', 'content-length': '50000', authorization: `Bearer ${TOKEN}` }));
    const ms = await closedWithin(client, REQUEST_TIMEOUT_MS + CHECK_MS + 1000);
    expect(ms).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
    expect(client.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('200 refused clients at once leave no descriptor behind', async () => {
    const before = openDescriptors();
    const clients = Array.from({ length: 200 }, () =>
      slowClient(post({ 'content-type': 'application/json', 'content-length': '1000000', authorization: 'Bearer wrong' })),
    );
    await Promise.all(clients.map((c) => closedWithin(c, REFUSED_CLOSE_MS + 2000)));
    expect(clients.every((c) => c.received().startsWith('HTTP/1.1 401 '))).toBe(true);
    await waitFor('the descriptors to be released', () => (openDescriptors() <= before + 2 ? true : undefined), 5000);
  }, 30_000);
});
