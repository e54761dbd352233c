/**
 * Slack Web API with a bot token (sink type 'slack-api'): the summary as a top-level post, the log
 * excerpt and escalation list as a thread reply, and on resolve `chat.update` of the original plus a
 * reply in its thread. Slack answers HTTP 200 with `{ ok: false, error }` for API errors and 429 with
 * Retry-After when rate limited (docs.slack.dev/reference/methods/chat.postMessage, chat.update).
 *
 * Each step is remembered per alert (fingerprint + startsAt), so a retry after a half-done firing
 * (post accepted, thread reply failed) only does what is left, never posts the summary twice.
 * That memory is this process's, or with STATE_STORE=kubernetes shared by the replicas (sink-memory.ts),
 * so a resolve reaching the other replica, or arriving after a restart, still updates the original.
 *
 * Pods of one incident (one workload) share one message: the first pod posts it, later pods and
 * resolves update it in place (`chat.update`: "3 of 3 pods of deployment/checkout crash looping")
 * and each joining pod is listed in its thread; the last pod's resolve marks it resolved.
 *
 * chat.postMessage keeps no idempotency key: a post whose answer was lost (no answer in time, the
 * connection dropped after the request was sent) may be in the channel, so it is never sent again.
 * Such a step counts as done, the steps after it still run, and the delivery is reported as maybe
 * posted (SinkOutcomeUnknownError). chat.update sets a message's content, so repeating it is safe.
 */
import { Type } from '@sinclair/typebox';
import { isHttpUrl, nonEmpty } from '../../config/env-values.ts';
import type { DiagnosisDocument, IncidentRef, StormRef } from '../../diagnosis/document.ts';
import { withControls } from '../../slack-actions/controls.ts';
import { SinkBadResponseError, SinkOutcomeUnknownError, SlackApiError } from '../errors.ts';
import { renderSlack, renderSlackResolved, renderSlackThread, type SlackMessage } from '../render-slack.ts';
import type { SendContext, Sink, SinkDeps } from '../sink.ts';
import { processMemory } from '../sink-memory.ts';
import { section } from '../slack-blocks.ts';
import { escapeMrkdwn } from '../text.ts';
import { sinkType } from './sink-type.ts';
import { slackCaller } from './slack-call.ts';
import { withTextFallback } from './slack-fallback.ts';
import { uploadToThread } from './slack-upload.ts';

/** Errors of chat.update that mean "the original cannot be edited": post a new message instead. */
const ORIGINAL_GONE = new Set(['message_not_found', 'cant_update_message', 'edit_window_closed', 'channel_not_found', 'is_archived']);

/** Runs a step; a lost answer is kept (the step counts as done) instead of thrown. */
async function keepLost(lost: SinkOutcomeUnknownError[], step: () => Promise<void>): Promise<void> {
  try {
    await step();
  } catch (err) {
    if (!(err instanceof SinkOutcomeUnknownError)) throw err;
    lost.push(err);
  }
}

interface PostedAlert {
  channel: string;
  ts: string;
  /** The firing document the original shows; re-rendered as resolved on chat.update. */
  firing: DiagnosisDocument;
  threadDone: boolean;
  /** The memory chart is in the thread (or there is none). */
  chartDone: boolean;
  resolvedUpdated: boolean;
  resolvedReplied: boolean;
  /** Per-incident messages: the alert steps (fingerprint, startsAt, status) already shown. */
  steps?: string[];
}

export function createSlackApiSink(spec: { botToken: string; channel: string; apiUrl?: string }, deps: SinkDeps): Sink {
  // Incidents can last days; a week covers all but the longest, 5000 concurrent incidents is plenty.
  const memory = deps.memory ?? processMemory;
  const posted = memory<PostedAlert>('slack-posts', { clock: deps.clock, ttlMs: 7 * 24 * 3600 * 1000, maxEntries: 5000 });
  // Storm digests: few at a time, and a day outlasts any storm.
  const digests = memory<{ channel: string; ts: string; text: string }>('slack-digests', { clock: deps.clock, ttlMs: 24 * 3600 * 1000, maxEntries: 500 });
  // Incident and storm messages whose first post lost its answer: it may be in the channel, but
  // without its ts it cannot be edited; the later pods and digest changes are not posted as a
  // second message for it.
  const unanswered = memory<true>('slack-unanswered', { clock: deps.clock, ttlMs: 7 * 24 * 3600 * 1000, maxEntries: 5000 });

  const call = slackCaller(spec, deps);

  /**
   * With Slack actions on, an incident's message carries who did what and, while it is open, the
   * buttons (src/slack-actions/controls.ts); a closed one keeps the status line and loses the buttons.
   */
  const decorate = (message: SlackMessage, doc: DiagnosisDocument, open: boolean): SlackMessage => {
    const incident = doc.incident;
    if (deps.slackButtons === undefined || incident === undefined || incident.storm !== undefined) return message;
    return withControls(message, open ? deps.slackButtons(incident, doc.target.namespace) : undefined, incident.acts ?? []);
  };

  const postMessage = async (message: SlackMessage, ctx: SendContext, extra: Record<string, unknown> = {}): Promise<{ channel: string; ts: string }> => {
    let result: Record<string, unknown> = {};
    await withTextFallback(
      message,
      async (m) => {
        result = await call('chat.postMessage', { channel: spec.channel, unfurl_links: false, unfurl_media: false, ...extra, ...m }, ctx);
      },
      deps.logger,
    );
    const channel = result['channel'];
    const ts = result['ts'];
    if (typeof channel !== 'string' || typeof ts !== 'string') throw new SinkBadResponseError('chat.postMessage: answer lacks channel or ts');
    return { channel, ts };
  };

  const firing = async (doc: DiagnosisDocument, key: string, ctx: SendContext, lost: SinkOutcomeUnknownError[]): Promise<void> => {
    let state = await posted.get(key);
    if (state === undefined) {
      const first = await postMessage(decorate(renderSlack(doc, { externalURL: ctx.externalURL, details: 'thread' }), doc, true), ctx).catch(
        async (err: unknown) => {
          // Without the ts there is no thread to reply in: the steps after it cannot run.
          if (err instanceof SinkOutcomeUnknownError) await unanswered.set(key, true);
          throw err;
        },
      );
      state = { ...first, firing: doc, threadDone: false, chartDone: false, resolvedUpdated: false, resolvedReplied: false };
      await posted.set(key, state);
    }
    const parent = { channel: state.channel, ts: state.ts };
    if (!state.threadDone) {
      const thread = renderSlackThread(doc, ctx.externalURL);
      if (thread.blocks.length > 0)
        await keepLost(lost, () => postMessage(thread, ctx, { channel: parent.channel, thread_ts: parent.ts }).then(() => undefined));
      state.threadDone = true;
      await posted.set(key, state);
    }
    if (!state.chartDone) {
      await keepLost(lost, () => uploadToThread(doc, parent, { call: (method, form) => call(method, form, ctx), fetch: deps.fetch, signal: ctx.signal }));
      state.chartDone = true;
      await posted.set(key, state);
    }
  };

  const resolved = async (doc: DiagnosisDocument, key: string, ctx: SendContext, lost: SinkOutcomeUnknownError[], shown?: DiagnosisDocument): Promise<void> => {
    const state = await posted.get(key);
    if (state === undefined) {
      await postMessage(renderSlackResolved(doc, ctx.externalURL), ctx);
      return;
    }
    if (!state.resolvedUpdated) {
      const update = decorate(
        renderSlack(shown ?? state.firing, { externalURL: ctx.externalURL, details: 'thread', resolvedBy: doc }),
        shown ?? state.firing,
        false,
      );
      try {
        const edit = async (m: SlackMessage | { text: string }): Promise<void> => {
          await call('chat.update', { channel: state.channel, ts: state.ts, ...m }, ctx);
        };
        await withTextFallback(update, edit, deps.logger);
      } catch (err) {
        if (!(err instanceof SlackApiError && ORIGINAL_GONE.has(err.slackError))) throw err;
        deps.logger.warn({ slackError: err.slackError }, 'cannot update the original Slack message; posting the resolution as a new message');
        await keepLost(lost, () => postMessage(renderSlackResolved(doc, ctx.externalURL), ctx).then(() => undefined));
        state.resolvedUpdated = true;
        state.resolvedReplied = true;
        await posted.set(key, state);
        return;
      }
      state.resolvedUpdated = true;
      await posted.set(key, state);
    }
    if (!state.resolvedReplied) {
      await keepLost(lost, () =>
        postMessage(renderSlackResolved(doc, ctx.externalURL, { reply: true }), ctx, { channel: state.channel, thread_ts: state.ts }).then(() => undefined),
      );
      state.resolvedReplied = true;
      await posted.set(key, state);
    }
  };

  const incidentUpdate = async (doc: DiagnosisDocument, incident: IncidentRef, ctx: SendContext, lost: SinkOutcomeUnknownError[]): Promise<void> => {
    const key = `incident\n${incident.id}`;
    const step = `${doc.alert.fingerprint}\n${doc.alert.startsAt}\n${doc.status}`;
    const state = await posted.get(key);
    if (state === undefined && doc.status === 'firing' && (await unanswered.get(key)) === true) {
      deps.logger.info(
        { incident: incident.id, fingerprint: doc.alert.fingerprint },
        "the incident's Slack message may be posted but its answer was lost: not posted again, not edited",
      );
      return;
    }
    if (state === undefined || (!state.threadDone && doc.status === 'firing' && doc.alert.fingerprint === state.firing.alert.fingerprint)) {
      // The incident's first message (or one this process never saw: a restart): the per-alert path.
      await (doc.status === 'resolved' ? resolved(doc, key, ctx, lost) : firing(doc, key, ctx, lost));
      const now = await posted.get(key);
      if (now !== undefined) await posted.set(key, { ...now, steps: [...(now.steps ?? []), step] });
      return;
    }
    if (state.steps?.includes(step) === true) return;
    if (incident.news === 'closed') {
      await resolved({ ...doc, incident }, key, ctx, lost, { ...state.firing, incident });
    } else {
      const view = { ...state.firing, incident };
      await withTextFallback(
        decorate(renderSlack(view, { externalURL: ctx.externalURL, details: 'thread' }), view, true),
        async (m) => {
          await call('chat.update', { channel: state.channel, ts: state.ts, ...m }, ctx);
        },
        deps.logger,
      );
      if (incident.news === 'joined' || incident.news === 'cause-differs') {
        const text = `Pod ${doc.target.pod} is crash looping too: ${doc.cause.title}`;
        await keepLost(lost, async () => {
          await call('chat.postMessage', { channel: state.channel, thread_ts: state.ts, text, unfurl_links: false, unfurl_media: false }, ctx);
        });
      }
    }
    // Re-read: the resolve above may have recorded its own steps.
    const latest = (await posted.get(key)) ?? state;
    await posted.set(key, { ...latest, steps: [...(latest.steps ?? []), step] });
  };

  /** A storm's digest: one message listing its incidents, posted once and edited as they change. */
  const stormDigest = async (storm: StormRef, ctx: SendContext): Promise<void> => {
    const key = `storm\n${storm.id}`;
    const [head = '', ...rest] = storm.lines;
    const message = {
      text: storm.lines.join('\n'),
      blocks: [
        section(`:rotating_light: *${escapeMrkdwn(head)}*`),
        ...(rest.length === 0 ? [] : [section(rest.map((l) => `• ${escapeMrkdwn(l)}`).join('\n'))]),
      ],
    };
    const state = await digests.get(key);
    if (state === undefined && (await unanswered.get(key)) === true) return;
    if (state === undefined) {
      const { channel, ts } = await postMessage(message, ctx).catch(async (err: unknown) => {
        if (err instanceof SinkOutcomeUnknownError) await unanswered.set(key, true);
        throw err;
      });
      await digests.set(key, { channel, ts, text: message.text });
      return;
    }
    if (state.text === message.text) return;
    await call('chat.update', { channel: state.channel, ts: state.ts, ...message }, ctx);
    await digests.set(key, { ...state, text: message.text });
  };

  return {
    async send(doc, ctx) {
      if (doc.incident?.storm !== undefined) return stormDigest(doc.incident.storm, ctx);
      const lost: SinkOutcomeUnknownError[] = [];
      const key = `${doc.alert.fingerprint}\n${doc.alert.startsAt}`;
      if (doc.incident !== undefined) await incidentUpdate(doc, doc.incident, ctx, lost);
      else if (doc.status === 'resolved') await resolved(doc, key, ctx, lost);
      else await firing(doc, key, ctx, lost);
      // Every step that could run has; one whose answer was lost makes the delivery 'maybe posted'.
      if (lost[0] !== undefined) throw lost[0];
    },
    async close() {},
  };
}

/** `type: slack-api`, or `SLACK_BOT_TOKEN` + `SLACK_CHANNEL` (+ `SLACK_API_URL`): the sink named `slack-api`. */
export const slackApiSinkType = sinkType({
  type: 'slack-api',
  schema: Type.Object(
    {
      type: Type.Literal('slack-api'),
      botToken: Type.String({ minLength: 1 }),
      channel: Type.String({ minLength: 1 }),
      apiUrl: Type.Optional(Type.String({ format: 'uri' })),
    },
    { additionalProperties: false },
  ),
  fromEnv: {
    name: 'slack-api',
    read(env, errors) {
      const botToken = nonEmpty(env['SLACK_BOT_TOKEN']);
      const channel = nonEmpty(env['SLACK_CHANNEL']);
      const apiUrl = nonEmpty(env['SLACK_API_URL']);
      if (botToken === undefined && channel === undefined) return undefined;
      if (botToken === undefined) errors.push('SLACK_BOT_TOKEN: required when SLACK_CHANNEL is set');
      else if (channel === undefined) errors.push('SLACK_CHANNEL: required when SLACK_BOT_TOKEN is set');
      else if (apiUrl !== undefined && !isHttpUrl(apiUrl)) errors.push('SLACK_API_URL: not an http(s) URL');
      else return { type: 'slack-api' as const, botToken, channel, ...(apiUrl !== undefined ? { apiUrl } : {}) };
      return undefined;
    },
  },
  secretFields: ['botToken'],
  // One message per incident, edited in place (chat.update) as pods join and resolve.
  everyDocument: true,
  create: createSlackApiSink,
});
