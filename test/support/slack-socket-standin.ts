/**
 * A loopback stand-in for Slack's Socket Mode: `apps.connections.open` hands out a single-use
 * WebSocket URL, the WebSocket greets with `hello`, carries envelopes and expects each acknowledged,
 * asks for a new connection (`disconnect`) or drops it, as Slack does. Every reply is a row of
 * REPLIES with its public source; the tests send every row.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

const APP_ID = 'A0STANDIN';
const OPEN_DOC = 'https://docs.slack.dev/reference/methods/apps.connections.open';
const SOCKET_DOC = 'https://docs.slack.dev/apis/events-api/using-socket-mode';

/** What Slack answers or sends, row by row, with where it is documented. */
export const REPLIES = {
  /** 200 `{ ok: true, url }` to an app-level token. */
  opened: { source: `${OPEN_DOC} (Response: "Typical success response")`, body: (url: string) => ({ ok: true, url }) },
  /** 200 `{ ok: false, error: "invalid_auth" }` to a token Slack does not know. */
  invalidAuth: { source: `${OPEN_DOC} (Errors: invalid_auth)`, body: () => ({ ok: false, error: 'invalid_auth' }) },
  /** 200 `{ ok: false, error: "not_allowed_token_type" }` to a bot or user token (xoxb-, xoxp-). */
  wrongTokenType: { source: `${OPEN_DOC} (Errors: not_allowed_token_type)`, body: () => ({ ok: false, error: 'not_allowed_token_type' }) },
  /** 200 `{ ok: false, error: "not_authed" }` without a token. */
  notAuthed: { source: `${OPEN_DOC} (Errors: not_authed)`, body: () => ({ ok: false, error: 'not_authed' }) },
  /** The first message on every connection. */
  hello: {
    source: `${SOCKET_DOC} ("hello" message)`,
    body: (connections: number) => ({
      type: 'hello',
      num_connections: connections,
      debug_info: { host: 'applink-standin-1', build_number: 7, approximate_connection_time: 18060 },
      connection_info: { app_id: APP_ID },
    }),
  },
  /** An interactive payload (a click) in its envelope; the app must answer `{ envelope_id }` within 3 s. */
  interactive: {
    source: `${SOCKET_DOC} (Receiving events: envelope_id, payload, accepts_response_payload)`,
    body: (envelopeId: string, payload: unknown) => ({ envelope_id: envelopeId, payload, type: 'interactive', accepts_response_payload: false }),
  },
  /** Slack will close this connection soon (about 10 s later) and wants a new one opened. */
  disconnectWarning: {
    source: `${SOCKET_DOC} (Disconnect events: reason "warning")`,
    body: () => ({ type: 'disconnect', reason: 'warning', debug_info: { host: 'applink-standin-1' } }),
  },
  /** The URL is being rotated: open a new connection. */
  disconnectRefresh: {
    source: `${SOCKET_DOC} (Disconnect events: reason "refresh_requested")`,
    body: () => ({ type: 'disconnect', reason: 'refresh_requested', debug_info: { host: 'applink-standin-1' } }),
  },
  /** Socket Mode was turned off for the app: the connection ends. */
  disconnectLinkDisabled: {
    source: `${SOCKET_DOC} (Disconnect events: reason "link_disabled")`,
    body: () => ({ type: 'disconnect', reason: 'link_disabled', debug_info: { host: 'applink-standin-1' } }),
  },
} as const;

export interface SocketStandin {
  apiUrl: string;
  appToken: string;
  /** apps.connections.open calls answered with a URL. */
  readonly opened: number;
  /** Connections open now. */
  readonly live: number;
  /** Envelope ids acknowledged, in order. */
  acks: string[];
  /** Every apps.connections.open answer, by its row in REPLIES. */
  answers: (keyof typeof REPLIES)[];
  /** Sends a click on the newest connection; resolves with the time the acknowledgement took (ms), rejects after 3 s. */
  sendInteractive(payload: unknown): Promise<number>;
  /** Sends a `disconnect` of that reason on the newest connection and closes it `closeAfterMs` later (Slack: about 10 s). */
  disconnect(reason: 'warning' | 'refresh_requested' | 'link_disabled', closeAfterMs?: number): void;
  /** Ends the newest connection without a word (a network failure). */
  drop(): void;
  /** Waits until `count` connections are open, after at least `minConnected` connections were made in all. */
  waitForLive(count: number, minConnected?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startSocketStandin(options: { appToken?: string } = {}): Promise<SocketStandin> {
  const appToken = options.appToken ?? 'xapp-1-A0STANDIN-1-standinsecret';
  const tickets = new Set<string>();
  const sockets: WebSocket[] = [];
  const waiting = new Map<string, (ms: number) => void>();
  const acks: string[] = [];
  const answers: (keyof typeof REPLIES)[] = [];
  let opened = 0;
  let connected = 0;

  const json = (res: ServerResponse, body: unknown): void => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/api/apps.connections.open') {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('unknown_method');
        return;
      }
      const auth = req.headers.authorization;
      const presented = auth?.replace(/^Bearer\s*/, '') ?? '';
      const refusal = presented === '' ? 'notAuthed' : !presented.startsWith('xapp-') ? 'wrongTokenType' : presented !== appToken ? 'invalidAuth' : undefined;
      if (refusal !== undefined) {
        answers.push(refusal);
        return json(res, REPLIES[refusal].body());
      }
      const ticket = randomUUID();
      tickets.add(ticket);
      opened++;
      answers.push('opened');
      return json(res, REPLIES.opened.body(`ws://127.0.0.1:${port}/link/?ticket=${ticket}&app_id=${APP_ID}`));
    });
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const ticket = new URL(req.url ?? '/', 'ws://x').searchParams.get('ticket') ?? '';
    // A URL is good for one connection: a second use of it is refused.
    if (!tickets.delete(ticket)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.push(ws);
      connected++;
      ws.on('close', () => sockets.splice(sockets.indexOf(ws), 1));
      ws.on('message', (data) => {
        const message = JSON.parse(String(data)) as { envelope_id?: string };
        if (message.envelope_id === undefined) return;
        acks.push(message.envelope_id);
        waiting.get(message.envelope_id)?.(Date.now());
      });
      ws.send(JSON.stringify(REPLIES.hello.body(sockets.length)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const newest = (): WebSocket => {
    const ws = sockets.at(-1);
    if (ws === undefined) throw new Error('no Socket Mode connection is open');
    return ws;
  };

  return {
    apiUrl: `http://127.0.0.1:${port}/api`,
    appToken,
    get opened() {
      return opened;
    },
    get live() {
      return sockets.length;
    },
    acks,
    answers,
    sendInteractive(payload) {
      const id = randomUUID();
      const sent = Date.now();
      return new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`envelope ${id} not acknowledged within 3 s`)), 3000);
        waiting.set(id, (at) => {
          clearTimeout(timer);
          resolve(at - sent);
        });
        newest().send(JSON.stringify(REPLIES.interactive.body(id, payload)));
      });
    },
    disconnect(reason, closeAfterMs = 10_000) {
      const ws = newest();
      const row =
        reason === 'warning' ? REPLIES.disconnectWarning : reason === 'refresh_requested' ? REPLIES.disconnectRefresh : REPLIES.disconnectLinkDisabled;
      ws.send(JSON.stringify(row.body()));
      setTimeout(() => ws.close(1001), closeAfterMs).unref();
    },
    drop() {
      newest().terminate();
    },
    async waitForLive(count, minConnected = 0) {
      const until = Date.now() + 5000;
      while (sockets.length !== count || connected < minConnected) {
        if (Date.now() > until) throw new Error(`expected ${count} live connections after ${minConnected} made, have ${sockets.length} after ${connected}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    close: async () => {
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
