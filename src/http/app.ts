/**
 * buildApp(deps): the Fastify service with its routes, each an encapsulated plugin; what the tests call. It does no I/O of its own:
 * the pipeline (evidence → diagnosis → delivery), the metrics and the health source come in as deps.
 */
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { DEFAULTS } from '../config/config.ts';
import { alertsRoute } from './alerts-route.ts';
import type { AppDeps } from './deps.ts';
import { handleError } from './errors.ts';
import { healthRoutes } from './health-routes.ts';
import { slackActionsRoute } from './slack-actions-route.ts';

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const timeouts = deps.config.http ?? DEFAULTS.http;
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: deps.config.bodyLimitBytes,
    // Slow clients: headers, then the whole request, must arrive in time; idle sockets are closed.
    // Node checks the first two every connectionsCheckingInterval (30 s by default): check often
    // enough that a timeout is kept to within a second or so.
    http: {
      headersTimeout: timeouts.headersTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, Math.ceil(timeouts.headersTimeoutMs / 4)),
    },
    requestTimeout: timeouts.requestTimeoutMs,
    keepAliveTimeout: timeouts.keepAliveTimeoutMs,
    connectionTimeout: timeouts.idleTimeoutMs,
    // Alertmanager's payloads are machine-made: keep the defaults (removeAdditional: true on
    // declared objects only, allErrors: false), which leave labels and annotations intact.
    ajv: { customOptions: { coerceTypes: false } },
    // Probes and scrapes arrive every few seconds; log only the webhook's requests.
    logController: new LogController({ disableRequestLogging: (request) => request.url !== '/alerts' }),
    return503OnClosing: true,
  });
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` }));
  // Node's server.close() drops only the keep-alive connections idle at that moment; one that
  // carries a request in flight would stay open until keepAliveTimeout. Ask the client to close it.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });
  // Each route is an encapsulated plugin (fastify.dev "Plugins"): its content-type parsers and hooks stay its own.
  await app.register(healthRoutes, { metrics: deps.metrics, health: deps.health });
  await app.register(alertsRoute, deps);
  if (deps.slackActions !== undefined) {
    await app.register(slackActionsRoute, { ...deps.slackActions, metrics: deps.metrics, ...(deps.clock === undefined ? {} : { clock: deps.clock }) });
  }
  await app.ready();
  return app;
}
