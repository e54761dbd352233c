/**
 * Slack incoming webhook (sink type 'slack'). Slack answers 200 `ok`, or a status with a plain-text
 * error code: 400 `invalid_blocks`/`invalid_payload`, 403, 404 `no_service`, 410
 * `channel_is_archived`, 429, 5xx (docs.slack.dev/messaging/sending-messages-using-incoming-webhooks).
 */
import { Type } from '@sinclair/typebox';
import { isHttpUrl, nonEmpty } from '../../config/env-values.ts';
import type { DiagnosisDocument } from '../../diagnosis/document.ts';
import { SinkBadResponseError, SinkHttpError, SlackApiError } from '../errors.ts';
import { renderSlack, type SlackMessage } from '../render-slack.ts';
import { parseRetryAfter } from '../retry-policy.ts';
import type { SendContext, Sink, SinkDeps } from '../sink.ts';
import { postJson } from './http-post.ts';
import { sinkType } from './sink-type.ts';
import { withTextFallback } from './slack-fallback.ts';

function isHtml(contentType: string | null, body: string): boolean {
  return /^text\/html\b/i.test(contentType ?? '') || /^\s*<(?:!doctype|html|head|body)\b/i.test(body);
}

export function createSlackWebhookSink(spec: { webhookUrl: string }, deps: SinkDeps): Sink {
  const post = async (message: SlackMessage | { text: string }, ctx: SendContext): Promise<void> => {
    const answer = await postJson(deps.fetch, spec.webhookUrl, message, { signal: ctx.signal });
    if (answer.status >= 200 && answer.status < 300) {
      // Slack answers `ok`; an HTML page with 200 is a proxy's or captive portal's, and the message
      // never reached Slack: retried (Slack-compatible receivers answering otherwise are taken at their 2xx).
      if (isHtml(answer.headers.get('content-type'), answer.body))
        throw new SinkBadResponseError("200 with an HTML page instead of Slack's answer", { statusCode: answer.status });
      return;
    }
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

/** `type: slack`, or `SLACK_WEBHOOK_URL` (the sink named `slack`). The URL is the credential. */
export const slackWebhookSinkType = sinkType({
  type: 'slack',
  schema: Type.Object({ type: Type.Literal('slack'), webhookUrl: Type.String({ format: 'uri' }) }, { additionalProperties: false }),
  fromEnv: {
    name: 'slack',
    read(env, errors) {
      const webhookUrl = nonEmpty(env['SLACK_WEBHOOK_URL']);
      if (webhookUrl === undefined) return undefined;
      if (isHttpUrl(webhookUrl)) return { type: 'slack' as const, webhookUrl };
      errors.push('SLACK_WEBHOOK_URL: not an http(s) URL');
      return undefined;
    },
  },
  secretFields: ['webhookUrl'],
  everyDocument: false,
  create: createSlackWebhookSink,
});
