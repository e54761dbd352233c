/**
 * A loopback HTTP endpoint for the generic webhook sink: records each request's headers and JSON body
 * and can be scripted to answer a status (e.g. 503, 400) for the next requests, to lose or delay its
 * answers, or to be down (peer-reply.ts).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { type PeerServer, startPeerServer } from './peer-reply.ts';

export interface CapturedRequest {
  method: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface ScriptedStatus {
  status: number;
  /** Seconds, sent as Retry-After. */
  retryAfter?: number;
}

export interface WebhookCapture extends Omit<PeerServer<ScriptedStatus>, 'base' | 'failNext'> {
  url: string;
  /** Requests taken (answered 202, or handled and their answer lost). */
  accepted: CapturedRequest[];
  failNext(status: number, times: number, retryAfter?: number): void;
}

export async function startWebhookCapture(): Promise<WebhookCapture> {
  const accepted: CapturedRequest[] = [];
  const { base, failNext, ...server } = await startPeerServer<ScriptedStatus>((req, raw, answer, scripted) => {
    if (scripted !== undefined) return answer(scripted.status, scripted.retryAfter === undefined ? {} : { 'retry-after': String(scripted.retryAfter) }, '');
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return answer(400, {}, '');
    }
    accepted.push({ method: req.method ?? '', headers: req.headers, body });
    return answer(202, {}, '');
  });
  return {
    ...server,
    url: `${base}/hooks/crashtriage`,
    accepted,
    failNext: (status, times, retryAfter) => failNext(retryAfter === undefined ? { status } : { status, retryAfter }, times),
  };
}
