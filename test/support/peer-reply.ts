/**
 * One documented reply of a peer the service talks to (Slack, a webhook receiver, an SMTP server), as
 * a stand-in sends it, with the public record it is written from. The stand-ins keep their replies in
 * tables of these, and the contract tests run every sink against every row. Also the HTTP plumbing the
 * Teams, PagerDuty and generic webhook stand-ins share (startPeerServer).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PeerReply {
  status: number;
  /** Every header the peer sends that a client could read; names in lower case. */
  headers: Record<string, string>;
  body: string;
  /**
   * What the peer means, in its own documentation: the message was accepted; refused for good
   * (sending it again cannot help); or not taken now (try again, after Retry-After when given).
   */
  meaning: 'accepted' | 'refused' | 'try-again';
  /** The public page, issue or source file the row is written from. */
  source: string;
}

/** A reply row whose body depends on the request (PagerDuty echoes the dedup_key and names the errors). */
export interface StandinReply {
  status: number;
  headers: Record<string, string>;
  /** The body, or a function of the request's dedup_key / errors. */
  body: (ctx: { dedupKey?: string; errors: string[] }) => string;
  /** Where the real service is documented (or observed) to answer so. */
  source: string;
}

/** Sends one answer: the stand-in's handler calls it once per request. */
export type Answer = (status: number, headers: Record<string, string>, body: string) => void;

/** The HTTP side the Teams, PagerDuty and generic webhook stand-ins share: scripting, a down peer, lost and late answers. */
export interface PeerServer<Script> {
  /** `http://127.0.0.1:<port>` */
  base: string;
  /** Every request that reached the server, handled or not. */
  requestCount(): number;
  /** Answers the next `times` requests with this scripted answer (a reply table row) instead of handling them. */
  failNext(reply: Script, times: number): void;
  /** Ends the answers still scripted: the peer is back. */
  recover(): void;
  /** While down, nothing listens on the port: connections are refused, nothing reaches the peer. */
  setDown(down: boolean): Promise<void>;
  /** The next `times` requests are handled as usual (the peer takes the message) and their connection reset before the answer. */
  dropAnswers(times: number): void;
  /** Handles every request as usual but holds each answer this long: the peer slow to confirm what it took. 0 ends it. */
  delayAnswers(ms: number): void;
  close(): Promise<void>;
}

/**
 * Starts a loopback HTTP server that reads each request whole and hands it to `handle` with the
 * scripted row for it (from `failNext`), if any; `handle` answers through `answer`.
 */
export async function startPeerServer<Script>(
  handle: (req: IncomingMessage, raw: Buffer, answer: Answer, scripted: Script | undefined) => void,
): Promise<PeerServer<Script>> {
  const scripted: Script[] = [];
  let requests = 0;
  let drops = 0;
  let delayMs = 0;
  const server = createServer((req, res) => {
    requests++;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, Buffer.concat(chunks), answerer(res), scripted.shift()));
  });
  const answerer =
    (res: ServerResponse): Answer =>
    (status, headers, body) => {
      if (drops > 0) {
        drops--;
        res.socket?.destroy();
        return;
      }
      const write = (): void => {
        if (res.destroyed) return;
        res.writeHead(status, headers);
        res.end(body);
      };
      if (delayMs > 0) setTimeout(write, delayMs);
      else write();
    };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    requestCount: () => requests,
    failNext(reply, times) {
      for (let i = 0; i < times; i++) scripted.push(reply);
    },
    recover: () => void scripted.splice(0),
    async setDown(down) {
      if (down === !server.listening) return;
      if (down) {
        server.close();
        server.closeAllConnections();
        return;
      }
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    },
    dropAnswers(times) {
      drops = times;
    },
    delayAnswers(ms) {
      delayMs = ms;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        if (server.listening) server.close(() => resolve());
        else resolve();
      }),
  };
}

/** The rows of a reply table with this meaning, as [name, row] pairs for `it.each`. */
export function rowsMeaning<Row extends { meaning: string }>(table: Record<string, Row>, meaning: Row['meaning']): [string, Row][] {
  return Object.entries(table).filter(([, row]) => row.meaning === meaning);
}
