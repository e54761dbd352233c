/** PROMETHEUS_* settings: optional, validated, credentials read from files and never kept in the URL. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/config.ts';

const files: Record<string, string> = { '/run/token': 'tok-1\n', '/run/pw': 'pw-1\n', '/run/empty': '' };
const read = (path: string): string => {
  const text = files[path];
  if (text === undefined) throw Object.assign(new Error(path), { code: 'ENOENT' });
  return text;
};
const load = (env: Record<string, string>) => loadConfig({ WEBHOOK_TOKEN: 't', ...env }, read);

describe('Prometheus config', () => {
  it('is off without PROMETHEUS_URL', () => {
    const r = load({});
    expect(r.ok && r.config.prometheus).toBe(undefined);
  });

  it('has defaults, a bearer token from its file, or basic auth', () => {
    expect(load({ PROMETHEUS_URL: 'http://prometheus:9090' })).toMatchObject({
      ok: true,
      config: { prometheus: { url: 'http://prometheus:9090', timeoutMs: 2000, historyHours: 6 } },
    });
    expect(load({ PROMETHEUS_URL: 'https://p', PROMETHEUS_BEARER_TOKEN_FILE: '/run/token', PROMETHEUS_TIMEOUT_MS: '1500' })).toMatchObject({
      ok: true,
      config: { prometheus: { bearerToken: 'tok-1', timeoutMs: 1500 } },
    });
    expect(load({ PROMETHEUS_URL: 'https://p', PROMETHEUS_USERNAME: 'ct', PROMETHEUS_PASSWORD_FILE: '/run/pw', PROMETHEUS_HISTORY_HOURS: '12' })).toMatchObject(
      {
        ok: true,
        config: { prometheus: { basicAuth: { username: 'ct', password: 'pw-1' }, historyHours: 12 } },
      },
    );
  });

  it.each([
    [{ PROMETHEUS_URL: 'prometheus:9090' }, 'PROMETHEUS_URL: not an http(s) URL'],
    [{ PROMETHEUS_URL: 'http://u:secret@p' }, 'PROMETHEUS_URL: put the password in PROMETHEUS_PASSWORD_FILE, not in the URL'],
    [{ PROMETHEUS_URL: 'http://p', PROMETHEUS_TIMEOUT_MS: '0' }, 'PROMETHEUS_TIMEOUT_MS: "0" is not a whole number from 100 to 60000'],
    [{ PROMETHEUS_URL: 'http://p', PROMETHEUS_HISTORY_HOURS: '200' }, 'PROMETHEUS_HISTORY_HOURS: "200" is not a whole number from 1 to 72'],
    [{ PROMETHEUS_URL: 'http://p', PROMETHEUS_PASSWORD_FILE: '/run/pw' }, 'PROMETHEUS_USERNAME: required with PROMETHEUS_PASSWORD_FILE'],
    [{ PROMETHEUS_URL: 'http://p', PROMETHEUS_USERNAME: 'u' }, 'PROMETHEUS_PASSWORD_FILE: required with PROMETHEUS_USERNAME'],
    [{ PROMETHEUS_URL: 'http://p', PROMETHEUS_BEARER_TOKEN_FILE: '/run/token', PROMETHEUS_USERNAME: 'u' }, expect.stringMatching(/both set: keep one/)],
    [{ PROMETHEUS_URL: 'http://p', PROMETHEUS_BEARER_TOKEN_FILE: '/run/missing' }, 'PROMETHEUS_BEARER_TOKEN_FILE: cannot read /run/missing (ENOENT)'],
  ])('%o is refused by name', (env, message) => {
    expect(load(env)).toEqual({ ok: false, errors: [message] });
  });
});
