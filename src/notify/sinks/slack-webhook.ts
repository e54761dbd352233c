/**
 * Slack incoming webhook (sink type 'slack'). Slack answers 200 `ok`, or a status with a plain-text
 * error code: 400 `invalid_blocks`/`invalid_payload`, 403, 404 `no_service`, 410
 * `channel_is_archived`, 429, 5xx (docs.slack.dev/messaging/sending-messages-using-incoming-webhooks).
 */
import type { DiagnosisDocument } from '../../diagnosis/document.ts';
import { SinkHttpError, SlackApiError } from '../errors.ts';
import { renderSlack, type SlackMessage } from '../render-slack.ts';
import { parseRetryAfter } from '../retry-policy.ts';
import type { SendContext, Sink, SinkDeps } from '../sink.ts';
import { postJson } from './http-post.ts';
import { withTextFallback } from './slack-fallback.ts';

export function createSlackWebhookSink(spec: { webhookUrl: string }, deps: SinkDeps): Sink {
  const post = async (message: SlackMessage | { text: string }, ctx: SendContext): Promise<void> => {
    const answer = await postJson(deps.fetch, spec.webhookUrl, message, { signal: ctx.signal });
    if (answer.status >= 200 && answer.status < 300) return;
    const retryAfterMs = parseRetryAfter(answer.headers.get('retry-after'), deps.clock());
    const options = { statusCode: answer.status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
    const code = answer.body.trim();
    // Only a short snake_case body is an error code; anything else (an HTML error page) is not shown.
    if (/^[a-z_]{3,64}$/.test(code)) throw new SlackApiError(code, options);
    throw new SinkHttpError(`HTTP ${answer.status}`, options);
  };
  return {
    async send(doc: DiagnosisDocument, ctx: SendContext) {
      const message = renderSlack(doc, { externalURL: ctx.externalURL, details: 'inline' });
      await withTextFallback(message, (m) => post(m, ctx), deps.logger);
    },
    async close() {},
  };
}
