/**
 * Microsoft Teams through a Workflows webhook (sink type 'teams'): one Adaptive Card per message
 * (render-teams.ts), in the message envelope the "Post to a channel when a webhook request is
 * received" template reads, or the bare card (`raw`) for a flow built by hand around `@triggerBody()`.
 * Any 2xx is accepted (the trigger answers 202, a flow with a Response action 200); 400, 401, 404 and
 * 413 are final, 429 and 5xx retried (classifyFailure); a lost answer is not (the card may be posted). The whole URL is the credential (its `sig`):
 * no error or log line carries it. No update, no thread: a resolve is a new short card.
 */
import { Type } from '@sinclair/typebox';
import { isHttpUrl, nonEmpty } from '../../config/env-values.ts';
import { SinkBadResponseError, SinkHttpError } from '../errors.ts';
import { postBytes, renderTeams } from '../render-teams.ts';
import { parseRetryAfter } from '../retry-policy.ts';
import type { Sink, SinkDeps } from '../sink.ts';
import { postJson, unlessMaybeSent } from './http-post.ts';
import { sinkType } from './sink-type.ts';

export interface TeamsSinkSpec {
  webhookUrl: string;
  /** Post the bare card instead of the message envelope. */
  raw?: boolean;
}

/** The Logic Apps error code (`WorkflowNotFound`, `DirectApiInvalidAuthorizationSignature`, …) from an error body; never its message. */
export function logicAppsErrorCode(body: string): string | undefined {
  try {
    const code = (JSON.parse(body) as { error?: { code?: unknown } } | null)?.error?.code;
    return typeof code === 'string' && /^[A-Za-z]{3,64}$/.test(code) ? code : undefined;
  } catch {
    return undefined;
  }
}

const looksLikeHtml = (contentType: string | null, body: string): boolean =>
  /^text\/html\b/i.test(contentType ?? '') || /^\s*<(?:!doctype|html|head|body)\b/i.test(body);

export function createTeamsSink(spec: TeamsSinkSpec, deps: SinkDeps): Sink {
  return {
    async send(doc, ctx) {
      const post = renderTeams(doc, { externalURL: ctx.externalURL, raw: spec.raw === true });
      // Every request the trigger takes starts a flow run that posts the card, and it keeps no
      // idempotency key (learn.microsoft.com/azure/connectors/connectors-native-reqres): a card it
      // may have taken is not sent again.
      const answer = await postJson(deps.fetch, spec.webhookUrl, post, { signal: ctx.signal }).catch((err: unknown) => {
        throw unlessMaybeSent(err, 'the Teams workflow');
      });
      if (answer.status >= 200 && answer.status < 300) {
        // A proxy's or captive portal's page with 200: the card never reached the flow; retried.
        if (looksLikeHtml(answer.headers.get('content-type'), answer.body))
          throw new SinkBadResponseError('2xx with an HTML page instead of the Workflows trigger answer', { statusCode: answer.status });
        return;
      }
      const code = logicAppsErrorCode(answer.body);
      if (answer.status === 413) {
        // The renderer keeps every post under TEAMS_POST_MAX_BYTES: a 413 is our defect, or a host with a lower limit.
        deps.logger.error({ bytes: postBytes(post), code }, 'Teams refused the card as too large (413); please report this as a crashtriage defect');
      }
      const retryAfterMs = parseRetryAfter(answer.headers.get('retry-after'), deps.clock());
      throw new SinkHttpError(`HTTP ${answer.status}${code === undefined ? '' : ` ${code}`} from the Teams workflow`, {
        statusCode: answer.status,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      });
    },
    async close() {},
  };
}

/**
 * `type: teams`, or `TEAMS_WEBHOOK_URL` (the sink named `teams`; `TEAMS_RAW_CARD=true` for `raw`).
 * Any http(s) host: Workflows URLs live on `*.api.powerplatform.com`, `prod-NN.<region>.logic.azure.com`
 * and others, and move. The whole URL is the credential.
 */
export const teamsSinkType = sinkType({
  type: 'teams',
  schema: Type.Object(
    { type: Type.Literal('teams'), webhookUrl: Type.String({ format: 'uri', pattern: '^https?://' }), raw: Type.Optional(Type.Boolean()) },
    { additionalProperties: false },
  ),
  fromEnv: {
    name: 'teams',
    read(env, errors) {
      const webhookUrl = nonEmpty(env['TEAMS_WEBHOOK_URL']);
      if (webhookUrl === undefined) return undefined;
      if (!isHttpUrl(webhookUrl)) {
        errors.push('TEAMS_WEBHOOK_URL: not an http(s) URL');
        return undefined;
      }
      return { type: 'teams' as const, webhookUrl, ...(env['TEAMS_RAW_CARD'] === 'true' ? { raw: true } : {}) };
    },
  },
  secretFields: ['webhookUrl'],
  // A card cannot be edited: only the opening, a new cause and the end of an incident.
  everyDocument: false,
  create: createTeamsSink,
});
