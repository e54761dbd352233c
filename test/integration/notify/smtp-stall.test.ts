/**
 * SMTP servers that stall, as overloaded or half-broken relays do: one that accepts and never greets,
 * one that greets and then goes silent, one that stops answering after DATA, and a tarpit that answers
 * EHLO one continuation line at a time, never finishing (no silence for a socket timeout to see). Every attempt ends at
 * its timeout and no connection is left open (the sockets are counted on the server side). Before the
 * whole message went out the delivery is retried later (Alertmanager resends); a server silent after
 * the end of the message may have taken it, so that one is not sent again (RFC 5321 §4.5.3.2.6).
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { oomDocument } from '../../fixtures/notify/documents.ts';
import { waitFor } from '../../support/alertmanager.ts';
import { batch, harness } from './harness.ts';

type Stall = 'before-greeting' | 'after-greeting' | 'after-data' | 'tarpit';

interface StallingServer {
  port: number;
  /** Connections accepted so far. */
  accepted: () => number;
  /** Connections still open on the server side. */
  open: () => number;
  close: () => Promise<void>;
}

/**
 * Speaks just enough SMTP (RFC 5321) to reach the stall point, then reads and never answers. It keeps
 * reading (as a stalled server's kernel does), so that our closing shows up as its socket closing.
 */
async function startStallingServer(stall: Stall): Promise<StallingServer> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server: Server = createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    if (stall !== 'after-data') socket.resume();
    if (stall === 'before-greeting') return;
    socket.write('220 stall.example ESMTP\r\n');
    if (stall === 'after-greeting') return;
    if (stall === 'tarpit') {
      const drip = setInterval(() => socket.write('250-still thinking\r\n'), 50);
      socket.on('close', () => clearInterval(drip));
      socket.resume();
      return;
    }
    let inData = false;
    let buffer = '';
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      for (let end = buffer.indexOf('\r\n'); end >= 0; end = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (inData) continue; // the message, and its final "." that is never answered
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') socket.write('250-stall.example\r\n250 8BITMIME\r\n');
        else if (verb === 'MAIL' || verb === 'RCPT') socket.write('250 OK\r\n');
        else if (verb === 'DATA') {
          inData = true;
          socket.write('354 go ahead\r\n');
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    accepted: () => accepted,
    open: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

let server: StallingServer | undefined;
afterEach(async () => {
  await server?.close();
});

const ATTEMPT_MS = 300;

describe('a stalled SMTP server', () => {
  it.each<Stall>(['before-greeting', 'after-greeting', 'tarpit'])('%s: every attempt times out, retry-later, and no socket stays open', async (stall) => {
    server = await startStallingServer(stall);
    const h = harness({
      sinks: { email: { type: 'email', smtpUrl: `smtp://127.0.0.1:${server.port}`, from: 'alerts@example.com', to: ['oncall@example.com'] } },
      sinkTimeoutMs: ATTEMPT_MS,
      budgetMs: 3 * ATTEMPT_MS,
    });
    const outcome = await h.notifier.deliver(batch([oomDocument()]));
    expect(outcome.kind).toBe('retry-later');
    expect(JSON.stringify(outcome)).toMatch(/timeout|timed out|ETIMEDOUT/i);
    expect(server.accepted()).toBeGreaterThanOrEqual(1);
    // Closed by us when the attempt ended, not left to the server or a later socket timeout.
    const s = server;
    await waitFor(`the ${s.open()} open SMTP connection(s) to close`, () => (s.open() === 0 ? true : undefined), 200);
  });

  it('after-data: the whole message went out, then no reply → one attempt, maybe sent, not retried, no socket left open', async () => {
    server = await startStallingServer('after-data');
    const h = harness({
      sinks: { email: { type: 'email', smtpUrl: `smtp://127.0.0.1:${server.port}`, from: 'alerts@example.com', to: ['oncall@example.com'] } },
      sinkTimeoutMs: ATTEMPT_MS,
      budgetMs: 3 * ATTEMPT_MS,
    });
    expect(await h.notifier.deliver(batch([oomDocument()]))).toEqual({ kind: 'delivered', permanentFailures: [] });
    expect(server.accepted()).toBe(1);
    expect(await h.delivered('email', 'maybe_sent')).toBe(1);
    expect(h.logs.find((l) => l.includes('may have been posted'))).toContain('no SMTP reply within the attempt timeout, after the whole message was sent');
    const s = server;
    await waitFor(`the ${s.open()} open SMTP connection(s) to close`, () => (s.open() === 0 ? true : undefined), 200);
  });
});
