/**
 * Starts the service: config → logger → app → listen; SIGTERM/SIGINT stop accepting, let requests in
 * flight finish (bounded), then exit 0. All wiring of adapters happens in `wire.ts`.
 */
import closeWithGrace from 'close-with-grace';
import { loadConfig } from './config/config.ts';
import { KubeConfigError } from './kube/index.ts';
import { createLogger } from './logger.ts';
import { type Service, wireService } from './wire.ts';

/** Longer than a delivery budget so that a request in flight can finish; shorter than the pod's grace period. */
const SHUTDOWN_GRACE_MS = 20_000;

export async function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const result = loadConfig(env);
  if (!result.ok) {
    process.stderr.write(`crashtriage: invalid configuration:\n${result.errors.map((e) => `  - ${e}`).join('\n')}\n`);
    process.exitCode = 2;
    return;
  }
  const { config } = result;
  const logger = createLogger(config.logLevel);
  if (config.webhookToken === undefined) {
    logger.warn('ALLOW_UNAUTHENTICATED=true: POST /alerts accepts requests without a token; use this for development only');
  }
  let service: Service;
  try {
    service = await wireService(config, logger);
  } catch (err) {
    if (!(err instanceof KubeConfigError)) throw err;
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
    process.stderr.write(
      `crashtriage: no usable Kubernetes credentials: ${err.message}${cause}\n` +
        '  In a pod it uses its service account; elsewhere set KUBECONFIG (and KUBE_CONTEXT) or create ~/.kube/config.\n',
    );
    process.exitCode = 2;
    return;
  }
  const { app } = service;

  closeWithGrace({ delay: SHUTDOWN_GRACE_MS, logger }, async ({ signal, err }) => {
    if (err !== undefined) logger.error({ err }, 'stopping after an unexpected error');
    else logger.info({ signal }, 'stopping: finishing requests in flight');
    service.shuttingDown();
    await app.close();
    await service.close();
  });

  const address = await app.listen({ host: config.host, port: config.port });
  logger.info({ address, sinks: Object.keys(config.sinks), routes: config.routes.length }, 'crashtriage listening');
}

if (import.meta.main) await main();
