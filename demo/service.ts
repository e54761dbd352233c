/**
 * The real crashtriage service, configured as `npm start` would be from the user's environment (so
 * SLACK_WEBHOOK_URL, SLACK_BOT_TOKEN, SMTP_URL, … deliver for real when set), except that it reads the
 * simulated cluster, takes a random token, listens on loopback, logs only warnings to standard error
 * (standard output is for the diagnoses) and also sends every document to the demo's check sink.
 */
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { type Config, loadConfig } from '../src/config/config.ts';
import { createLogger } from '../src/logger.ts';
import { type Service, wireService } from '../src/wire.ts';

/** The sink name the demo adds; chosen so it cannot collide with a name the user's config file uses. */
export const CHECK_SINK = 'demo-check';

export interface DemoServiceOptions {
  env: NodeJS.ProcessEnv;
  kubeconfigPath: string;
  checkUrl: string;
  /** The demo's Prometheus stand-in; it replaces any PROMETHEUS_URL of the user (their Prometheus knows no demo pods). */
  prometheusUrl?: string;
  /** Where the console sink writes. */
  stdout: { write(chunk: string): unknown; isTTY?: boolean };
}

export interface DemoService {
  /** `http://127.0.0.1:<port>` */
  url: string;
  token: string;
  /** The user-visible sinks (without the check sink), e.g. `['console']` or `['slack', 'email']`. */
  sinks: string[];
  close(): Promise<void>;
}

/** Configuration problems, by name, as `npm start` reports them. */
export class DemoConfigError extends Error {
  readonly errors: string[];
  constructor(errors: string[]) {
    super(`invalid configuration:\n${errors.map((e) => `  - ${e}`).join('\n')}`);
    this.errors = errors;
  }
}

export async function startDemoService(options: DemoServiceOptions): Promise<DemoService> {
  const token = randomBytes(24).toString('hex');
  const env: NodeJS.ProcessEnv = {
    ...options.env,
    KUBECONFIG: options.kubeconfigPath,
    // The simulated cluster's kubeconfig has one context; a KUBE_CONTEXT of the user's would not exist in it.
    KUBE_CONTEXT: 'fake',
    WEBHOOK_TOKEN: token,
    WEBHOOK_TOKEN_FILE: undefined,
    ALLOW_UNAUTHENTICATED: undefined,
    LOG_LEVEL: nonEmpty(options.env['LOG_LEVEL']) ?? 'warn',
    ...(options.prometheusUrl === undefined
      ? {}
      : {
          PROMETHEUS_URL: options.prometheusUrl,
          PROMETHEUS_BEARER_TOKEN_FILE: undefined,
          PROMETHEUS_USERNAME: undefined,
          PROMETHEUS_PASSWORD_FILE: undefined,
        }),
  };
  const result = loadConfig(env);
  if (!result.ok) throw new DemoConfigError(result.errors);
  const config = withCheckSink(result.config, options.checkUrl);
  // Synchronous, so that a warning is on the terminal before the output it explains.
  const logger = createLogger(config.logLevel, pino.destination({ dest: 2, sync: true }));
  const service: Service = await wireService(config, logger, { stdout: options.stdout });
  const url = await service.app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url,
    token,
    sinks: Object.keys(result.config.sinks),
    close: async () => {
      service.shuttingDown();
      await service.app.close();
      await service.close();
    },
  };
}

/** Every alert, whichever route it takes, also goes to the check sink. */
function withCheckSink(config: Config, url: string): Config {
  return {
    ...config,
    sinks: { ...config.sinks, [CHECK_SINK]: { type: 'webhook', url } },
    routes: config.routes.map((r) => ({ ...r, sinks: [...r.sinks, CHECK_SINK] })),
    defaultSinks: [...config.defaultSinks, CHECK_SINK],
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
