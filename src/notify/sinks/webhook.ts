/**
 * Generic webhook (sink type 'webhook'): POSTs the diagnosis document as JSON, the stable interface of
 * docs/architecture.md "The diagnosis document". `Idempotency-Key` is the SHA-256 of the delivery key (sink, group, fingerprint, status,
 * startsAt), so a receiver can drop our retries; hashed because label values may hold any character.
 * That key is why a POST whose answer was lost (a timeout, a reset) is retried here, unlike the Slack
 * and Teams sinks: the receiver is told which requests repeat one another
 * (IETF draft-ietf-httpapi-idempotency-key-header), and a lost alert costs more than a repeat it can drop.
 */

import { createHash } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { isHttpUrl, nonEmpty } from '../../config/env-values.ts';
import { SinkHttpError } from '../errors.ts';
import { parseRetryAfter } from '../retry-policy.ts';
import type { Sink, SinkDeps } from '../sink.ts';
import { postJson } from './http-post.ts';
import { sinkType } from './sink-type.ts';

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

/** `type: webhook`, or `FORWARD_WEBHOOK_URL` (the sink named `webhook`). */
export const webhookSinkType = sinkType({
  type: 'webhook',
  schema: Type.Object({ type: Type.Literal('webhook'), url: Type.String({ format: 'uri' }) }, { additionalProperties: false }),
  fromEnv: {
    name: 'webhook',
    read(env, errors) {
      const url = nonEmpty(env['FORWARD_WEBHOOK_URL']);
      if (url === undefined) return undefined;
      if (isHttpUrl(url)) return { type: 'webhook' as const, url };
      errors.push('FORWARD_WEBHOOK_URL: not an http(s) URL');
      return undefined;
    },
  },
  secretFields: [],
  // Its reader is a program that wants every alert's document.
  everyDocument: true,
  create: createWebhookSink,
});
