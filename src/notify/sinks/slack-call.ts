/**
 * One Slack Web API call with the bot token, its answer read as the Slack sink needs it: Slack answers
 * HTTP 200 with `{ ok: false, error }` for API errors and 429 with Retry-After when rate limited
 * (docs.slack.dev/apis/web-api/#responses); anything else is a `SinkError` that retry-policy.ts
 * classifies. A method whose repeat shows something twice is never repeated after a lost answer.
 */
import { SinkBadResponseError, SinkHttpError, SlackApiError } from '../errors.ts';
import { parseRetryAfter } from '../retry-policy.ts';
import type { SendContext, SinkDeps } from '../sink.ts';
import { postBody, postJson, unlessMaybeSent } from './http-post.ts';

export const SLACK_API_DEFAULT_URL = 'https://slack.com/api';

/**
 * Methods whose repeat shows something twice: a second post, or the chart shared into the thread
 * again. files.getUploadURLExternal and the upload itself show nothing until the upload is completed.
 */
const SHOWN_EACH_TIME = new Set(['chat.postMessage', 'files.completeUploadExternal']);

/** Accepts `https://slack.com/api` or just `https://slack.com`. */
export function slackMethodUrl(apiUrl: string | undefined, method: string): string {
  const base = (apiUrl ?? SLACK_API_DEFAULT_URL).replace(/\/+$/, '');
  return `${base.endsWith('/api') ? base : `${base}/api`}/${method}`;
}

export type SlackCall = (method: string, body: Record<string, unknown> | URLSearchParams, ctx: SendContext) => Promise<Record<string, unknown>>;

export function slackCaller(spec: { botToken: string; apiUrl?: string }, deps: Pick<SinkDeps, 'fetch' | 'clock'>): SlackCall {
  return async (method, body, ctx) => {
    const options = { headers: { authorization: `Bearer ${spec.botToken}` }, signal: ctx.signal };
    const url = slackMethodUrl(spec.apiUrl, method);
    const answer = await (body instanceof URLSearchParams ? postBody(deps.fetch, url, body, options) : postJson(deps.fetch, url, body, options)).catch(
      (err: unknown) => {
        throw SHOWN_EACH_TIME.has(method) ? unlessMaybeSent(err, `Slack (${method})`) : err;
      },
    );
    const retryAfterMs = parseRetryAfter(answer.headers.get('retry-after'), deps.clock());
    const failure = { statusCode: answer.status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
    if (answer.status === 429) throw new SlackApiError('ratelimited', failure);
    if (answer.status !== 200) throw new SinkHttpError(`HTTP ${answer.status} from ${method}`, failure);
    // A 200 that is not Slack's JSON (a proxy's or captive portal's HTML page) says nothing about the
    // message: a bad response, retried, and answered 5xx to Alertmanager if it persists.
    if (!answer.complete) throw new SinkBadResponseError(`${method}: answer larger than the read limit`, { statusCode: answer.status });
    let json: unknown;
    try {
      json = JSON.parse(answer.body);
    } catch (err) {
      throw new SinkBadResponseError(`${method}: answer is not JSON`, { statusCode: answer.status, cause: err });
    }
    if (typeof json !== 'object' || json === null) throw new SinkBadResponseError(`${method}: answer is not an object`, { statusCode: answer.status });
    const result = json as Record<string, unknown>;
    if (result['ok'] !== true) throw new SlackApiError(typeof result['error'] === 'string' ? result['error'] : 'unknown_error', failure);
    return result;
  };
}
