/**
 * A loopback HTTP endpoint for the generic webhook sink: records each request's headers and JSON body
 * and can be scripted to answer a status (e.g. 503, 400) for the next requests.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CapturedRequest {
  method: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface WebhookCapture {
  url: string;
  /** Requests answered 2xx. */
  accepted: CapturedRequest[];
  requestCount(): number;
  failNext(status: number, times: number, retryAfter?: number): void;
  /** Ends the failures still scripted: the endpoint is back. */
  recover(): void;
  close(): Promise<void>;
}

export async function startWebhookCapture(): Promise<WebhookCapture> {
  const accepted: CapturedRequest[] = [];
  const script: { status: number; retryAfter?: number }[] = [];
  let count = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      count++;
      const scripted = script.shift();
      if (scripted !== undefined) {
        if (scripted.retryAfter !== undefined) res.setHeader('retry-after', String(scripted.retryAfter));
        res.writeHead(scripted.status).end();
        return;
      }
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        res.writeHead(400).end();
        return;
      }
      accepted.push({ method: req.method ?? '', headers: req.headers, body });
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/crashtriage`,
    accepted,
    requestCount: () => count,
    failNext(status, times, retryAfter) {
      for (let i = 0; i < times; i++) script.push(retryAfter === undefined ? { status } : { status, retryAfter });
    },
    recover: () => void script.splice(0),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
