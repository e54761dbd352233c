/**
 * A loopback stand-in for a Microsoft Teams Workflows webhook: the "Post to a channel when a webhook
 * request is received" template flow behind a Logic Apps Request trigger
 * (`POST /workflows/{id}/triggers/manual/paths/invoke?api-version=…&sp=…&sv=1.0&sig=…`).
 * The trigger answers from `TEAMS_REPLIES`, each row with its public source; a flow run that it
 * accepted then posts each attachment's card to the channel, and fails (the post accepted, nothing
 * shown) on what the real flow fails on: no `attachments` array, a card that is not an AdaptiveCard,
 * or one that the Adaptive Card 1.4 schema refuses. Written from Microsoft's documents, independently
 * of src/notify.
 */
import type { IncomingMessage } from 'node:http';
import { adaptiveCardError } from './adaptive-card-schema.ts';
import { type Answer, type PeerServer, type StandinReply, startPeerServer } from './peer-reply.ts';

const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };
const LOGIC_APPS_ERROR = 'Logic Apps error body {"error":{"code","message"}} (learn.microsoft.com/rest/api/logic, ErrorResponse)';

/** The run headers a Request trigger answers with (learn.microsoft.com/azure/connectors/connectors-native-reqres). */
function runHeaders(n: number): Record<string, string> {
  const run = `0858${String(n).padStart(16, '0')}CU07`;
  return {
    'x-ms-workflow-run-id': run,
    'x-ms-correlation-id': `6c1f7a52-0000-4000-8000-${String(n).padStart(12, '0')}`,
    'x-ms-client-tracking-id': run,
    'x-ms-trigger-history-name': run,
    'x-ms-execution-location': 'westeurope',
    'x-ms-workflow-system-id': '/scaleunits/prod-07/workflows/3f0c0e9a5b1d4e7fa0a1b2c3d4e5f607',
    'x-ms-workflow-id': '3f0c0e9a5b1d4e7fa0a1b2c3d4e5f607',
    'x-ms-workflow-version': '08584737551867954143',
    'x-ms-workflow-name': 'b1f4c5d2-9e8a-4c3b-a7d6-5e4f3a2b1c0d',
    'x-ms-tracking-id': `6c1f7a52-0000-4000-8000-${String(n).padStart(12, '0')}`,
    'x-ms-ratelimit-burst-remaining-workflow-writes': '299',
    'x-ms-ratelimit-remaining-workflow-download-contentsize': '1073741824',
    'x-ms-ratelimit-time-remaining-directapirequests': '99999999',
    'x-ms-request-id': `westeurope:6c1f7a52-0000-4000-8000-${String(n).padStart(12, '0')}`,
    'strict-transport-security': 'max-age=31536000; includeSubDomains',
    'x-content-type-options': 'nosniff',
    date: new Date().toUTCString(),
  };
}

const logicError = (code: string, message: string): string => JSON.stringify({ error: { code, message } });

/** The trigger's answers, by name; a test scripts any row with `failNext`. */
export const TEAMS_REPLIES = {
  accepted: {
    status: 202,
    headers: {},
    body: () => '',
    source:
      'learn.microsoft.com/azure/connectors/connectors-native-reqres: a Request trigger without a Response action answers 202 Accepted, empty body; Robusta #1893 (treating the 202 as an error)',
  },
  ok: {
    status: 200,
    headers: {},
    body: () => '',
    source: 'blacklanternsecurity/bbot #1739: some Workflows flows answer 200 instead of 202 (any 2xx is success)',
  },
  invalidContent: {
    status: 400,
    headers: JSON_TYPE,
    body: () =>
      logicError(
        'InvalidRequestContent',
        "The request content is not valid and could not be deserialized: 'Unexpected character encountered while parsing value'.",
      ),
    source: `${LOGIC_APPS_ERROR}; the trigger refuses a body its Content-Type says is JSON and is not`,
  },
  wrongMethod: {
    status: 400,
    headers: JSON_TYPE,
    body: () => logicError('TriggerRequestMethodNotValid', "The HTTP method for this request is not valid: expected 'Post' and actual 'GET'."),
    source: `${LOGIC_APPS_ERROR}; learn.microsoft.com/azure/connectors/connectors-native-reqres (the trigger's method is POST unless set otherwise)`,
  },
  badSignature: {
    status: 401,
    headers: JSON_TYPE,
    body: () => logicError('DirectApiInvalidAuthorizationSignature', 'The provided authorization signature is not valid.'),
    source: `${LOGIC_APPS_ERROR}; learn.microsoft.com/azure/logic-apps/logic-apps-securing-a-logic-app (SAS "sig" in the trigger URL)`,
  },
  flowGone: {
    status: 404,
    headers: JSON_TYPE,
    body: () => logicError('WorkflowNotFound', "The workflow 'b1f4c5d2-9e8a-4c3b-a7d6-5e4f3a2b1c0d' could not be found."),
    source: `${LOGIC_APPS_ERROR}: the flow was deleted (or its owner's account removed with it)`,
  },
  tooLarge: {
    status: 413,
    headers: JSON_TYPE,
    body: () => logicError('RequestEntityTooLarge', 'The request content size exceeds the maximum size of 28 KB allowed for Teams messages.'),
    source:
      'learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using ("message size limit is 28 KB"); stackoverflow.com/q/58474127 and techqa.club 78034694 (413 near 28 KB, counted as UTF-16 when no charset is declared)',
  },
  throttled: {
    status: 429,
    headers: { ...JSON_TYPE, 'retry-after': '2' },
    body: () =>
      logicError(
        'WorkflowRequestsThrottled',
        "Number of requests for workflow 'b1f4c5d2-9e8a-4c3b-a7d6-5e4f3a2b1c0d' exceeded the limit of '100' over time window of '00:00:05'.",
      ),
    source: 'learn.microsoft.com/azure/logic-apps/handle-throttling-problems-429-errors and logic-apps-limits-and-config (Request trigger throughput)',
  },
  serverError: {
    status: 500,
    headers: JSON_TYPE,
    body: () => logicError('InternalServerError', 'Encountered an internal server error. The tracking Id is 6c1f7a52-0000-4000-8000-000000000000.'),
    source: `${LOGIC_APPS_ERROR}: InternalServerError, transient`,
  },
  badGateway: {
    status: 502,
    headers: JSON_TYPE,
    body: () => logicError('BadGateway', 'The service is temporarily unavailable. Please try again later.'),
    source: `${LOGIC_APPS_ERROR}: gateway errors during a regional incident, transient`,
  },
  unavailable: {
    status: 503,
    headers: { ...JSON_TYPE, 'retry-after': '1' },
    body: () => logicError('ServiceUnavailable', 'The service is unavailable. Please try again later.'),
    source: `${LOGIC_APPS_ERROR}: ServiceUnavailable, transient, with Retry-After`,
  },
} satisfies Record<string, StandinReply>;

export type TeamsReplyName = keyof typeof TEAMS_REPLIES;

/** What Teams refuses: about 28 KB (the documented limit). */
export const TEAMS_DOCUMENTED_MAX_BYTES = 28 * 1024;

export interface TeamsPost {
  /** The cards the flow posted to the channel. */
  cards: Record<string, unknown>[];
  /** Bytes as the trigger counted them. */
  bytes: number;
}

export interface FailedRun {
  reason: string;
}

export interface TeamsStandin extends Omit<PeerServer<TeamsReplyName>, 'base'> {
  /** The trigger URL, `sig` included: the whole URL is the credential. */
  url: string;
  sig: string;
  /** Every post the channel shows, in order. */
  posts: TeamsPost[];
  /** Flow runs the trigger accepted (2xx) that then failed: nothing reached the channel. */
  failedRuns: FailedRun[];
  /** `raw`: the flow posts `@triggerBody()` as the card (a flow built by hand). */
  setFlow(flow: 'template' | 'raw'): void;
}

export async function startTeamsStandin(): Promise<TeamsStandin> {
  const sig = 'Zm9yLXRlc3RzLW9ubHktbm90LWEtcmVhbC1zaWduYXR1cmUtMDAwMDAw';
  const posts: TeamsPost[] = [];
  const failedRuns: FailedRun[] = [];
  let runs = 0;
  let flow: 'template' | 'raw' = 'template';

  /** The template flow: "Send each adaptive card" over attachments, "Post card in a chat or channel". */
  const runFlow = (body: unknown, bytes: number): void => {
    const fail = (reason: string): void => {
      failedRuns.push({ reason });
    };
    let cards: unknown[];
    if (flow === 'raw') cards = [body];
    else {
      const attachments = (body as { attachments?: unknown } | null)?.attachments;
      // MicrosoftDocs/msteams-docs #11302: the 'foreach' expression over attachments is of type 'Null'.
      if (!Array.isArray(attachments))
        return fail(
          "The execution of template action 'Send_each_adaptive_card' failed: the result of the evaluation of 'foreach' expression is of type 'Null'.",
        );
      cards = attachments.map((a) => (a as { content?: unknown } | null)?.content);
    }
    for (const card of cards) {
      // Alertmanager #3920, lindegroup/autopkgr #729: AdaptiveSerializationException "Property 'type' must be 'AdaptiveCard'".
      if ((card as { type?: unknown } | null)?.type !== 'AdaptiveCard') return fail("InvalidBotAdaptiveCard: Property 'type' must be 'AdaptiveCard'");
      const error = adaptiveCardError(card);
      if (error !== undefined) return fail(`InvalidBotAdaptiveCard: ${error}`);
    }
    posts.push({ cards: cards as Record<string, unknown>[], bytes });
  };

  const handle = (req: IncomingMessage, raw: Buffer, send: Answer, scripted: TeamsReplyName | undefined): void => {
    const answer = (name: TeamsReplyName): void => {
      const row: StandinReply = TEAMS_REPLIES[name];
      const accepted = row.status >= 200 && row.status < 300;
      send(row.status, { ...(accepted ? runHeaders(++runs) : {}), ...row.headers }, row.body({ errors: [] }));
    };
    const url = new URL(req.url ?? '/', 'http://x');
    if (scripted !== undefined) return answer(scripted);
    if (!/^\/workflows\/[0-9a-f]+\/triggers\/manual\/paths\/invoke$/.test(url.pathname))
      return send(404, JSON_TYPE, logicError('TriggerNotFound', 'The trigger could not be found.'));
    if (url.searchParams.get('sig') !== sig) return answer('badSignature');
    if (req.method !== 'POST') return answer('wrongMethod');
    // Without a declared charset the service counts the body as UTF-16: two bytes a character.
    const charset = /charset=([^;]+)/i
      .exec(req.headers['content-type'] ?? '')?.[1]
      ?.trim()
      .toLowerCase();
    const bytes = charset === 'utf-8' ? raw.length : raw.toString('utf8').length * 2;
    if (bytes > TEAMS_DOCUMENTED_MAX_BYTES) return answer('tooLarge');
    let body: unknown;
    if (/^application\/json/i.test(req.headers['content-type'] ?? '')) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        return answer('invalidContent');
      }
    }
    answer('accepted');
    runFlow(body, bytes);
  };

  const { base, ...server } = await startPeerServer<TeamsReplyName>(handle);
  return {
    ...server,
    url: `${base}/workflows/3f0c0e9a5b1d4e7fa0a1b2c3d4e5f607/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${sig}`,
    sig,
    posts,
    failedRuns,
    setFlow(value) {
      flow = value;
    },
  };
}
