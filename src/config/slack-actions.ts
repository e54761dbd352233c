/**
 * Slack actions (silence, I'm on it, check again from the message; README "Acting from Slack"):
 * `SLACK_SIGNING_SECRET` for the request URL (POST /slack/actions), `SLACK_APP_TOKEN` (`xapp-…`) for
 * Socket Mode, either or both; `SLACK_ACTIONS_ALLOWED` who may act; `ALERTMANAGER_URL` (and an
 * optional `ALERTMANAGER_TOKEN`) where silences go. Each also in the YAML file (`slackActions`,
 * `alertmanager`); the environment wins. The buttons ride on the Slack bot sink (`slack-api`).
 */
import type { ResolvedSink } from '../notify/sinks/registry.ts';
import { parseAllowlist } from '../slack-actions/allowlist.ts';
import { isHttpUrl, nonEmpty } from './env-values.ts';
import type { FileSettings } from './file-schema.ts';

type Env = Readonly<Record<string, string | undefined>>;

export interface AlertmanagerConfig {
  url: string;
  bearerToken?: string;
}

export interface SlackActionsConfig {
  /** The slack-api sink whose bot token acts and whose messages carry the buttons. */
  sink: string;
  botToken: string;
  apiUrl?: string;
  signingSecret?: string;
  appToken?: string;
  /** Slack user, user-group and channel ids (allowlist.ts). */
  allowed: string[];
  /** How often "until resolved" silences are checked (silence-watch.ts). */
  checkIntervalMs: number;
}

export const SLACK_ACTIONS_DEFAULTS = { checkIntervalMs: 60_000 } as const;

export function alertmanagerFromEnv(env: Env, file: FileSettings, errors: string[]): AlertmanagerConfig | undefined {
  const url = nonEmpty(env['ALERTMANAGER_URL']) ?? file.alertmanager?.url;
  const token = nonEmpty(env['ALERTMANAGER_TOKEN']) ?? file.alertmanager?.bearerToken;
  if (url === undefined) {
    if (token !== undefined) errors.push('ALERTMANAGER_TOKEN: set without ALERTMANAGER_URL');
    return undefined;
  }
  if (!isHttpUrl(url)) {
    errors.push('ALERTMANAGER_URL: not an http(s) URL');
    return undefined;
  }
  return { url, ...(token === undefined ? {} : { bearerToken: token }) };
}

export function slackActionsFromEnv(
  env: Env,
  file: FileSettings,
  sinks: Record<string, ResolvedSink>,
  alertmanager: AlertmanagerConfig | undefined,
  errors: string[],
): SlackActionsConfig | undefined {
  const f = file.slackActions ?? {};
  const signingSecret = nonEmpty(env['SLACK_SIGNING_SECRET']) ?? f.signingSecret;
  const appToken = nonEmpty(env['SLACK_APP_TOKEN']) ?? f.appToken;
  const allowedRaw =
    env['SLACK_ACTIONS_ALLOWED'] !== undefined && nonEmpty(env['SLACK_ACTIONS_ALLOWED']) !== undefined ? env['SLACK_ACTIONS_ALLOWED'].split(',') : f.allowed;
  if (signingSecret === undefined && appToken === undefined) {
    if (allowedRaw !== undefined) errors.push('SLACK_ACTIONS_ALLOWED: set without SLACK_SIGNING_SECRET or SLACK_APP_TOKEN, so no click can arrive');
    return undefined;
  }
  const before = errors.length;
  if (appToken !== undefined && !appToken.startsWith('xapp-'))
    errors.push('SLACK_APP_TOKEN: not an app-level token (they start with xapp-; bot tokens xoxb- cannot open Socket Mode)');
  if (alertmanager === undefined) errors.push('ALERTMANAGER_URL: required for Slack actions (the silences are created there)');
  if (allowedRaw === undefined) errors.push('SLACK_ACTIONS_ALLOWED: required for Slack actions (comma-separated Slack user, user-group or channel ids)');
  else {
    const parsed = parseAllowlist(allowedRaw);
    if (!parsed.ok) for (const e of parsed.errors) errors.push(`SLACK_ACTIONS_ALLOWED: ${e}`);
  }
  const bots = Object.entries(sinks).filter(([, s]) => s.type === 'slack-api');
  const named = f.sink;
  const chosen = named === undefined ? (bots.length === 1 ? bots[0] : undefined) : bots.find(([name]) => name === named);
  if (chosen === undefined) {
    errors.push(
      named !== undefined
        ? `slackActions.sink: no slack-api sink named "${named}"`
        : bots.length === 0
          ? 'Slack actions need the Slack bot sink (SLACK_BOT_TOKEN and SLACK_CHANNEL): the buttons ride on its messages'
          : `slackActions.sink: name which of the slack-api sinks (${bots.map(([n]) => n).join(', ')}) carries the buttons`,
    );
  }
  if (errors.length > before || chosen === undefined || allowedRaw === undefined) return undefined;
  const [sink, spec] = chosen;
  if (spec.type !== 'slack-api') return undefined;
  return {
    sink,
    botToken: spec.botToken,
    ...(spec.apiUrl === undefined ? {} : { apiUrl: spec.apiUrl }),
    ...(signingSecret === undefined ? {} : { signingSecret }),
    ...(appToken === undefined ? {} : { appToken }),
    allowed: allowedRaw.map((s) => s.trim()).filter((s) => s !== ''),
    checkIntervalMs: f.checkIntervalMs ?? SLACK_ACTIONS_DEFAULTS.checkIntervalMs,
  };
}
