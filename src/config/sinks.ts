/**
 * Sinks from the environment variables of the README's configuration table (under the fixed names slack, slack-api, email,
 * webhook), and secrets read from their files. With no sink at all, the console sink.
 */
import type { SinkSpec } from './file-schema.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** A sink as the service uses it: secrets read from their files already. */
export type ResolvedSink = Exclude<SinkSpec, { type: 'email' }> | (Extract<SinkSpec, { type: 'email' }> & { password?: string });

/** The sinks the environment variables describe, under fixed names. */
export function sinksFromEnv(env: Env, errors: string[]): Record<string, SinkSpec> {
  const sinks: Record<string, SinkSpec> = {};
  const slackUrl = nonEmpty(env['SLACK_WEBHOOK_URL']);
  if (slackUrl !== undefined) {
    if (isHttpUrl(slackUrl)) sinks['slack'] = { type: 'slack', webhookUrl: slackUrl };
    else errors.push('SLACK_WEBHOOK_URL: not an http(s) URL');
  }
  const botToken = nonEmpty(env['SLACK_BOT_TOKEN']);
  const channel = nonEmpty(env['SLACK_CHANNEL']);
  const apiUrl = nonEmpty(env['SLACK_API_URL']);
  if (botToken !== undefined || channel !== undefined) {
    if (botToken === undefined) errors.push('SLACK_BOT_TOKEN: required when SLACK_CHANNEL is set');
    else if (channel === undefined) errors.push('SLACK_CHANNEL: required when SLACK_BOT_TOKEN is set');
    else if (apiUrl !== undefined && !isHttpUrl(apiUrl)) errors.push('SLACK_API_URL: not an http(s) URL');
    else sinks['slack-api'] = { type: 'slack-api', botToken, channel, ...(apiUrl !== undefined ? { apiUrl } : {}) };
  }
  const smtpUrl = nonEmpty(env['SMTP_URL']);
  if (smtpUrl !== undefined) {
    const from = nonEmpty(env['EMAIL_FROM']);
    const to = (env['EMAIL_TO'] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    if (!/^smtps?:\/\//.test(smtpUrl)) errors.push('SMTP_URL: must start with smtp:// or smtps://');
    else if (from === undefined) errors.push('EMAIL_FROM: required when SMTP_URL is set');
    else if (to.length === 0) errors.push('EMAIL_TO: required when SMTP_URL is set (comma-separated addresses)');
    else {
      const passwordFile = nonEmpty(env['SMTP_PASSWORD_FILE']);
      sinks['email'] = { type: 'email', smtpUrl, from, to, ...(passwordFile !== undefined ? { passwordFile } : {}) };
    }
  }
  const forwardUrl = nonEmpty(env['FORWARD_WEBHOOK_URL']);
  if (forwardUrl !== undefined) {
    if (isHttpUrl(forwardUrl)) sinks['webhook'] = { type: 'webhook', url: forwardUrl };
    else errors.push('FORWARD_WEBHOOK_URL: not an http(s) URL');
  }
  return sinks;
}

export function resolveSinks(
  specs: Record<string, SinkSpec>,
  env: Env,
  readSecretFile: (name: string, path: string | undefined) => string | undefined,
): Record<string, ResolvedSink> {
  // With no sink configured, diagnoses go to standard output so that a first run shows something.
  if (Object.keys(specs).length === 0) return { console: { type: 'console' } };
  const resolved: Record<string, ResolvedSink> = {};
  for (const [name, spec] of Object.entries(specs)) {
    if (spec.type !== 'email' || spec.passwordFile === undefined) {
      resolved[name] = spec;
      continue;
    }
    const password = readSecretFile(env['SMTP_PASSWORD_FILE'] !== undefined ? 'SMTP_PASSWORD_FILE' : `sinks.${name}.passwordFile`, spec.passwordFile);
    resolved[name] = password === undefined ? spec : { ...spec, password };
  }
  return resolved;
}

export function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
