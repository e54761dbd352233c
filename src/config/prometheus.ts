/**
 * Prometheus for the memory history of OOM kills, from the environment: `PROMETHEUS_URL`, optional
 * bearer token file or basic auth (user + password file), a query timeout and the window to read.
 * Unset URL: no history is read.
 */
import { isHttpUrl, nonEmpty } from './env-values.ts';

type Env = Readonly<Record<string, string | undefined>>;

export interface PrometheusConfig {
  url: string;
  bearerToken?: string;
  basicAuth?: { username: string; password: string };
  /** Per query; both queries run in parallel, inside the request's budget. */
  timeoutMs: number;
  /** How far back to read, hours. */
  historyHours: number;
  maxResponseBytes: number;
}

export const PROMETHEUS_DEFAULTS = { timeoutMs: 2000, historyHours: 6, maxResponseBytes: 4 * 1024 * 1024 } as const;

export function prometheusFromEnv(
  env: Env,
  readSecretFile: (name: string, path: string | undefined) => string | undefined,
  errors: string[],
): PrometheusConfig | undefined {
  const url = nonEmpty(env['PROMETHEUS_URL']);
  if (url === undefined) return undefined;
  if (!isHttpUrl(url)) {
    errors.push('PROMETHEUS_URL: not an http(s) URL');
    return undefined;
  }
  const config: PrometheusConfig = {
    url,
    timeoutMs: whole('PROMETHEUS_TIMEOUT_MS', env['PROMETHEUS_TIMEOUT_MS'], PROMETHEUS_DEFAULTS.timeoutMs, 100, 60_000, errors),
    historyHours: whole('PROMETHEUS_HISTORY_HOURS', env['PROMETHEUS_HISTORY_HOURS'], PROMETHEUS_DEFAULTS.historyHours, 1, 72, errors),
    maxResponseBytes: PROMETHEUS_DEFAULTS.maxResponseBytes,
  };
  const tokenFile = nonEmpty(env['PROMETHEUS_BEARER_TOKEN_FILE']);
  const username = nonEmpty(env['PROMETHEUS_USERNAME']);
  const passwordFile = nonEmpty(env['PROMETHEUS_PASSWORD_FILE']);
  if (tokenFile !== undefined && (username !== undefined || passwordFile !== undefined)) {
    errors.push('PROMETHEUS_BEARER_TOKEN_FILE and PROMETHEUS_USERNAME/PROMETHEUS_PASSWORD_FILE are both set: keep one');
  } else if (tokenFile !== undefined) {
    const token = readSecretFile('PROMETHEUS_BEARER_TOKEN_FILE', tokenFile);
    if (token !== undefined) config.bearerToken = token;
  } else if (username !== undefined || passwordFile !== undefined) {
    if (username === undefined) errors.push('PROMETHEUS_USERNAME: required with PROMETHEUS_PASSWORD_FILE');
    else if (passwordFile === undefined) errors.push('PROMETHEUS_PASSWORD_FILE: required with PROMETHEUS_USERNAME');
    else {
      const password = readSecretFile('PROMETHEUS_PASSWORD_FILE', passwordFile);
      if (password !== undefined) config.basicAuth = { username, password };
    }
  }
  if (new URL(url).password !== '') errors.push('PROMETHEUS_URL: put the password in PROMETHEUS_PASSWORD_FILE, not in the URL');
  return config;
}

function whole(name: string, raw: string | undefined, fallback: number, min: number, max: number, errors: string[]): number {
  const value = nonEmpty(raw);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (Number.isInteger(n) && n >= min && n <= max) return n;
  errors.push(`${name}: "${value}" is not a whole number from ${min} to ${max}`);
  return fallback;
}
