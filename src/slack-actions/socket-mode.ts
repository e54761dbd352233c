/**
 * Socket Mode (docs.slack.dev/apis/events-api/using-socket-mode): Slack's clicks over an outbound
 * WebSocket, so nothing in the cluster is exposed. `apps.connections.open` with the app-level token
 * (`xapp-…`, scope `connections:write`) gives a short-lived `wss://` URL; Slack greets with `hello`,
 * sends each click as an envelope that must be acknowledged at once (`{"envelope_id": …}`, within 3
 * seconds, or Slack shows the user an error), and rotates the URL: a `disconnect` message
 * (`refresh_requested`, `warning`, `link_disabled`) asks for a new connection, which we open before
 * closing the old one so that no click falls between them. A connection that drops is reopened with
 * back-off.
 *
 * Built on the WebSocket client Node ships (undici's, global since Node 22) instead of
 * @slack/socket-mode 2.0.7, which brings 48 packages (@slack/web-api, axios, ws, …): connected and
 * after 200 clicks it measured heap +4 MiB and RSS +12–14 MiB, this file heap +1.3 MiB and RSS
 * +5 MiB (bench/socket-mode-memory.ts), for the four messages we need of it.
 */
import type { Logger } from 'pino';

export interface SocketModeOptions {
  appToken: string;
  /** Slack's Web API base (default https://slack.com/api); tests point it at a stand-in. */
  apiUrl?: string;
  fetch?: typeof fetch;
  logger: Logger;
  /** Called with each interactive payload (a block_actions click), after its envelope was acknowledged. */
  onInteractive(payload: unknown): void;
  /** Back-off between failed connection attempts: first, then doubled up to max. */
  retry?: { firstMs: number; maxMs: number };
}

export interface SocketModeClient {
  /** Connects, and keeps a connection open until close(). Resolves once the first `hello` arrived. */
  start(): Promise<void>;
  close(): Promise<void>;
  /** Connections opened so far (a rotation or a reconnect adds one). */
  readonly connections: number;
}

interface Envelope {
  type?: unknown;
  envelope_id?: unknown;
  payload?: unknown;
  reason?: unknown;
}

export function createSocketModeClient(options: SocketModeOptions): SocketModeClient {
  const fetchFn = options.fetch ?? fetch;
  const base = (options.apiUrl ?? 'https://slack.com/api').replace(/\/+$/, '');
  const retry = options.retry ?? { firstMs: 1000, maxMs: 30_000 };
  const log = options.logger;
  let closed = false;
  let current: WebSocket | undefined;
  let connections = 0;
  let firstHello: () => void = () => {};
  const started = new Promise<void>((resolve) => {
    firstHello = resolve;
  });
  let timer: NodeJS.Timeout | undefined;

  const openUrl = async (): Promise<string> => {
    const answer = await fetchFn(`${base}/apps.connections.open`, {
      method: 'POST',
      headers: { authorization: `Bearer ${options.appToken}`, 'content-type': 'application/x-www-form-urlencoded' },
      signal: AbortSignal.timeout(10_000),
    });
    const text = await answer.text();
    if (answer.status !== 200) throw new Error(`apps.connections.open: HTTP ${answer.status}`);
    const body = JSON.parse(text) as { ok?: unknown; url?: unknown; error?: unknown };
    if (body.ok !== true || typeof body.url !== 'string') throw new Error(`apps.connections.open: ${typeof body.error === 'string' ? body.error : 'no url'}`);
    return body.url;
  };

  const connect = async (): Promise<WebSocket> => {
    const url = await openUrl();
    return await new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(url);
      connections++;
      let greeted = false;
      ws.addEventListener('message', (event) => {
        let message: Envelope;
        try {
          message = JSON.parse(String(event.data)) as Envelope;
        } catch {
          log.warn('socket mode: a message that is not JSON, ignored');
          return;
        }
        if (typeof message.envelope_id === 'string') {
          // Acknowledge first: Slack needs it within 3 seconds, whatever the work takes.
          ws.send(JSON.stringify({ envelope_id: message.envelope_id }));
          if (message.type === 'interactive') options.onInteractive(message.payload);
          return;
        }
        if (message.type === 'hello') {
          greeted = true;
          resolve(ws);
          return;
        }
        if (message.type === 'disconnect') {
          log.info({ reason: message.reason }, 'socket mode: Slack asks for a new connection');
          if (ws === current) void rotate(ws);
        }
      });
      ws.addEventListener('close', (event) => {
        if (!greeted) reject(new Error(`socket mode: connection closed before hello (code ${event.code})`));
        else if (ws === current && !closed) {
          log.warn({ code: event.code }, 'socket mode: connection dropped, reconnecting');
          current = undefined;
          schedule(retry.firstMs);
        }
      });
      ws.addEventListener('error', () => {
        if (!greeted) reject(new Error('socket mode: connection failed'));
      });
    });
  };

  /** Keeps trying until connected (or closed), doubling the wait each time. */
  const establish = async (waitMs: number): Promise<void> => {
    if (closed) return;
    try {
      const ws = await connect();
      if (closed) {
        ws.close(1000);
        return;
      }
      current = ws;
      firstHello();
    } catch (err) {
      log.warn({ err: err instanceof Error ? err.message : String(err), retryInMs: waitMs }, 'socket mode: cannot connect to Slack');
      schedule(Math.min(waitMs * 2, retry.maxMs), waitMs);
    }
  };

  const schedule = (nextWaitMs: number, delayMs = 0): void => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(() => void establish(nextWaitMs), delayMs);
    timer.unref();
  };

  /** The new connection first, then the old one closed: clicks keep arriving on one or the other. */
  const rotate = async (old: WebSocket): Promise<void> => {
    try {
      const ws = await connect();
      if (closed) ws.close(1000);
      else current = ws;
    } catch (err) {
      log.warn({ err: err instanceof Error ? err.message : String(err) }, 'socket mode: new connection failed, retrying');
      current = undefined;
      schedule(retry.firstMs, retry.firstMs);
    }
    old.close(1000);
  };

  return {
    async start() {
      void establish(retry.firstMs);
      await started;
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      current?.close(1000);
      current = undefined;
    },
    get connections() {
      return connections;
    },
  };
}
