import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/config.ts';

const files =
  (map: Record<string, string>) =>
  (path: string): string => {
    const text = map[path];
    if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    return text;
  };

describe('loadConfig', () => {
  it('applies the defaults and the console sink when only a token is set', () => {
    const result = loadConfig({ WEBHOOK_TOKEN: 's3cret' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config).toMatchObject({
      host: '0.0.0.0',
      port: 8080,
      webhookToken: 's3cret',
      sinks: { console: { type: 'console' } },
      defaultSinks: ['console'],
    });
  });

  it('reads the HTTP timeouts, and refuses a headers timeout above the request timeout', () => {
    const result = loadConfig({ WEBHOOK_TOKEN: 't', HTTP_HEADERS_TIMEOUT_MS: '2000', HTTP_REQUEST_TIMEOUT_MS: '5000', HTTP_KEEPALIVE_TIMEOUT_MS: '9000' });
    expect(result.ok && result.config.http).toEqual({ headersTimeoutMs: 2000, requestTimeoutMs: 5000, keepAliveTimeoutMs: 9000, idleTimeoutMs: 60_000 });
    expect(loadConfig({ WEBHOOK_TOKEN: 't', HTTP_HEADERS_TIMEOUT_MS: '40000' })).toEqual({
      ok: false,
      errors: ['HTTP_HEADERS_TIMEOUT_MS: must not exceed HTTP_REQUEST_TIMEOUT_MS'],
    });
    expect(loadConfig({ WEBHOOK_TOKEN: 't', HTTP_IDLE_TIMEOUT_MS: 'soon' }).ok).toBe(false);
  });

  it('refuses to start without a token unless ALLOW_UNAUTHENTICATED=true', () => {
    const refused = loadConfig({});
    expect(refused).toEqual({ ok: false, errors: [expect.stringContaining('WEBHOOK_TOKEN or WEBHOOK_TOKEN_FILE is required')] });
    expect(loadConfig({ ALLOW_UNAUTHENTICATED: 'true' }).ok).toBe(true);
  });

  it('reads the token from WEBHOOK_TOKEN_FILE, trimmed', () => {
    const result = loadConfig({ WEBHOOK_TOKEN_FILE: '/run/token' }, files({ '/run/token': 'abc123\n' }));
    expect(result.ok && result.config.webhookToken).toBe('abc123');
  });

  it('reports every invalid setting at once, by name', () => {
    const result = loadConfig(
      {
        WEBHOOK_TOKEN_FILE: '/missing',
        PORT: 'eighty',
        LOG_LEVEL: 'loud',
        SLACK_WEBHOOK_URL: 'not a url',
        SLACK_CHANNEL: '#alerts',
        SMTP_URL: 'smtp://mail:25',
        FORWARD_WEBHOOK_URL: 'ftp://x',
      },
      files({}),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const names = result.errors.map((e) => e.split(':')[0]);
    expect(names).toEqual(
      expect.arrayContaining(['WEBHOOK_TOKEN_FILE', 'PORT', 'LOG_LEVEL', 'SLACK_WEBHOOK_URL', 'SLACK_BOT_TOKEN', 'EMAIL_FROM', 'FORWARD_WEBHOOK_URL']),
    );
  });

  it('builds the sinks of the environment variables', () => {
    const result = loadConfig(
      {
        WEBHOOK_TOKEN: 't',
        SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/x',
        SLACK_BOT_TOKEN: 'xoxb-1',
        SLACK_CHANNEL: '#crashes',
        SMTP_URL: 'smtps://alerts@mail.example.com:465',
        SMTP_PASSWORD_FILE: '/run/smtp',
        EMAIL_FROM: 'crashtriage@example.com',
        EMAIL_TO: 'oncall@example.com, sre@example.com',
        FORWARD_WEBHOOK_URL: 'http://collector:9000/in',
      },
      files({ '/run/smtp': 'pw\n' }),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(Object.keys(result.config.sinks).sort()).toEqual(['email', 'slack', 'slack-api', 'webhook']);
    expect(result.config.sinks['email']).toMatchObject({ to: ['oncall@example.com', 'sre@example.com'], password: 'pw' });
  });

  it('reads routes and named sinks from CONFIG_FILE, the environment winning on scalars', () => {
    const yaml = `
port: 9000
logLevel: debug
sinks:
  payments-slack: { type: slack, webhookUrl: "https://hooks.slack.com/services/T/B/p" }
  everything: { type: webhook, url: "http://collector:9000/in" }
routes:
  - match: { namespace: payments }
    matchRe: { severity: "critical|warning" }
    sinks: [payments-slack]
    continue: true
defaultSinks: [everything]
`;
    const result = loadConfig({ WEBHOOK_TOKEN: 't', CONFIG_FILE: '/etc/ct.yaml', PORT: '9100' }, files({ '/etc/ct.yaml': yaml }));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.port).toBe(9100);
    expect(result.config.logLevel).toBe('debug');
    expect(result.config.routes[0]).toMatchObject({ sinks: ['payments-slack'], continue: true });
    expect(result.config.defaultSinks).toEqual(['everything']);
  });

  it('names an unknown key in the file', () => {
    const yaml = 'prot: 9000\n';
    const result = loadConfig({ WEBHOOK_TOKEN: 't', CONFIG_FILE: '/c.yaml' }, files({ '/c.yaml': yaml }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.join('\n')).toContain('(prot)');
  });

  it('reports the sink and regex errors of a file that passes the schema', () => {
    const yaml = `
sinks:
  a: { type: webhook, url: "http://x/" }
routes:
  - { sinks: [b], matchRe: { namespace: "(" } }
`;
    const result = loadConfig({ WEBHOOK_TOKEN: 't', CONFIG_FILE: '/c.yaml' }, files({ '/c.yaml': yaml }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual(
      expect.arrayContaining([expect.stringContaining('no sink named "b"'), expect.stringContaining('routes[0].matchRe.namespace')]),
    );
  });

  it('says which file cannot be parsed', () => {
    const result = loadConfig({ WEBHOOK_TOKEN: 't', CONFIG_FILE: '/c.yaml' }, files({ '/c.yaml': 'a: [' }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors[0]).toMatch(/^CONFIG_FILE: cannot read \/c\.yaml/);
  });
});
