/**
 * Environment + optional YAML file → one validated, typed Config, once at start. Every problem is
 * collected and reported together, by name, so a broken deployment is fixed in one round trip.
 * The environment wins over the file (twelve-factor; Kubernetes sets env from Secrets).
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { type ResolvedSink, SINK_SECRET_FIELDS, type SinkSpec } from '../notify/sinks/registry.ts';
import { type StateConfig, stateFromEnv } from '../state/config.ts';
import { nonEmpty } from './env-values.ts';
import { FileSettings, type RouteSpec } from './file-schema.ts';
import { type PrometheusConfig, prometheusFromEnv } from './prometheus.ts';
import { resolveSinks, sinksFromEnv } from './sinks.ts';
import { type AlertmanagerConfig, alertmanagerFromEnv, type SlackActionsConfig, slackActionsFromEnv } from './slack-actions.ts';

export type { ResolvedSink, RouteSpec, SinkSpec };

export interface Config {
  host: string;
  port: number;
  /** Largest accepted webhook body; Alertmanager groups rarely exceed a few hundred KiB. */
  bodyLimitBytes: number;
  /** Bearer token Alertmanager must send; undefined only with allowUnauthenticated. */
  webhookToken?: string;
  allowUnauthenticated: boolean;
  logLevel: string;
  /** How long the HTTP server waits on a client (README "HTTP timeouts"). */
  http: HttpTimeouts;
  kube: {
    kubeconfigPath?: string;
    context?: string;
    timeoutMs: number;
    maxInFlight: number;
    /** Most API calls one webhook request may have in flight, so that one group's slow reads leave room for the others. */
    maxInFlightPerRequest: number;
    logTailLines: number;
    logLimitBytes: number;
    /** The alert label naming the cluster; its value selects the kubeconfig context of that name. */
    clusterLabel: string;
    /** The cluster the default credentials reach; alerts without a cluster label use them too. */
    clusterName?: string;
    /** Cluster label value → kubeconfig context. */
    clusters: Record<string, string>;
  };
  delivery: { budgetMs: number; sinkTimeoutMs: number; dedupeWindowMs: number };
  /** Beyond `threshold` new incidents in one namespace within `windowMs`, the rest go into one digest. */
  storm: { threshold: number; windowMs: number };
  /** Every POST /alerts is answered within budgetMs; at most maxInFlight are processed at once (README "Deadlines and back-pressure"). */
  requests: { budgetMs: number; maxInFlight: number };
  sinks: Record<string, ResolvedSink>;
  routes: RouteSpec[];
  /** Sinks for alerts that no route matched. */
  defaultSinks: string[];
  /** Where OOM kills' memory history is read; undefined: not read. */
  prometheus?: PrometheusConfig;
  /** Where the state replicas share lives (src/state/config.ts). */
  state: StateConfig;
  /** Alertmanager's API, where silences are created. */
  alertmanager?: AlertmanagerConfig;
  /** Acting from Slack's buttons (slack-actions.ts); undefined: no buttons. */
  slackActions?: SlackActionsConfig;
}

export interface HttpTimeouts {
  /** All request headers must arrive within this (slow-header clients). */
  headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this (slow-body clients). */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** A socket with no traffic either way is closed after this; above the delivery budget, since a request being processed is silent. */
  idleTimeoutMs: number;
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; errors: string[] };

type Env = Readonly<Record<string, string | undefined>>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export const DEFAULTS = {
  host: '0.0.0.0',
  port: 8080,
  bodyLimitBytes: 1024 * 1024,
  logLevel: 'info',
  // A webhook body is a few KiB sent at once: 10 s for headers and 30 s for the whole request are
  // generous, and bound what a slow (or hostile) client holds. Keep-alive as Fastify's default (72 s).
  http: { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 72_000, idleTimeoutMs: 60_000 },
  kube: { timeoutMs: 5000, maxInFlight: 10, logTailLines: 200, logLimitBytes: 64 * 1024, clusterLabel: 'cluster' },
  // Below Alertmanager's minimum notify timeout (10 s floor, else the group_interval) so that we answer
  // 5xx ourselves and keep the retry in Alertmanager's hands (prometheus/alertmanager cmd/alertmanager).
  delivery: { budgetMs: 8000, sinkTimeoutMs: 5000, dedupeWindowMs: 3600_000 },
  storm: { threshold: 5, windowMs: 5 * 60_000 },
  // Under Alertmanager's notify timeout, which is its group_interval with a 10 s floor: the answer
  // (200, or a 503 that Alertmanager retries) always arrives before Alertmanager gives up on the call.
  requests: { budgetMs: 9000, maxInFlight: 64 },
} as const;

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);
const validateFile = ajv.compile<FileSettings>(FileSettings);

export function loadConfig(env: Env, readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): ConfigResult {
  const errors: string[] = [];
  const file = readSettingsFile(env['CONFIG_FILE'], readFile, errors);

  const readSecretFile = (name: string, path: string | undefined): string | undefined => {
    if (path === undefined || path === '') return undefined;
    try {
      const value = readFile(path).trim();
      if (value === '') errors.push(`${name}: ${path} is empty`);
      return value;
    } catch (err) {
      errors.push(`${name}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      return undefined;
    }
  };

  const port = intSetting('PORT', env['PORT'], file.port ?? DEFAULTS.port, 0, 65535, errors);
  const host = nonEmpty(env['HOST']) ?? file.host ?? DEFAULTS.host;
  const bodyLimitBytes = intSetting(
    'BODY_LIMIT_BYTES',
    env['BODY_LIMIT_BYTES'],
    file.bodyLimitBytes ?? DEFAULTS.bodyLimitBytes,
    1024,
    64 * 1024 * 1024,
    errors,
  );
  const logLevel = nonEmpty(env['LOG_LEVEL']) ?? file.logLevel ?? DEFAULTS.logLevel;
  if (!LOG_LEVELS.includes(logLevel)) errors.push(`LOG_LEVEL: "${logLevel}" is not one of ${LOG_LEVELS.join(', ')}`);

  const http: HttpTimeouts = {
    headersTimeoutMs: intSetting('HTTP_HEADERS_TIMEOUT_MS', env['HTTP_HEADERS_TIMEOUT_MS'], DEFAULTS.http.headersTimeoutMs, 100, 600_000, errors),
    requestTimeoutMs: intSetting('HTTP_REQUEST_TIMEOUT_MS', env['HTTP_REQUEST_TIMEOUT_MS'], DEFAULTS.http.requestTimeoutMs, 100, 600_000, errors),
    keepAliveTimeoutMs: intSetting('HTTP_KEEPALIVE_TIMEOUT_MS', env['HTTP_KEEPALIVE_TIMEOUT_MS'], DEFAULTS.http.keepAliveTimeoutMs, 100, 600_000, errors),
    idleTimeoutMs: intSetting('HTTP_IDLE_TIMEOUT_MS', env['HTTP_IDLE_TIMEOUT_MS'], DEFAULTS.http.idleTimeoutMs, 1000, 600_000, errors),
  };
  // Node lets headersTimeout exceed requestTimeout only to ignore it.
  if (http.headersTimeoutMs > http.requestTimeoutMs) errors.push('HTTP_HEADERS_TIMEOUT_MS: must not exceed HTTP_REQUEST_TIMEOUT_MS');

  const allowUnauthenticated = boolSetting('ALLOW_UNAUTHENTICATED', env['ALLOW_UNAUTHENTICATED'], file.allowUnauthenticated ?? false, errors);
  let webhookToken = nonEmpty(env['WEBHOOK_TOKEN']);
  const tokenFile = nonEmpty(env['WEBHOOK_TOKEN_FILE']) ?? file.webhookTokenFile;
  if (webhookToken !== undefined && tokenFile !== undefined) errors.push('WEBHOOK_TOKEN and WEBHOOK_TOKEN_FILE are both set: keep one');
  webhookToken ??= readSecretFile('WEBHOOK_TOKEN_FILE', tokenFile);
  if (webhookToken === undefined && !allowUnauthenticated) {
    errors.push('WEBHOOK_TOKEN or WEBHOOK_TOKEN_FILE is required (set ALLOW_UNAUTHENTICATED=true only for local development)');
  }

  const kubeFile = file.kube ?? {};
  const kube: Config['kube'] = {
    timeoutMs: intSetting('KUBE_TIMEOUT_MS', env['KUBE_TIMEOUT_MS'], kubeFile.timeoutMs ?? DEFAULTS.kube.timeoutMs, 100, 120_000, errors),
    maxInFlight: intSetting('KUBE_MAX_IN_FLIGHT', env['KUBE_MAX_IN_FLIGHT'], kubeFile.maxInFlight ?? DEFAULTS.kube.maxInFlight, 1, 1000, errors),
    maxInFlightPerRequest: 0, // set below, from maxInFlight
    logTailLines: kubeFile.logTailLines ?? DEFAULTS.kube.logTailLines,
    logLimitBytes: kubeFile.logLimitBytes ?? DEFAULTS.kube.logLimitBytes,
    clusterLabel: nonEmpty(env['CLUSTER_LABEL']) ?? kubeFile.clusterLabel ?? DEFAULTS.kube.clusterLabel,
    clusters: kubeFile.clusters ?? {},
  };
  const clusterName = nonEmpty(env['CLUSTER_NAME']) ?? kubeFile.clusterName;
  if (clusterName !== undefined) kube.clusterName = clusterName;
  kube.maxInFlightPerRequest = intSetting(
    'KUBE_MAX_IN_FLIGHT_PER_REQUEST',
    env['KUBE_MAX_IN_FLIGHT_PER_REQUEST'],
    Math.max(1, Math.floor(kube.maxInFlight / 2)),
    1,
    1000,
    errors,
  );
  const kubeconfigPath = nonEmpty(env['KUBECONFIG']) ?? file.kubeconfig;
  if (kubeconfigPath !== undefined) kube.kubeconfigPath = kubeconfigPath;
  const context = nonEmpty(env['KUBE_CONTEXT']) ?? file.kubeContext;
  if (context !== undefined) kube.context = context;

  const delivery = {
    budgetMs: file.delivery?.budgetMs ?? DEFAULTS.delivery.budgetMs,
    sinkTimeoutMs: file.delivery?.sinkTimeoutMs ?? DEFAULTS.delivery.sinkTimeoutMs,
    dedupeWindowMs: file.delivery?.dedupeWindowMs ?? DEFAULTS.delivery.dedupeWindowMs,
  };

  const storm = {
    threshold: intSetting('STORM_THRESHOLD', env['STORM_THRESHOLD'], file.storm?.threshold ?? DEFAULTS.storm.threshold, 1, 1000, errors),
    windowMs: file.storm?.windowMs ?? DEFAULTS.storm.windowMs,
  };
  const requests = {
    budgetMs: intSetting('REQUEST_BUDGET_MS', env['REQUEST_BUDGET_MS'], DEFAULTS.requests.budgetMs, 1000, 600_000, errors),
    maxInFlight: intSetting('MAX_CONCURRENT_REQUESTS', env['MAX_CONCURRENT_REQUESTS'], DEFAULTS.requests.maxInFlight, 1, 10_000, errors),
  };

  const sinks = resolveSinks({ ...(file.sinks ?? {}), ...sinksFromEnv(env, errors) }, env, readSecretFile);
  const routes = file.routes ?? [];
  const defaultSinks = file.defaultSinks ?? Object.keys(sinks);
  for (const [i, route] of routes.entries()) {
    for (const name of route.sinks) if (!(name in sinks)) errors.push(`routes[${i}].sinks: no sink named "${name}" (have: ${Object.keys(sinks).join(', ')})`);
    for (const [label, re] of Object.entries(route.matchRe ?? {})) {
      try {
        new RegExp(`^(?:${re})$`);
      } catch {
        errors.push(`routes[${i}].matchRe.${label}: invalid regular expression`);
      }
    }
  }
  for (const name of defaultSinks) if (!(name in sinks)) errors.push(`defaultSinks: no sink named "${name}"`);

  const prometheus = prometheusFromEnv(env, readSecretFile, errors);
  const state = stateFromEnv(env, readFile, errors);
  const alertmanager = alertmanagerFromEnv(env, file, errors);
  const slackActions = slackActionsFromEnv(env, file, sinks, alertmanager, errors);

  if (errors.length > 0) return { ok: false, errors };
  const config: Config = {
    host,
    port,
    bodyLimitBytes,
    allowUnauthenticated,
    logLevel,
    http,
    kube,
    delivery,
    storm,
    requests,
    sinks,
    routes,
    defaultSinks,
    state,
  };
  if (webhookToken !== undefined) config.webhookToken = webhookToken;
  if (prometheus !== undefined) config.prometheus = prometheus;
  if (alertmanager !== undefined) config.alertmanager = alertmanager;
  if (slackActions !== undefined) config.slackActions = slackActions;
  return { ok: true, config };
}

function readSettingsFile(path: string | undefined, readFile: (p: string) => string, errors: string[]): FileSettings {
  if (path === undefined || path === '') return {};
  let parsed: unknown;
  try {
    parsed = parseYaml(readFile(path)) ?? {};
  } catch (err) {
    errors.push(`CONFIG_FILE: cannot read ${path}: ${(err as Error).message.split('\n')[0]}`);
    return {};
  }
  if (validateFile(parsed)) return parsed;
  for (const e of validateFile.errors ?? []) {
    errors.push(
      `CONFIG_FILE ${path}: ${e.instancePath || '/'} ${e.message ?? 'is invalid'}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params['additionalProperty'])})` : ''}`,
    );
  }
  return {};
}

function intSetting(name: string, raw: string | undefined, fallback: number, min: number, max: number, errors: string[]): number {
  const value = nonEmpty(raw);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    errors.push(`${name}: "${value}" is not a whole number from ${min} to ${max}`);
    return fallback;
  }
  return n;
}

function boolSetting(name: string, raw: string | undefined, fallback: boolean, errors: string[]): boolean {
  const value = nonEmpty(raw)?.toLowerCase();
  if (value === undefined) return fallback;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  errors.push(`${name}: "${raw}" is not true or false`);
  return fallback;
}

/** Paths pino must censor wherever a Config or a sink spec is logged; each sink type names its own secret fields. */
export const SECRET_PATHS = [
  'webhookToken',
  'config.webhookToken',
  ...SINK_SECRET_FIELDS.flatMap((field) => [`*.${field}`, `sinks.*.${field}`, `config.sinks.*.${field}`]),
  'alertmanager.bearerToken',
  'config.alertmanager.bearerToken',
  'slackActions.signingSecret',
  'slackActions.appToken',
  'slackActions.botToken',
  'config.slackActions.signingSecret',
  'config.slackActions.appToken',
  'config.slackActions.botToken',
  'prometheus.bearerToken',
  'prometheus.basicAuth.password',
  'config.prometheus.bearerToken',
  'config.prometheus.basicAuth.password',
  'req.headers.authorization',
  'headers.authorization',
];
