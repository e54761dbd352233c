// The sinks' POST: the global fetch is served by undici's request (src/notify/sinks/http-post.ts says
// why); a fetch handed in is used as is. Both must give a sink the same answer and the same errors,
// and a peer the same request, against a real HTTP server.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SinkConnectionError, SinkOutcomeUnknownError, SinkTimeoutError } from '../../../src/notify/errors.ts';
import { BODY_LIMIT_BYTES, mayHaveArrived, postBody, postJson, unlessMaybeSent } from '../../../src/notify/sinks/http-post.ts';
import { startStalledTlsHost } from '../../support/stalled-tls-host.ts';

let server: Server;
let base = '';
const seen: { headers: IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
      if (req.url === '/slow') return void setTimeout(() => res.end('late'), 2000);
      if (req.url === '/huge') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(BODY_LIMIT_BYTES + 10));
      if (req.url === '/moved') return void res.writeHead(302, { location: '/elsewhere' }).end();
      res.writeHead(429, { 'retry-after': '7', 'content-type': 'application/json' }).end('{"ok":false,"error":"ratelimited"}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** A fetch that is not the global one: http-post uses it as is. */
const handedIn: typeof fetch = (input, init) => fetch(input, init);
const signal = () => AbortSignal.timeout(1000);

describe.each([
  ['the global fetch (undici request)', globalThis.fetch],
  ['a fetch handed in', handedIn],
])('postJson with %s', (_name, fetchFn) => {
  it('sends the JSON with the caller’s headers and returns status, headers and body', async () => {
    seen.length = 0;
    const answer = await postJson(fetchFn, `${base}/hook`, { a: 1 }, { headers: { 'idempotency-key': 'k1' }, signal: signal() });
    expect(answer).toMatchObject({ status: 429, body: '{"ok":false,"error":"ratelimited"}', complete: true });
    expect(answer.headers.get('Retry-After')).toBe('7');
    expect(answer.headers.get('x-absent')).toBeNull();
    const { headers, body } = seen[0] ?? { headers: {}, body: '' };
    expect(body).toBe('{"a":1}');
    expect(headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'idempotency-key': 'k1',
      'content-length': '7',
      'user-agent': 'node',
      accept: '*/*',
    });
  });

  it('keeps a body past the limit to its start, and returns a redirect as the answer', async () => {
    const huge = await postJson(fetchFn, `${base}/huge`, {}, { signal: signal() });
    expect(huge.complete).toBe(false);
    expect(huge.body).toHaveLength(BODY_LIMIT_BYTES);
    expect((await postBody(fetchFn, `${base}/moved`, new URLSearchParams({ a: 'b' }), { signal: signal() })).status).toBe(302);
  });

  it('names a refused connection, a malformed URL and a timeout as the SinkError tree does', async () => {
    // A port nothing listens on (not one of fetch's blocked ports, such as 1, which fetch refuses itself).
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const refused = await postJson(fetchFn, `http://127.0.0.1:${port}/x`, {}, { signal: signal() }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SinkConnectionError);
    expect((refused as Error).message).toBe('connection error (ECONNREFUSED)');
    const malformed = await postJson(fetchFn, 'not a url', {}, { signal: signal() }).catch((e: unknown) => e);
    expect((malformed as Error).message).toBe('connection error (ERR_INVALID_URL)');
    const late = await postJson(fetchFn, `${base}/slow`, {}, { signal: AbortSignal.timeout(100) }).catch((e: unknown) => e);
    expect(late).toBeInstanceOf(SinkTimeoutError);
  });
});

describe('whether a failed POST may have reached the peer', () => {
  it('the attempt timing out before the request could be written: nothing sent, so retried and not counted as maybe posted', async () => {
    const tcp = await startStalledTlsHost();
    try {
      const before = Date.now();
      const err = await postJson(globalThis.fetch, `${tcp.base}/x`, {}, { signal: AbortSignal.timeout(150) }).catch((e: unknown) => e);
      // The attempt's timeout holds while the connection is pending (this file loads node:http, as the
      // service does): not undici's 10 s connect timeout. The bound is loose; only that gap matters.
      expect(Date.now() - before).toBeLessThan(5000);
      expect(err).toBeInstanceOf(SinkConnectionError);
      expect((err as SinkConnectionError).nothingSent).toBe(true);
      expect((err as Error).message).toBe('no connection within the attempt timeout');
      expect(mayHaveArrived(err)).toBe(false);
      expect(unlessMaybeSent(err, 'Teams')).toBe(err);
    } finally {
      await tcp.close();
    }
  });

  it('a signal already spent: nothing sent', async () => {
    const err = await postJson(globalThis.fetch, `${base}/hook`, {}, { signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect(mayHaveArrived(err)).toBe(false);
  });

  it('the attempt timing out after the request was written: the peer may have it', async () => {
    const err = await postJson(globalThis.fetch, `${base}/slow`, {}, { signal: AbortSignal.timeout(100) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SinkTimeoutError);
    expect(mayHaveArrived(err)).toBe(true);
    expect(unlessMaybeSent(err, 'Teams')).toBeInstanceOf(SinkOutcomeUnknownError);
  });

  it('a fetch handed in cannot tell when its request started: a timeout may have reached the peer', async () => {
    const tcp = await startStalledTlsHost();
    try {
      const err = await postJson(handedIn, `${tcp.base}/x`, {}, { signal: AbortSignal.timeout(150) }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SinkTimeoutError);
      expect(mayHaveArrived(err)).toBe(true);
    } finally {
      await tcp.close();
    }
  });

  it('refused: nothing sent, by either path', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    for (const fetchFn of [globalThis.fetch, handedIn]) {
      const err = await postJson(fetchFn, `http://127.0.0.1:${port}/x`, {}, { signal: signal() }).catch((e: unknown) => e);
      expect(mayHaveArrived(err)).toBe(false);
    }
  });
});
