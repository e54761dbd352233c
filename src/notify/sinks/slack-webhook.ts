/**
 * Slack incoming webhook (sink type 'slack'). Slack answers an accepted message with 200, body `ok` and
 * `Content-Type: text/html`, and its errors as short codes in a `text/html` body: 400 `invalid_payload`,
 * `invalid_blocks`, `no_text`, `user_not_found`; 403 `action_prohibited`, `invalid_token`; 404
 * `channel_not_found`, `no_service`; 410 `channel_is_archived`; 429 with Retry-After; 500 `rollup_error`
 * (docs.slack.dev/messaging/sending-messages-using-incoming-webhooks, "Handling errors";
 * slackapi/node-slack-sdk#480). The Content-Type therefore says nothing: every decision is the
 * status's and the body's.
 */
import { Type } from '@sinclair/typebox';
import { isHttpUrl, nonEmpty } from '../../config/env-values.ts';
import type { DiagnosisDocument } from '../../diagnosis/document.ts';
import { SinkBadResponseError, SinkHttpError, SlackApiError } from '../errors.ts';
import { renderSlack, type SlackMessage } from '../render-slack.ts';
import { parseRetryAfter } from '../retry-policy.ts';
import type { SendContext, Sink, SinkDeps } from '../sink.ts';
import { postJson, unlessMaybeSent } from './http-post.ts';
import { sinkType } from './sink-type.ts';
import { withTextFallback } from './slack-fallback.ts';

/** An HTML document (a proxy's or captive portal's page), told by how the body starts. */
function isHtmlDocument(body: string): boolean {
  return /^\s*(?:<\?xml[^>]*>\s*)?(?:<!--[\s\S]*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b/i.test(body);
}

export function createSlackWebhookSink(spec: { webhookUrl: string }, deps: SinkDeps): Sink {
  const post = async (message: SlackMessage | { text: string }, ctx: SendContext): Promise<void> => {
    const answer = await postJson(deps.fetch, spec.webhookUrl, message, { signal: ctx.signal }).catch((err: unknown) => {
      // The webhook keeps no idempotency key: a message it may have taken is not sent again.
      throw unlessMaybeSent(err, 'Slack');
    });
    if (answer.status >= 200 && answer.status < 300) {
      // Slack says `ok`; a Slack-compatible receiver (Mattermost, Rocket.Chat, a relay) may say
      // something else, and its 2xx is taken. Only an HTML document means the message never reached
      // the peer: a proxy or captive portal answered instead, so it is retried.
      if (answer.body.trim() !== 'ok' && isHtmlDocument(answer.body))
        throw new SinkBadResponseError("2xx with an HTML page instead of Slack's answer", { statusCode: answer.status });
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
