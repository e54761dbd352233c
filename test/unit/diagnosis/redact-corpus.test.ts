/**
 * The secret corpus (test/support/secret-corpus.ts, over 40 formats from public scanners' rule
 * families) in every shape text reaches the redactor: a log line, a multi-line log, a JSON log
 * field, a container argument quoted as proof, and an alert annotation or label value.
 */
import { describe, expect, it } from 'vitest';
import { redact, redactLines, redactMap } from '../../../src/diagnosis/redact.ts';
import { SECRET_CORPUS } from '../../support/secret-corpus.ts';

describe('the secret corpus', () => {
  it('has at least 40 formats, each needle inside its text', () => {
    expect(new Set(SECRET_CORPUS.map((s) => s.format)).size).toBeGreaterThanOrEqual(40);
    for (const s of SECRET_CORPUS) expect(s.text).toContain(s.needle);
  });

  it.each(SECRET_CORPUS.map((s) => [s.format, s]))('%s: masked as a line, in a log, in JSON, as an argument, as an annotation', (_format, s) => {
    const shapes = [
      redact(s.text),
      redact(`2026-11-30T03:12:44Z ERROR request failed: ${s.text} (retrying)`),
      redactLines(['starting', ...s.text.split('\n'), 'exiting with code 1']).join('\n'),
      redact(JSON.stringify({ level: 'error', msg: 'startup failed', detail: s.text })),
      redact(`args ${JSON.stringify(['--config', '/etc/app.yaml', s.text])}`),
      JSON.stringify(redactMap({ description: `The service logged: ${s.text}`, runbook: 'https://runbooks.example/crash' })),
    ];
    for (const out of shapes) expect(out).not.toContain(s.needle);
  });

  it('is idempotent over the corpus', () => {
    for (const s of SECRET_CORPUS) {
      const once = redact(s.text);
      expect(redact(once)).toBe(once);
    }
  });
});

describe('redactMap', () => {
  it('masks a value whole when its key names a secret, and redacts the others as text', () => {
    expect(redactMap({ api_token: 'plain-words-here', summary: 'login with password=hunter2x failed', pod: 'web-1' })).toEqual({
      api_token: '***',
      summary: 'login with password=*** failed',
      pod: 'web-1',
    });
  });

  it('keeps keys that name where a secret is, and placeholders', () => {
    const labels = { secret_name: 'db-creds', token_file: '/var/run/secrets/token', password: '<unset>' };
    expect(redactMap(labels)).toEqual(labels);
  });
});

describe('precision: ordinary text is left alone', () => {
  it.each([
    ['a git commit SHA', 'built from 3f2c9a1b7d4e5f60718293a4b5c6d7e8f9012345 at 12:00'],
    ['a 40-character path', 'open /usr/share/zoneinfo/America/Argentina/Buenos_Aires: no such file'],
    ['a Java class path', 'at org/springframework/boot/SpringApplication.run(SpringApplication.java:315)'],
    ['a URL with a port and an @ in the path', 'GET http://registry.internal:4873/@acme/ui-kit 404'],
    ['a URL with a port and an email in the query', 'POST http://api.internal:8080/v1/invite?email=ops@example.com 500'],
    ['a Go signal line', '[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4a2b3c]'],
    ['code that names a signature variable', 'const sig = signalFromExitCode(code)'],
    ['a cookie mentioned in prose', 'warning: no Set-Cookie header in the response'],
    ['a flag that takes a file', '--password-file /etc/app/db-password --token-ttl 5m'],
    ['a boolean flag for a secret', 'require_password=true use_token: false'],
    ['a word that merely starts with a secret word', 'tokenizer: roll back; passthrough=yes; compass=north'],
    ['token counts', 'max_tokens=4096 token_count=12'],
    ['prose after a secret-naming variable', 'The spec sets RAILS_SECRET_KEY_BASE, the app reads SECRET_KEY_BASE: rename it (keeping its value)'],
    ['a log sentence after a secret-naming variable', 'config error: DB_PASSWORD: missing required value'],
    ['the Kubernetes reason for a missing Secret', 'Error: secret "db-credentials" not found'],
    // nginxinc/kubernetes-ingress: a Go error chain whose path ends in a Secret's name (bench/cases/sub-tls-nginx-ingress-ip-san).
    [
      'a Secret object reference ending a path, in an error chain',
      'could not get kube-system/ingress-default-server-secret: Get https://10.96.0.1:443/api/v1/namespaces/kube-system/secrets/ingress-default-server-secret: x509: cannot validate certificate',
    ],
    ['a key ending a path, before a colon and an error', 'open /run/secrets/db_password: permission denied'],
    ['a file-naming key ending a path, before =', 'config /etc/app/token_file=/var/run/secrets/token'],
    ['an image digest', 'image registry.internal/app@sha256:4b0f3a5c9e7d2f1a8b6c0d4e2f9a7b5c3d1e0f8a6b4c2d0e9f7a5b3c1d0e8f6a'],
  ])('%s', (_name, line) => {
    expect(redact(line)).toBe(line);
  });
});
