import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/config.ts';

const base = { WEBHOOK_TOKEN: 't', SLACK_BOT_TOKEN: 'xoxb-1', SLACK_CHANNEL: '#incidents' };
const actions = { SLACK_SIGNING_SECRET: 's3cret', SLACK_ACTIONS_ALLOWED: 'U0ALICE, S0ONCALL', ALERTMANAGER_URL: 'http://alertmanager:9093' };

describe('Slack actions settings', () => {
  it('are off without a signing secret or an app token', () => {
    const r = loadConfig(base);
    expect(r.ok && r.config.slackActions).toBeUndefined();
  });

  it('from the environment: the bot sink, the allowlist, Alertmanager with its token', () => {
    const r = loadConfig({ ...base, ...actions, SLACK_APP_TOKEN: 'xapp-1-A1-2-abc', ALERTMANAGER_TOKEN: 'am-token' });
    if (!r.ok) throw new Error(r.errors.join('\n'));
    expect(r.config.slackActions).toMatchObject({
      sink: 'slack-api',
      botToken: 'xoxb-1',
      signingSecret: 's3cret',
      appToken: 'xapp-1-A1-2-abc',
      allowed: ['U0ALICE', 'S0ONCALL'],
    });
    expect(r.config.alertmanager).toEqual({ url: 'http://alertmanager:9093', bearerToken: 'am-token' });
  });

  it('from the YAML file, the environment winning', () => {
    const yaml = [
      'sinks:',
      '  ops: { type: slack-api, botToken: xoxb-file, channel: "#ops" }',
      'alertmanager: { url: "http://am.file:9093", bearerToken: file-token }',
      'slackActions: { signingSecret: file-secret, allowed: [U0FILE], checkIntervalMs: 30000 }',
    ].join('\n');
    const r = loadConfig({ WEBHOOK_TOKEN: 't', CONFIG_FILE: '/c.yaml', SLACK_ACTIONS_ALLOWED: 'U0ENV' }, () => yaml);
    if (!r.ok) throw new Error(r.errors.join('\n'));
    expect(r.config.slackActions).toMatchObject({
      sink: 'ops',
      botToken: 'xoxb-file',
      signingSecret: 'file-secret',
      allowed: ['U0ENV'],
      checkIntervalMs: 30000,
    });
    expect(r.config.alertmanager).toEqual({ url: 'http://am.file:9093', bearerToken: 'file-token' });
  });

  it.each([
    ['no Alertmanager', { ...base, ...actions, ALERTMANAGER_URL: '' }, /ALERTMANAGER_URL: required/],
    ['no allowlist', { ...base, ...actions, SLACK_ACTIONS_ALLOWED: '' }, /SLACK_ACTIONS_ALLOWED: required/],
    ['a name in the allowlist', { ...base, ...actions, SLACK_ACTIONS_ALLOWED: '@alice' }, /SLACK_ACTIONS_ALLOWED: "@alice" is not a Slack id/],
    ['a bot token as app token', { ...base, ...actions, SLACK_APP_TOKEN: 'xoxb-2' }, /SLACK_APP_TOKEN: not an app-level token/],
    ['no bot sink', { WEBHOOK_TOKEN: 't', ...actions }, /need the Slack bot sink/],
    ['an allowlist with nothing to receive clicks', { ...base, SLACK_ACTIONS_ALLOWED: 'U0ALICE' }, /set without SLACK_SIGNING_SECRET or SLACK_APP_TOKEN/],
    ['an Alertmanager URL that is not one', { ...base, ...actions, ALERTMANAGER_URL: 'alertmanager:9093' }, /ALERTMANAGER_URL: not an http\(s\) URL/],
  ])('refuses %s, by name', (_what, env, message) => {
    const r = loadConfig(env);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.join('\n')).toMatch(message);
  });
});

describe('Slack actions secrets in the log', () => {
  it('are censored when the config is logged: signing secret, app token, bot token, Alertmanager token', async () => {
    const { createLogger } = await import('../../../src/logger.ts');
    const r = loadConfig({ ...base, ...actions, SLACK_APP_TOKEN: 'xapp-1-A1-2-secretapp', ALERTMANAGER_TOKEN: 'am-secret-token' });
    if (!r.ok) throw new Error(r.errors.join('\n'));
    let out = '';
    const logger = createLogger('info', { write: (s: string) => (out += s) });
    logger.info({ config: r.config }, 'config');
    logger.info(r.config, 'config at the top level');
    for (const secret of ['s3cret', 'xapp-1-A1-2-secretapp', 'am-secret-token', 'xoxb-1']) expect(out).not.toContain(secret);
    expect(out).toContain('[REDACTED]');
  });
});
