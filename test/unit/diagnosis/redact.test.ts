import { describe, expect, it } from 'vitest';
import { redact, redactLines } from '../../../src/diagnosis/redact.ts';

describe('redact', () => {
  it.each([
    [
      'password in a URL',
      'connecting to postgres://payments:Sup3rS3cret@db-primary.internal:5432/payments',
      'Sup3rS3cret',
      'postgres://payments:***@db-primary.internal:5432/payments',
    ],
    ['password in an amqp URL', 'broker=amqps://svc:pa%24%24w0rd@mq.internal/vhost', 'pa%24%24w0rd', 'amqps://svc:***@mq.internal/vhost'],
    ['Authorization: Bearer header', 'GET /api Authorization: Bearer 9f8e7d6c5b4a3210abcdef', '9f8e7d6c5b4a3210abcdef', 'Authorization: Bearer ***'],
    ['bare bearer token', 'retrying with bearer abcdefghijklmnop1234', 'abcdefghijklmnop1234', 'bearer ***'],
    [
      'bare JWT',
      'token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U accepted',
      'dozjgNryP4J3jVmNHl0w5N',
      'token [REDACTED-JWT] accepted',
    ],
    ['AWS access key id', 'using key AKIAIOSFODNN7EXAMPLE for s3', 'AKIAIOSFODNN7EXAMPLE', 'using key [REDACTED-AWS-KEY-ID] for s3'],
    ['AWS session key id', 'creds ASIAY34FZKBOKMUTVV7A expired', 'ASIAY34FZKBOKMUTVV7A', 'creds [REDACTED-AWS-KEY-ID] expired'],
    [
      'AWS secret key pair',
      'aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY region=eu-west-1',
      'wJalrXUtnFEMI',
      'aws_secret_access_key=*** region=eu-west-1',
    ],
    ['password= pair', 'db login user=app password=hunter2 host=db', 'hunter2', 'user=app password=*** host=db'],
    ['passwd: pair', 'passwd: hunter2', 'hunter2', 'passwd: ***'],
    ['a lower-case word ending the line', 'SECRET_KEY_BASE: letmein', 'letmein', 'SECRET_KEY_BASE: ***'],
    ['a word with a digit before more words', 'DB_PASSWORD: hunter2 was refused', 'hunter2', 'DB_PASSWORD: *** was refused'],
    ['a pair followed by another pair', 'password: letmein, user: app', 'letmein', 'password: ***, user: app'],
    ['secret= pair', 'client secret=s3cr3t-value ok', 's3cr3t-value', 'secret=*** ok'],
    ['token= pair', 'callback?token=abc123def&next=/home', 'abc123def', 'token=***&next=/home'],
    ['api_key pair', 'api_key=sk_live_51Hx', 'sk_live_51Hx', 'api_key=***'],
    ['apikey quoted with spaces', 'apikey="two words"', 'two words', 'apikey="***"'],
    ['client_secret pair', 'client_secret: Zx81-lq', 'Zx81-lq', 'client_secret: ***'],
    ['a dashed key after a dotted prefix', 'app.webhook-secret: Zx81-lq', 'Zx81-lq', 'app.webhook-secret: ***'],
    ['a key after a parenthesis', 'login failed (db_password=hunter2 refused)', 'hunter2', 'login failed (db_password=*** refused)'],
    ['a key ending a path, before =', 'mounted /run/x/token=abc123def', 'abc123def', 'mounted /run/x/token=***'],
    ['a dashed key ending a path, before =', 'GET /v1/session/api-key=sk_live_51Hx 401', 'sk_live_51Hx', 'GET /v1/session/api-key=*** 401'],
    [
      'JSON password',
      '{"level":"error","user":"bob","password":"hunter2","msg":"login failed"}',
      'hunter2',
      '{"level":"error","user":"bob","password":"***","msg":"login failed"}',
    ],
    ['JSON token with escaped quote', '{"access_token":"a\\"b","ok":true}', 'a\\"b', '{"access_token":"***","ok":true}'],
    ['Slack bot token', 'posting with xoxb-123456789012-1234567890123-AbCdEfGhIjKl', 'xoxb-123456789012', 'posting with [REDACTED-SLACK-TOKEN]'],
    [
      'GitHub token',
      'clone with ghp_16C7e42F292c6912E7710c838347Ae178B4a failed',
      'ghp_16C7e42F292c6912E7710c838347Ae178B4a',
      'clone with [REDACTED-GITHUB-TOKEN] failed',
    ],
    ['GitHub fine-grained token', 'GH github_pat_11ABCDEFG0123456789_abcdefghijklmnop', 'github_pat_11ABCDEFG', 'GH [REDACTED-GITHUB-TOKEN]'],
    ['private key on one line', 'key=-----BEGIN RSA PRIVATE KEY-----MIIEowIBAAKCAQEA-----END RSA PRIVATE KEY----- loaded', 'MIIEowIBAAKCAQEA', 'loaded'],
  ])('%s: the secret is gone and the line still reads', (_label, input, secret, kept) => {
    const out = redact(input);
    expect(out).not.toContain(secret);
    expect(out).toContain(kept);
  });

  it.each([
    ["KeyError: 'DATABASE_URL'"],
    ['secret "db-creds" not found'],
    ['secretName: db-creds'],
    ['token_file=/var/run/secrets/token'],
    ['MountVolume.SetUp failed for volume "config" : configmap "app-config" not found'],
    ['dial tcp 10.0.0.5:5432: connect: connection refused'],
  ])('leaves non-secrets alone: %s', (line) => {
    expect(redact(line)).toBe(line);
  });

  it('is idempotent', () => {
    const once = redact('postgres://u:p@h/db password=x {"token":"y"} AKIAIOSFODNN7EXAMPLE');
    expect(redact(once)).toBe(once);
  });
});

describe('redactLines', () => {
  it('masks a private key block spread over lines and keeps the line count', () => {
    const lines = [
      'loading key',
      '-----BEGIN PRIVATE KEY-----',
      'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC',
      'BKcwggSjAgEAAoIBAQC7',
      '-----END PRIVATE KEY-----',
      'done password=x',
    ];
    const out = redactLines(lines);
    expect(out).toHaveLength(lines.length);
    expect(out.join('\n')).not.toContain('MIIEvQIBADAN');
    expect(out.join('\n')).not.toContain('BKcwggSjAgEA');
    expect(out[1]).toContain('-----BEGIN PRIVATE KEY-----');
    expect(out[4]).toContain('-----END PRIVATE KEY-----');
    expect(out[5]).toBe('done password=***');
  });

  it('masks to the end when the block never closes', () => {
    expect(redactLines(['-----BEGIN EC PRIVATE KEY-----', 'abc', 'def'])).toEqual(['-----BEGIN EC PRIVATE KEY----- [REDACTED]', '[REDACTED]', '[REDACTED]']);
  });
});
