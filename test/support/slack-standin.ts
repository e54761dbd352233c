/**
 * A loopback stand-in for Slack: an incoming-webhook path and the Web API methods chat.postMessage,
 * chat.update, the file upload flow, and for the Slack actions chat.postEphemeral and
 * usergroups.users.list. It enforces Block Kit's documented limits the way Slack does (`invalid_blocks`), checks
 * the bot token, records every accepted message, answers as Slack does (the webhook `ok` and its error
 * codes as text/html, from SLACK_WEBHOOK_REPLIES; the Web API's JSON with the stored message echoed
 * with its blocks and bot profile, warnings in `warning` and `response_metadata`, so an answer is
 * several KiB), and can be scripted to answer any reply table row, rate-limit (429 + Retry-After),
 * fail with 5xx, answer a proxy's HTML page with 200, be slow to answer, drop its answers (reset after the request), or be down (connections refused).
 * Limits written from docs.slack.dev (blocks reference, chat.postMessage), independently of
 * src/notify, so a wrong constant there fails the tests here.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inflateSync } from 'node:zlib';
import type { PeerReply } from './peer-reply.ts';

const BLOCK_TYPES = new Set(['actions', 'context', 'divider', 'file', 'header', 'image', 'input', 'markdown', 'rich_text', 'section', 'video']);

function textObjectError(t: unknown, max: number, plainOnly = false): string | undefined {
  if (typeof t !== 'object' || t === null) return 'text object missing';
  const { type, text } = t as { type?: unknown; text?: unknown };
  if (type !== 'plain_text' && (plainOnly || type !== 'mrkdwn')) return `bad text type ${String(type)}`;
  if (typeof text !== 'string' || text.length === 0) return 'empty text';
  if (text.length > max) return `text longer than ${max}`;
  return undefined;
}

/**
 * An actions block's elements as Slack checks them (docs.slack.dev/reference/block-kit/blocks/actions-block:
 * at most 25; block-elements/button-element: text 75, value 2000, action_id 255; select-menu-element:
 * placeholder 150, 1 to 100 options, option text 75 and value 150).
 */
function actionsError(elements: unknown): string | undefined {
  if (!Array.isArray(elements) || elements.length === 0 || elements.length > 25) return 'elements must be 1 to 25';
  for (const el of elements as Record<string, unknown>[]) {
    const id = el['action_id'];
    if (id !== undefined && (typeof id !== 'string' || id.length > 255)) return 'bad action_id';
    if (el['type'] === 'button') {
      const err = textObjectError(el['text'], 75, true);
      if (err !== undefined) return `button ${err}`;
      if (el['value'] !== undefined && (typeof el['value'] !== 'string' || el['value'].length > 2000)) return 'button value longer than 2000';
    } else if (el['type'] === 'static_select') {
      const err = textObjectError(el['placeholder'], 150, true);
      if (err !== undefined) return `placeholder ${err}`;
      const options = el['options'];
      if (!Array.isArray(options) || options.length === 0 || options.length > 100) return 'options must be 1 to 100';
      for (const o of options as Record<string, unknown>[]) {
        const oErr = textObjectError(o['text'], 75, true);
        if (oErr !== undefined) return `option ${oErr}`;
        if (typeof o['value'] !== 'string' || o['value'].length > 150) return 'option value longer than 150';
      }
    } else return `element type ${String(el['type'])} not handled by the stand-in`;
  }
  return undefined;
}

/** Why Slack would refuse this block array (`invalid_blocks`), or undefined when it is valid. */
export function blockError(blocks: unknown): string | undefined {
  if (!Array.isArray(blocks)) return 'blocks is not an array';
  if (blocks.length > 50) return 'more than 50 blocks';
  for (const [i, b] of blocks.entries()) {
    if (typeof b !== 'object' || b === null) return `block ${i} is not an object`;
    const block = b as Record<string, unknown>;
    const type = block['type'];
    if (typeof type !== 'string' || !BLOCK_TYPES.has(type)) return `block ${i}: unknown type ${String(type)}`;
    const id = block['block_id'];
    if (id !== undefined && (typeof id !== 'string' || id.length > 255)) return `block ${i}: bad block_id`;
    const e = (m: string | undefined): string | undefined => (m === undefined ? undefined : `block ${i} (${type}): ${m}`);
    if (type === 'header') {
      const err = e(textObjectError(block['text'], 150, true));
      if (err !== undefined) return err;
    } else if (type === 'section') {
      if (block['text'] === undefined && block['fields'] === undefined) return e('needs text or fields');
      if (block['text'] !== undefined) {
        const err = e(textObjectError(block['text'], 3000));
        if (err !== undefined) return err;
      }
      const fields = block['fields'];
      if (fields !== undefined) {
        if (!Array.isArray(fields) || fields.length === 0 || fields.length > 10) return e('fields must be 1 to 10');
        for (const f of fields) {
          const err = e(textObjectError(f, 2000));
          if (err !== undefined) return err;
        }
      }
    } else if (type === 'actions') {
      const err = e(actionsError(block['elements']));
      if (err !== undefined) return err;
    } else if (type === 'context') {
      const elements = block['elements'];
      if (!Array.isArray(elements) || elements.length === 0 || elements.length > 10) return e('elements must be 1 to 10');
      for (const el of elements) {
        const err = e(textObjectError(el, 3000));
        if (err !== undefined) return err;
      }
    }
  }
  return undefined;
}

/** The error code Slack answers for this message payload, or undefined when it would accept it. */
export function validateSlackPayload(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return 'invalid_payload';
  const { text, blocks } = body as { text?: unknown; blocks?: unknown };
  if (text !== undefined && typeof text !== 'string') return 'invalid_payload';
  if (typeof text === 'string' && text.length > 40_000) return 'msg_too_long';
  if (blocks !== undefined && blockError(blocks) !== undefined) return 'invalid_blocks';
  if ((text === undefined || text === '') && (!Array.isArray(blocks) || blocks.length === 0)) return 'no_text';
  return undefined;
}

export interface SlackRecord {
  via: 'webhook' | 'chat.postMessage' | 'chat.update';
  channel?: string;
  ts?: string;
  thread_ts?: string;
  text?: string;
  blocks?: unknown[];
}

export interface SlackEphemeral {
  channel: string;
  user: string;
  text: string;
}

/** A file shared by files.completeUploadExternal, with what the stand-in found in its bytes. */
export interface SlackUpload {
  fileId: string;
  filename: string;
  altText?: string;
  title?: string;
  channel: string;
  thread_ts?: string;
  bytes: Buffer;
  /** Set when the bytes are a PNG that decodes: signature, chunk CRCs, IHDR, IDAT inflating to the declared size, IEND. */
  png?: { width: number; height: number };
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** The PNG's size when the bytes are a complete, well-formed PNG (www.w3.org/TR/png/), else undefined. */
export function pngInfo(bytes: Buffer): { width: number; height: number } | undefined {
  if (!bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return undefined;
  let at = 8;
  let header: { width: number; height: number; bytesPerPixel: number } | undefined;
  const data: Buffer[] = [];
  while (at + 12 <= bytes.length) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    const body = bytes.subarray(at + 8, at + 8 + length);
    if (body.length !== length || crc32(bytes.subarray(at + 4, at + 8 + length)) !== bytes.readUInt32BE(at + 8 + length)) return undefined;
    if (type === 'IHDR') {
      const channels = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[body[9] ?? -1];
      if (channels === undefined || body[8] !== 8) return undefined;
      header = { width: body.readUInt32BE(0), height: body.readUInt32BE(4), bytesPerPixel: channels };
    }
    if (type === 'IDAT') data.push(body);
    if (type === 'IEND') {
      if (header === undefined) return undefined;
      const pixels = inflateSync(Buffer.concat(data));
      return pixels.length === header.height * (1 + header.width * header.bytesPerPixel) ? { width: header.width, height: header.height } : undefined;
    }
    at += 12 + length;
  }
  return undefined;
}

/**
 * The headers Slack's incoming webhook sends with every answer, accepted or not: `ok` and the error
 * codes alike come as `text/html` (slackapi/node-slack-sdk#480; the headers users posted in
 * integrations/slack#770).
 */
const WEBHOOK_HEADERS: Record<string, string> = {
  'content-type': 'text/html',
  server: 'Apache',
  vary: 'Accept-Encoding',
  'strict-transport-security': 'max-age=31536000; includeSubDomains; preload',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'SAMEORIGIN',
  'access-control-allow-origin': '*',
};

const WEBHOOK_ERRORS_CHANGELOG = 'api.slack.com/changelog/2016-05-17-changes-to-errors-for-incoming-webhooks';
const WEBHOOK_DOCS = 'docs.slack.dev/messaging/sending-messages-using-incoming-webhooks ("Handling errors")';

const webhookReply = (status: number, body: string, meaning: PeerReply['meaning'], source: string, extra: Record<string, string> = {}): PeerReply => ({
  status,
  headers: { ...WEBHOOK_HEADERS, ...extra },
  body,
  meaning,
  source,
});

/** Every answer of Slack's incoming webhook the stand-in gives, keyed by its body. */
export const SLACK_WEBHOOK_REPLIES = {
  ok: webhookReply(200, 'ok', 'accepted', 'slackapi/node-slack-sdk#480 ("the response from a successful IncomingWebhook.send() is Content-Type text/html")'),
  invalid_payload: webhookReply(400, 'invalid_payload', 'refused', WEBHOOK_ERRORS_CHANGELOG),
  invalid_blocks: webhookReply(400, 'invalid_blocks', 'refused', `${WEBHOOK_DOCS}; docs.slack.dev/reference/block-kit/blocks`),
  no_text: webhookReply(400, 'no_text', 'refused', WEBHOOK_DOCS),
  user_not_found: webhookReply(400, 'user_not_found', 'refused', WEBHOOK_ERRORS_CHANGELOG),
  action_prohibited: webhookReply(403, 'action_prohibited', 'refused', WEBHOOK_ERRORS_CHANGELOG),
  invalid_token: webhookReply(403, 'invalid_token', 'refused', WEBHOOK_DOCS),
  channel_not_found: webhookReply(404, 'channel_not_found', 'refused', WEBHOOK_ERRORS_CHANGELOG),
  no_service: webhookReply(404, 'no_service', 'refused', `${WEBHOOK_DOCS}: the webhook was revoked or its app removed`),
  channel_is_archived: webhookReply(410, 'channel_is_archived', 'refused', WEBHOOK_ERRORS_CHANGELOG),
  rate_limited: webhookReply(
    429,
    'rate_limited',
    'try-again',
    'docs.slack.dev/apis/web-api/rate-limits (incoming webhooks: 1 message a second; HTTP 429 with Retry-After)',
    {
      'retry-after': '1',
    },
  ),
  rollup_error: webhookReply(500, 'rollup_error', 'try-again', WEBHOOK_ERRORS_CHANGELOG),
} satisfies Record<string, PeerReply>;

/**
 * What Slack-compatible receivers and the boxes in between answer on a webhook URL. A 2xx that is not
 * `ok` is a compatible peer's success; an HTML page with 200 is a proxy's or captive portal's, and the
 * message never reached the peer.
 */
export const WEBHOOK_LOOKALIKE_REPLIES = {
  mattermost_ok: {
    status: 200,
    headers: { 'content-type': 'text/plain' },
    body: 'ok',
    meaning: 'accepted',
    source: 'mattermost/mattermost server/channels/web/webhook.go (incomingWebhook writes "ok" as text/plain)',
  },
  rocketchat_success: {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: '{"success":true}',
    meaning: 'accepted',
    source: 'RocketChat/Rocket.Chat apps/meteor/app/integrations/server/api/api.ts (executeIntegrationRest answers API.v1.success())',
  },
  captive_portal: {
    status: 200,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
    body: '<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body>Please log in to the guest network</body></html>',
    meaning: 'try-again',
    source: "RFC 6585 §6 (intercepting proxies and captive portals answer in the origin server's place with their own page, often with 200)",
  },
} satisfies Record<string, PeerReply>;

const API_HEADERS = { 'content-type': 'application/json; charset=utf-8' };
const POST_MESSAGE_DOCS = 'docs.slack.dev/reference/methods/chat.postMessage ("Errors")';
const apiReply = (status: number, error: string, meaning: PeerReply['meaning'], source: string, extra: Record<string, string> = {}): PeerReply => ({
  status,
  headers: { ...API_HEADERS, ...extra },
  body: JSON.stringify({ ok: false, error }),
  meaning,
  source,
});

/** Web API refusals and transient errors of chat.postMessage the stand-in can be told to answer, keyed by `error`. */
export const SLACK_API_REPLIES = {
  channel_not_found: apiReply(200, 'channel_not_found', 'refused', POST_MESSAGE_DOCS),
  not_in_channel: apiReply(200, 'not_in_channel', 'refused', POST_MESSAGE_DOCS),
  is_archived: apiReply(200, 'is_archived', 'refused', POST_MESSAGE_DOCS),
  invalid_auth: apiReply(200, 'invalid_auth', 'refused', POST_MESSAGE_DOCS),
  token_revoked: apiReply(200, 'token_revoked', 'refused', POST_MESSAGE_DOCS),
  missing_scope: apiReply(200, 'missing_scope', 'refused', POST_MESSAGE_DOCS),
  ratelimited: apiReply(429, 'ratelimited', 'try-again', 'docs.slack.dev/apis/web-api/rate-limits (HTTP 429 with Retry-After)', { 'retry-after': '1' }),
  internal_error: apiReply(200, 'internal_error', 'try-again', POST_MESSAGE_DOCS),
  fatal_error: apiReply(200, 'fatal_error', 'try-again', POST_MESSAGE_DOCS),
  service_unavailable: apiReply(200, 'service_unavailable', 'try-again', POST_MESSAGE_DOCS),
} satisfies Record<string, PeerReply>;

export interface ScriptedAnswer {
  status: number;
  /** Seconds, sent as Retry-After. */
  retryAfter?: number;
  body?: string;
  /**
   * On the webhook path Slack's own headers (text/html); elsewhere text/plain unless given. E.g.
   * text/html for a proxy's or captive portal's page.
   */
  contentType?: string;
  /** All headers, as a reply table row gives them; overrides `contentType`. */
  headers?: Record<string, string>;
}

export interface SlackStandin {
  webhookUrl: string;
  apiUrl: string;
  token: string;
  channel: string;
  /** Every message Slack would have shown, in order (updates included). */
  messages: SlackRecord[];
  /** Files shared by the external upload flow, in order. */
  uploads: SlackUpload[];
  /** Messages only one user saw (chat.postEphemeral), in order. */
  ephemerals: SlackEphemeral[];
  /** The byte length of every Web API answer sent, in order (Slack's echoes are several KiB). */
  apiAnswerBytes: number[];
  /** Every request that reached the server, accepted or not. */
  requestCount(): number;
  /** Answers the next `times` requests with this status instead of handling them, after letting `skip` through. */
  failNext(answer: ScriptedAnswer, times: number, skip?: number): void;
  /** While set, every request gets this answer (e.g. a proxy's HTML page with 200); undefined ends it. */
  answerAll(answer: ScriptedAnswer | undefined): void;
  /** While down, nothing listens on the port: connections are refused, nothing reaches Slack. */
  setDown(down: boolean): Promise<void>;
  /**
   * While set, each request is handled as usual (a message is posted, a file shared) and its
   * connection reset before the answer. With a method, only that Web API method's answers, after
   * letting `skip` of them through, `times` of them (all by default).
   */
  dropAnswers(drop: boolean | { method: string; skip?: number; times?: number }): void;
  /**
   * Handles every request as usual (a message is accepted and recorded at once) but holds each answer
   * this long: Slack slow to say `ok` for a message it already posted. 0 ends it.
   */
  delayAnswers(ms: number): void;
  close(): Promise<void>;
}

const CHANNEL_ID = 'C0STANDIN';
const TEAM_ID = 'T0STANDIN';
const BOT_ID = 'B0STANDIN';
const APP_ID = 'A0STANDIN';
const BOT_USER_ID = 'U0STANDIN';

/** The app's bot profile, as Slack attaches it to every message a bot posts. */
const BOT_PROFILE = {
  id: BOT_ID,
  deleted: false,
  name: 'crashtriage',
  updated: 1_700_000_000,
  app_id: APP_ID,
  icons: {
    image_36: 'https://a.slack-edge.com/80588/img/plugins/app/bot_36.png',
    image_48: 'https://a.slack-edge.com/80588/img/plugins/app/bot_48.png',
    image_72: 'https://a.slack-edge.com/80588/img/plugins/app/service_72.png',
  },
  team_id: TEAM_ID,
};

/**
 * Blocks as Slack stores and echoes them: every block gets a `block_id` when it had none, mrkdwn text
 * objects gain `verbatim: false` and plain_text ones `emoji: true`.
 */
function storedBlocks(blocks: unknown[] | undefined): unknown[] | undefined {
  if (blocks === undefined) return undefined;
  const normalise = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(normalise);
    if (typeof v !== 'object' || v === null) return v;
    const o = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalise(x)]));
    if (o['type'] === 'mrkdwn' && typeof o['text'] === 'string') return { verbatim: false, ...o };
    if (o['type'] === 'plain_text' && typeof o['text'] === 'string') return { emoji: true, ...o };
    return o;
  };
  return blocks.map((b, i) => {
    const block = normalise(b) as Record<string, unknown>;
    return block['block_id'] === undefined ? { ...block, block_id: `sb${i.toString(36)}${(blocks.length * 7919 + i).toString(36)}` } : block;
  });
}

/**
 * The message object Slack echoes in chat.postMessage and chat.update answers
 * (docs.slack.dev/reference/methods/chat.postMessage, "Example response").
 */
function storedMessage(fields: { ts: string; text?: string; blocks?: unknown[]; thread_ts?: string }): Record<string, unknown> {
  const blocks = storedBlocks(fields.blocks);
  return {
    user: BOT_USER_ID,
    type: 'message',
    ts: fields.ts,
    bot_id: BOT_ID,
    app_id: APP_ID,
    text: fields.text ?? '',
    team: TEAM_ID,
    bot_profile: BOT_PROFILE,
    ...(fields.thread_ts !== undefined ? { thread_ts: fields.thread_ts, parent_user_id: BOT_USER_ID } : {}),
    ...(blocks !== undefined ? { blocks } : {}),
  };
}

/**
 * Slack's warnings ride along in `warning` (comma-separated) and `response_metadata.warnings`,
 * e.g. `missing_charset` when a body's Content-Type names no charset
 * (api.slack.com/changelog/2016-09-28-response-metadata-is-on-the-way).
 */
function warningsFor(req: IncomingMessage): Record<string, unknown> {
  const warnings = /charset=/i.test(req.headers['content-type'] ?? '') ? [] : ['missing_charset'];
  if (warnings.length === 0) return {};
  return {
    warning: warnings.join(','),
    response_metadata: { warnings, messages: ["[WARN] A Content-Type HTTP header was presented but did not declare a charset, such as a 'utf-8'"] },
  };
}

export async function startSlackStandin(
  options: {
    token?: string;
    channel?: string;
    /** usergroups.users.list: group id → member ids. */
    groups?: Record<string, string[]>;
    /** apps.connections.open, answered by this Socket Mode stand-in (slack-socket-standin.ts). */
    socketMode?: { apiUrl: string };
  } = {},
): Promise<SlackStandin> {
  const token = options.token ?? 'xoxb-standin-token';
  const groups = options.groups ?? {};
  const ephemerals: SlackEphemeral[] = [];
  const channel = options.channel ?? '#incidents';
  const messages: SlackRecord[] = [];
  const uploads: SlackUpload[] = [];
  /** Upload URLs handed out and not yet completed: the declared file, and its bytes once posted. */
  const pending = new Map<string, { fileId: string; filename: string; length: number; altText?: string; bytes?: Buffer }>();
  const apiAnswerBytes: number[] = [];
  const script: (ScriptedAnswer | null)[] = [];
  let requests = 0;
  let dropping: { method?: string; skip: number; times: number } | undefined;
  let standing: ScriptedAnswer | undefined;
  let answerDelayMs = 0;
  let seq = 1_700_000_000;

  /** Whether this answer is to be lost: the request was handled, its connection is reset instead. */
  const dropsAnswer = (res: ServerResponse): boolean => {
    if (dropping === undefined) return false;
    if (dropping.method !== undefined && res.req.url !== `/api/${dropping.method}`) return false;
    if (dropping.skip > 0) {
      dropping.skip--;
      return false;
    }
    if (dropping.times <= 0) return false;
    dropping.times--;
    return true;
  };
  const send = (res: ServerResponse, status: number, headers: Record<string, string>, body: string): void => {
    if (dropsAnswer(res)) {
      res.socket?.destroy();
      return;
    }
    const write = (): void => {
      if (res.destroyed) return;
      res.writeHead(status, headers);
      res.end(body);
    };
    if (answerDelayMs > 0) setTimeout(write, answerDelayMs);
    else write();
  };
  const reply = (res: ServerResponse, status: number, body: string, type = 'text/plain'): void => send(res, status, { 'content-type': type }, body);
  const replyRow = (res: ServerResponse, row: PeerReply): void => send(res, row.status, row.headers, row.body);
  /** The webhook's answer for an error code: its table row, or the same shape for a code the table lacks. */
  const webhookError = (res: ServerResponse, code: string): void =>
    replyRow(res, (SLACK_WEBHOOK_REPLIES as Record<string, PeerReply>)[code] ?? webhookReply(400, code, 'refused', WEBHOOK_DOCS));
  const api = (req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>): void => {
    const json = JSON.stringify({ ...body, ...warningsFor(req) });
    apiAnswerBytes.push(Buffer.byteLength(json));
    reply(res, 200, json, 'application/json; charset=utf-8');
  };

  /**
   * files.getUploadURLExternal and files.completeUploadExternal (form-encoded or JSON arguments), and
   * the upload URL. Slack answers the upload URL with 200 and `OK - <bytes>`.
   */
  const files = (req: IncomingMessage, res: ServerResponse, method: string, raw: string): void => {
    const type = req.headers['content-type'] ?? '';
    const args: Record<string, unknown> = type.startsWith('application/x-www-form-urlencoded')
      ? Object.fromEntries(new URLSearchParams(raw))
      : type.startsWith('application/json')
        ? ((JSON.parse(raw || '{}') as Record<string, unknown>) ?? {})
        : {};
    if (method === 'files.getUploadURLExternal') {
      const length = Number(args['length']);
      if (typeof args['filename'] !== 'string' || args['filename'] === '' || args['length'] === undefined)
        return api(req, res, { ok: false, error: 'invalid_arguments' });
      if (!Number.isInteger(length) || length <= 0) return api(req, res, { ok: false, error: 'missing_argument' });
      if (typeof args['alt_txt'] === 'string' && args['alt_txt'].length > 1000) return api(req, res, { ok: false, error: 'alt_txt_too_large' });
      const fileId = `F0${(seq++).toString(36).toUpperCase()}`;
      const key = `${fileId}-${(seq * 7919).toString(36)}`;
      pending.set(key, { fileId, filename: args['filename'], length, ...(typeof args['alt_txt'] === 'string' ? { altText: args['alt_txt'] } : {}) });
      return api(req, res, { ok: true, upload_url: `${base}/upload/v1/${key}`, file_id: fileId });
    }
    const list = typeof args['files'] === 'string' ? (JSON.parse(args['files']) as unknown) : args['files'];
    if (!Array.isArray(list) || list.length === 0) return api(req, res, { ok: false, error: 'invalid_arguments' });
    const channelId = args['channel_id'];
    if (channelId !== undefined && channelId !== CHANNEL_ID) return api(req, res, { ok: false, error: 'channel_not_found' });
    const threadTs = typeof args['thread_ts'] === 'string' ? args['thread_ts'] : undefined;
    if (threadTs !== undefined && !messages.some((m) => m.ts === threadTs && m.thread_ts === undefined))
      return api(req, res, { ok: false, error: 'invalid_thread_ts' });
    const shared: Record<string, unknown>[] = [];
    for (const f of list as { id?: unknown; title?: unknown }[]) {
      const entry = [...pending].find(([, p]) => p.fileId === f.id);
      if (entry === undefined || entry[1].bytes === undefined) return api(req, res, { ok: false, error: 'file_not_found' });
      const [key, p] = entry;
      pending.delete(key);
      const bytes = p.bytes ?? Buffer.alloc(0);
      const png = pngInfo(bytes);
      uploads.push({
        fileId: p.fileId,
        filename: p.filename,
        ...(p.altText === undefined ? {} : { altText: p.altText }),
        ...(typeof f.title === 'string' ? { title: f.title } : {}),
        channel: CHANNEL_ID,
        ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
        bytes,
        ...(png === undefined ? {} : { png }),
      });
      shared.push({
        id: p.fileId,
        name: p.filename,
        title: f.title ?? p.filename,
        mimetype: png === undefined ? 'application/octet-stream' : 'image/png',
        filetype: png === undefined ? 'binary' : 'png',
        size: bytes.length,
        ...(png === undefined ? {} : { original_w: png.width, original_h: png.height }),
      });
    }
    return api(req, res, { ok: true, files: shared });
  };

  const upload = (res: ServerResponse, key: string, bytes: Buffer): void => {
    const p = pending.get(key);
    if (p === undefined) return reply(res, 404, 'Not Found');
    if (bytes.length !== p.length) return reply(res, 400, `length mismatch: declared ${p.length}, received ${bytes.length}`);
    p.bytes = bytes;
    return reply(res, 200, `OK - ${bytes.length}`);
  };

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string, bytes: Buffer): void => {
    requests++;
    const path = req.url ?? '';
    const isWebhook = path.startsWith('/services/');
    const scripted = script.shift() ?? standing;
    if (scripted !== undefined && scripted !== null) {
      const headers = scripted.headers ?? {
        ...(isWebhook && scripted.contentType === undefined ? WEBHOOK_HEADERS : { 'content-type': scripted.contentType ?? 'text/plain' }),
        ...(scripted.retryAfter === undefined ? {} : { 'retry-after': String(scripted.retryAfter) }),
      };
      send(res, scripted.status, headers, scripted.body ?? (scripted.status === 429 ? 'rate_limited' : 'service_unavailable'));
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      body = undefined;
    }
    if (isWebhook) {
      if (body === undefined) return webhookError(res, 'invalid_payload');
      const err = validateSlackPayload(body);
      if (err !== undefined) return webhookError(res, err);
      const b = body as { text?: string; blocks?: unknown[] };
      messages.push({ via: 'webhook', ...(b.text !== undefined ? { text: b.text } : {}), ...(b.blocks !== undefined ? { blocks: b.blocks } : {}) });
      return replyRow(res, SLACK_WEBHOOK_REPLIES.ok);
    }
    if (path.startsWith('/upload/v1/')) return upload(res, path.slice('/upload/v1/'.length), bytes);
    const method = path.replace(/^\/api\//, '');
    const isFiles = method === 'files.getUploadURLExternal' || method === 'files.completeUploadExternal';
    const isActions = method === 'chat.postEphemeral' || method === 'usergroups.users.list';
    if (method === 'apps.connections.open' && options.socketMode !== undefined) {
      // Slack serves it on the same Web API as the bot's methods: hand it to the Socket Mode stand-in.
      void fetch(`${options.socketMode.apiUrl}/apps.connections.open`, { method: 'POST', headers: { authorization: req.headers.authorization ?? '' } }).then(
        async (answer) => reply(res, answer.status, await answer.text(), answer.headers.get('content-type') ?? 'application/json'),
        () => req.socket.destroy(),
      );
      return;
    }
    if (method !== 'chat.postMessage' && method !== 'chat.update' && !isFiles && !isActions) return reply(res, 404, 'unknown_method');
    const auth = req.headers.authorization;
    if (auth === undefined) return api(req, res, { ok: false, error: 'not_authed' });
    if (auth !== `Bearer ${token}`) return api(req, res, { ok: false, error: 'invalid_auth' });
    if (isFiles) return files(req, res, method, raw);
    if (method === 'usergroups.users.list') {
      // Form arguments only (docs.slack.dev/reference/methods/usergroups.users.list): `no_such_subteam` for an unknown group.
      const group = new URLSearchParams(raw).get('usergroup') ?? '';
      const members = groups[group];
      return api(req, res, members === undefined ? { ok: false, error: 'no_such_subteam' } : { ok: true, users: members });
    }
    if (method === 'chat.postEphemeral') {
      // docs.slack.dev/reference/methods/chat.postEphemeral: `{ ok, message_ts }`; `user_not_in_channel` for a user who is not a member.
      const b = (body ?? {}) as { channel?: string; user?: string; text?: string };
      if (b.channel !== channel && b.channel !== CHANNEL_ID) return api(req, res, { ok: false, error: 'channel_not_found' });
      if (typeof b.user !== 'string' || b.user === '') return api(req, res, { ok: false, error: 'user_not_found' });
      if (typeof b.text !== 'string' || b.text === '') return api(req, res, { ok: false, error: 'no_text' });
      ephemerals.push({ channel: CHANNEL_ID, user: b.user, text: b.text });
      return api(req, res, { ok: true, message_ts: `${seq++}.000300` });
    }
    if (!(req.headers['content-type'] ?? '').startsWith('application/json') || body === undefined) return api(req, res, { ok: false, error: 'invalid_json' });
    const b = body as { channel?: string; ts?: string; thread_ts?: string; text?: string; blocks?: unknown[] };
    if (b.channel !== channel && b.channel !== CHANNEL_ID) return api(req, res, { ok: false, error: 'channel_not_found' });
    const err = validateSlackPayload(body);
    if (err !== undefined) return api(req, res, { ok: false, error: err });
    const content = { ...(b.text !== undefined ? { text: b.text } : {}), ...(b.blocks !== undefined ? { blocks: b.blocks } : {}) };
    if (method === 'chat.update') {
      const original = messages.find((m) => m.via === 'chat.postMessage' && m.ts === b.ts);
      if (original === undefined) return api(req, res, { ok: false, error: 'message_not_found' });
      const ts = original.ts ?? '';
      messages.push({ via: 'chat.update', channel: CHANNEL_ID, ts, ...content });
      const message = { ...storedMessage({ ts, ...content }), edited: { user: BOT_USER_ID, ts: `${seq++}.000200` } };
      return api(req, res, { ok: true, channel: CHANNEL_ID, ts, text: b.text ?? '', message });
    }
    if (b.thread_ts !== undefined && !messages.some((m) => m.ts === b.thread_ts && m.thread_ts === undefined))
      return api(req, res, { ok: false, error: 'thread_not_found' });
    const ts = `${seq++}.000100`;
    const thread = b.thread_ts !== undefined ? { thread_ts: b.thread_ts } : {};
    messages.push({ via: 'chat.postMessage', channel: CHANNEL_ID, ts, ...thread, ...content });
    return api(req, res, { ok: true, channel: CHANNEL_ID, ts, message: storedMessage({ ts, ...thread, ...content }) });
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const bytes = Buffer.concat(chunks);
      handle(req, res, bytes.toString('utf8'), bytes);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;
  return {
    webhookUrl: `${base}/services/T0STANDIN/B0STANDIN/standinsecret`,
    apiUrl: `${base}/api`,
    token,
    channel,
    messages,
    uploads,
    ephemerals,
    apiAnswerBytes,
    requestCount: () => requests,
    failNext(answer, times, skip = 0) {
      for (let i = 0; i < skip; i++) script.push(null);
      for (let i = 0; i < times; i++) script.push(answer);
    },
    answerAll(answer) {
      standing = answer;
    },
    async setDown(value) {
      if (value === !server.listening) return;
      if (value) {
        server.close();
        server.closeAllConnections();
        return;
      }
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    },
    dropAnswers(value) {
      dropping =
        value === false
          ? undefined
          : value === true
            ? { skip: 0, times: Number.POSITIVE_INFINITY }
            : { method: value.method, skip: value.skip ?? 0, times: value.times ?? Number.POSITIVE_INFINITY };
    },
    delayAnswers(ms) {
      answerDelayMs = ms;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        if (server.listening) server.close(() => resolve());
        else resolve();
      }),
  };
}
