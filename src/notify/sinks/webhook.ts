/**
 * Generic webhook (sink type 'webhook'): POSTs the diagnosis document as JSON, the stable interface of
 * docs/architecture.md "The diagnosis document". `Idempotency-Key` is the SHA-256 of the delivery key (sink, group, fingerprint, status,
 * startsAt), so a receiver can drop our retries; hashed because label values may hold any character.
 */
import { createHash } from 'node:crypto';
import { SinkHttpError } from '../errors.ts';
import { parseRetryAfter } from '../retry-policy.ts';
import type { Sink, SinkDeps } from '../sink.ts';
import { postJson } from './http-post.ts';

export function createWebhookSink(spec: { url: string }, deps: SinkDeps): Sink {
  return {
    async send(doc, ctx) {
      const answer = await postJson(deps.fetch, spec.url, doc, {
        headers: { 'idempotency-key': createHash('sha256').update(ctx.idempotencyKey).digest('hex') },
        signal: ctx.signal,
      });
      if (answer.status >= 200 && answer.status < 300) return;
      const retryAfterMs = parseRetryAfter(answer.headers.get('retry-after'), deps.clock());
      throw new SinkHttpError(`HTTP ${answer.status}`, { statusCode: answer.status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
    },
    async close() {},
  };
}
