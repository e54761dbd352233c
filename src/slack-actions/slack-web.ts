/**
 * The Slack Web API calls the actions make with the bot token: update the message, reply in its
 * thread, tell one user something only they see (chat.postEphemeral), and list a user group's members
 * (usergroups.users.list, scope usergroups:read) for the allowlist. Slack answers 200 with
 * `{ ok: false, error }` for API errors (docs.slack.dev/apis/web-api/#responses).
 */
import { postBody, postJson } from '../notify/sinks/http-post.ts';
import { slackMethodUrl } from '../notify/sinks/slack-call.ts';

export interface SlackWeb {
  update(channel: string, ts: string, message: { text: string; blocks: unknown[] }): Promise<void>;
  replyInThread(channel: string, threadTs: string, text: string): Promise<void>;
  ephemeral(channel: string, user: string, text: string, threadTs?: string): Promise<void>;
  /** The user ids of a user group. */
  groupMembers(group: string): Promise<string[]>;
}

export class SlackWebError extends Error {
  readonly slackError: string;
  constructor(method: string, slackError: string) {
    super(`${method}: ${slackError}`);
    this.name = 'SlackWebError';
    this.slackError = slackError;
  }
}

export function createSlackWeb(options: { botToken: string; apiUrl?: string; fetch?: typeof fetch; timeoutMs?: number }): SlackWeb {
  const fetchFn = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 5000;
  // Read methods such as usergroups.users.list take form arguments only; the chat methods take JSON.
  const call = async (method: string, body: Record<string, unknown> | URLSearchParams): Promise<Record<string, unknown>> => {
    const url = slackMethodUrl(options.apiUrl, method);
    const request = { headers: { authorization: `Bearer ${options.botToken}` }, signal: AbortSignal.timeout(timeoutMs) };
    const answer = body instanceof URLSearchParams ? await postBody(fetchFn, url, body, request) : await postJson(fetchFn, url, body, request);
    if (answer.status !== 200) throw new SlackWebError(method, answer.status === 429 ? 'ratelimited' : `HTTP ${answer.status}`);
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(answer.body) as Record<string, unknown>;
    } catch {
      throw new SlackWebError(method, 'answer is not JSON');
    }
    if (json['ok'] !== true) throw new SlackWebError(method, typeof json['error'] === 'string' ? json['error'] : 'unknown_error');
    return json;
  };
  const quiet = { unfurl_links: false, unfurl_media: false };
  return {
    async update(channel, ts, message) {
      await call('chat.update', { channel, ts, ...message });
    },
    async replyInThread(channel, threadTs, text) {
      await call('chat.postMessage', { channel, thread_ts: threadTs, text, ...quiet });
    },
    async ephemeral(channel, user, text, threadTs) {
      await call('chat.postEphemeral', { channel, user, text, ...(threadTs === undefined ? {} : { thread_ts: threadTs }) });
    },
    async groupMembers(group) {
      const json = await call('usergroups.users.list', new URLSearchParams({ usergroup: group }));
      const users = json['users'];
      return Array.isArray(users) ? users.filter((u): u is string => typeof u === 'string') : [];
    },
  };
}
