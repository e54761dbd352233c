/**
 * POST /slack/actions: Slack's request URL for interactivity (the alternative to Socket Mode, for a
 * service behind an ingress). An encapsulated plugin, so that its parser is its own: the signature
 * covers the raw body, so the body is kept as bytes (form-encoded `payload=<JSON>`), and nothing else
 * is accepted here (415). A request whose signature is missing, wrong, more than five minutes old, or
 * seen before is answered 401 with no body and logged without its payload. A signed click is
 * answered 200 at once (Slack waits 3 seconds) and acted on after.
 */
import type { FastifyBaseLogger, FastifyPluginAsync } from 'fastify';
import type { Metrics } from '../metrics.ts';
import type { ClickHandler } from '../slack-actions/act.ts';
import { parseClick, payloadOfForm } from '../slack-actions/block-actions.ts';
import { createReplayGuard } from '../slack-actions/replay-guard.ts';
import { verifySlackSignature } from '../slack-actions/signature.ts';

export interface SlackActionsRouteDeps {
  signingSecret: string;
  clicks: ClickHandler;
  metrics: Pick<Metrics, 'slackRefused'>;
  clock?: () => number;
}

const header = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

export const slackActionsRoute: FastifyPluginAsync<SlackActionsRouteDeps> = async (scope, deps) => {
  const clock = deps.clock ?? Date.now;
  const guard = createReplayGuard();
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  scope.post('/slack/actions', async (request, reply) => {
    const raw = request.body as Buffer;
    const signature = header(request.headers['x-slack-signature']);
    const verdict = verifySlackSignature(
      deps.signingSecret,
      { timestamp: header(request.headers['x-slack-request-timestamp']), signature, rawBody: raw },
      clock(),
    );
    const refuse = (reason: string) => {
      deps.metrics.slackRefused.inc({ reason });
      request.log.warn({ reason, remote: request.ip }, 'Slack actions request refused');
      return reply.code(401).send();
    };
    if (!verdict.ok) return refuse(verdict.reason);
    if (!guard.firstSighting(signature ?? '', clock())) return refuse('replayed');
    const parsed = parseClick(payloadOfForm(raw.toString('utf8')));
    if (!parsed.ok) {
      // Signed by Slack but not a click on our controls (another interaction of the app): nothing to do.
      request.log.info({ reason: parsed.reason }, 'Slack interaction ignored');
      return reply.code(200).send();
    }
    runLater(deps.clicks, parsed.click, request.log);
    return reply.code(200).send();
  });
};

function runLater(clicks: ClickHandler, click: Parameters<ClickHandler['handle']>[0], log: FastifyBaseLogger): void {
  void clicks.handle(click).catch((err: unknown) => log.error({ err }, 'Slack action failed'));
}
