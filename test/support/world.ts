/**
 * One test world for the integration suites: the fake Kubernetes API over TLS with the test's
 * fixtures, the stand-ins it names at the network edge, the service as main.ts wires it (loadConfig
 * over an environment, then wireService, listening on loopback) and the real Alertmanager in front
 * of it. Whatever a world starts is stopped when its test ends (vitest's onTestFinished).
 *
 *   const w = await startWorld({ kube: scenarioObjects(['deployment-oomkilled']), sinks: ['slack', 'smtp'] });
 *   await w.alertmanager.push([...]);
 *   w.slack.messages; w.smtp.mails; w.api.requests
 *   await w.restart();   // a new process on the same address: what it kept in memory is gone
 *
 * Suites that run the service as a child process (two-replicas.test.ts) take only the stand-ins'
 * environment: `startStandins` and `sinkEnv`.
 */
import { pino } from 'pino';
import { onTestFinished } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { type Service, wireService } from '../../src/wire.ts';
import type { WorkloadScenario } from '../fixtures/kube/workloads.ts';
import { type AlertmanagerOptions, type RunningAlertmanager, startAlertmanager } from './alertmanager.ts';
import { type FakeKubeApi, type FakeKubeApiOptions, startFakeKubeApi } from './fake-kube-api.ts';
import { freePort } from './free-port.ts';
import { type PagerDutyStandin, startPagerDutyStandin } from './pagerduty-standin.ts';
import { type SlackStandin, startSlackStandin } from './slack-standin.ts';
import { type SmtpCapture, startSmtpCapture } from './smtp-capture.ts';
import { startTeamsStandin, type TeamsStandin } from './teams-standin.ts';
import { startWebhookCapture, type WebhookCapture } from './webhook-capture.ts';

/** The stand-ins a world can start, by the name the test reads them under. */
export interface Standins {
  /** Slack's Web API (the bot sink: SLACK_BOT_TOKEN, SLACK_CHANNEL). */
  slack: SlackStandin;
  /** Slack's incoming webhook (SLACK_WEBHOOK_URL), answering `ok` as text/html as Slack does. */
  slackWebhook: SlackStandin;
  /** A real SMTP server (the email sink, to oncall@example.com). */
  smtp: SmtpCapture;
  /** The JSON webhook receiver (FORWARD_WEBHOOK_URL). */
  hook: WebhookCapture;
  /** Teams' Workflows trigger. */
  teams: TeamsStandin;
  /** PagerDuty's Events API v2. */
  pagerduty: PagerDutyStandin;
}
export type StandinName = keyof Standins;

type SlackOptions = NonNullable<Parameters<typeof startSlackStandin>[0]>;

interface StandinSpec<K extends StandinName> {
  start(options: { slack?: SlackOptions }): Promise<Standins[K]>;
  /** The sink's environment variables, pointing at the stand-in. */
  env(standin: Standins[K]): Record<string, string>;
}

const STANDINS: { [K in StandinName]: StandinSpec<K> } = {
  slack: {
    start: (o) => startSlackStandin(o.slack),
    env: (s) => ({ SLACK_BOT_TOKEN: s.token, SLACK_CHANNEL: s.channel, SLACK_API_URL: s.apiUrl }),
  },
  slackWebhook: { start: (o) => startSlackStandin(o.slack), env: (s) => ({ SLACK_WEBHOOK_URL: s.webhookUrl }) },
  smtp: {
    start: () => startSmtpCapture(),
    env: (s) => ({ SMTP_URL: s.url, EMAIL_FROM: 'crashtriage@example.com', EMAIL_TO: 'oncall@example.com' }),
  },
  hook: { start: () => startWebhookCapture(), env: (h) => ({ FORWARD_WEBHOOK_URL: h.url }) },
  teams: { start: () => startTeamsStandin(), env: (t) => ({ TEAMS_WEBHOOK_URL: t.url }) },
  pagerduty: { start: () => startPagerDutyStandin(), env: (p) => ({ PAGERDUTY_ROUTING_KEY: p.routingKey, PAGERDUTY_URL: p.url }) },
};

/** Starts the named stand-ins (closed with the returned `close`). */
export async function startStandins<S extends StandinName>(
  names: readonly S[],
  options: { slack?: SlackOptions } = {},
): Promise<{ standins: Pick<Standins, S>; close(): Promise<void> }> {
  const started = await Promise.all(names.map(async (name) => [name, await (STANDINS[name] as StandinSpec<S>).start(options)] as const));
  return {
    standins: Object.fromEntries(started) as Pick<Standins, S>,
    close: async () => {
      await Promise.all(started.map(([, s]) => s.close()));
    },
  };
}

/** The environment that points each started stand-in's sink at it. */
export function sinkEnv<S extends StandinName>(standins: Pick<Standins, S>): Record<string, string> {
  return Object.assign({}, ...Object.entries(standins).map(([name, s]) => (STANDINS[name as S] as StandinSpec<S>).env(s as Standins[S])));
}

/** The fake API server's fixtures for several workload scenarios (test/fixtures/kube/workloads.ts). */
export function workloadFixtures(...scenarios: readonly WorkloadScenario[]): FakeKubeApiOptions {
  return {
    objects: scenarios.flatMap((s) => s.objects),
    pods: scenarios.flatMap((s) => s.pods),
    events: scenarios.flatMap((s) => s.events),
    logs: scenarios.flatMap((s) => s.logs),
  };
}

/** A fake API server closed when the test ends (for a second cluster beside the world's). */
export async function startKubeApi(options: FakeKubeApiOptions = {}): Promise<FakeKubeApi> {
  const api = await startFakeKubeApi(options);
  onTestFinished(() => api.close());
  return api;
}

export interface WorldOptions<S extends StandinName> {
  /** The fake API server's fixtures (pods, events, logs, objects); none by default. */
  kube?: FakeKubeApiOptions;
  /** The stand-ins to start; each one's sink is configured from the environment. */
  sinks: readonly S[];
  slack?: SlackOptions;
  /**
   * More of the service's environment (it wins over the world's). As a function it is given the
   * API server and the Alertmanager, for settings that name them (ALERTMANAGER_URL, a kubeconfig
   * of several clusters).
   */
  env?: Record<string, string> | ((started: { api: FakeKubeApi; alertmanager: RunningAlertmanager }) => Record<string, string>);
  /** Alertmanager's route (group_by, timers) and cluster; group_by [namespace, pod] by default. */
  alertmanager?: Omit<AlertmanagerOptions, 'webhookUrl' | 'token'>;
}

export type World<S extends StandinName> = Pick<Standins, S> & {
  api: FakeKubeApi;
  alertmanager: RunningAlertmanager;
  /** The bearer token Alertmanager sends and the service expects. */
  token: string;
  /** The service's environment. */
  env: Record<string, string>;
  /** `http://127.0.0.1:<port>`, where Alertmanager sends. */
  address: string;
  /** The service running now (a new one after `restart`). */
  readonly service: Service;
  /** Stops the service and starts a new one with the same environment on the same address. */
  restart(): Promise<void>;
  /** Stops the service (Alertmanager's sends fail until `restart`). */
  stop(): Promise<void>;
  /** Another replica: a service with the same environment and these overrides, on a port of its own. */
  startReplica(env: Record<string, string>): Promise<string>;
};

const TOKEN = 'world-token-6e2b';

/**
 * Listens on `port`, again for a while when it is in use: a restart frees the port for a moment, and
 * the suites running beside this one open connections and listeners meanwhile, any of which the
 * kernel may give that port (seen once in about 130 runs of a restarting test, two at a time).
 */
async function listenOn(service: Service, port: number): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await service.app.listen({ host: '127.0.0.1', port });
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'EADDRINUSE' || port === 0 || attempt >= 50) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export async function startWorld<const S extends StandinName>(options: WorldOptions<S>): Promise<World<S>> {
  const cleanups: (() => Promise<void>)[] = [];
  onTestFinished(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });
  const api = await startFakeKubeApi(options.kube ?? {});
  cleanups.push(() => api.close());
  const { standins, close } = await startStandins(options.sinks, options.slack === undefined ? {} : { slack: options.slack });
  cleanups.push(close);
  // The service's port is known before it listens: Alertmanager starts first, so that the service
  // can be told Alertmanager's URL.
  const port = await freePort();
  const address = `http://127.0.0.1:${port}`;
  const alertmanager = await startAlertmanager({ groupBy: ['namespace', 'pod'], ...options.alertmanager, webhookUrl: `${address}/alerts`, token: TOKEN });
  cleanups.push(() => alertmanager.stop());
  const extra = typeof options.env === 'function' ? options.env({ api, alertmanager }) : (options.env ?? {});
  const env = { WEBHOOK_TOKEN: TOKEN, KUBECONFIG: api.kubeconfigPath, LOG_LEVEL: 'silent', ...sinkEnv(standins), ...extra };

  const running = new Set<Service>();
  cleanups.push(async () => {
    for (const s of running) await stopService(s);
  });
  const listen = async (serviceEnv: Record<string, string>, onPort: number): Promise<{ service: Service; address: string }> => {
    const result = loadConfig(serviceEnv);
    if (!result.ok) throw new Error(result.errors.join('\n'));
    const service = await wireService(result.config, pino({ level: 'silent' }));
    running.add(service);
    return { service, address: await listenOn(service, onPort) };
  };
  const stopService = async (service: Service): Promise<void> => {
    if (!running.delete(service)) return;
    await service.app.close();
    await service.close();
  };

  let service = (await listen(env, port)).service;
  const world = {
    ...standins,
    api,
    alertmanager,
    token: TOKEN,
    env,
    address,
    get service() {
      return service;
    },
    stop: () => stopService(service),
    async restart() {
      await stopService(service);
      service = (await listen(env, port)).service;
    },
    startReplica: async (overrides: Record<string, string>) => (await listen({ ...env, ...overrides }, 0)).address,
  };
  return world as World<S>;
}
