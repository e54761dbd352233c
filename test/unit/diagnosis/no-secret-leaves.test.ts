/**
 * Whatever a crashing program prints, no credential leaves in any field of the diagnosis: titles,
 * summaries, proof, remedies (which quote hosts from the log), verify steps, findings, the excerpt.
 */
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/diagnosis/diagnose.ts';
import { redact } from '../../../src/diagnosis/redact.ts';
import { fixtures, toEvidence } from '../../fixtures/diagnosis/index.ts';

const SECRETS = ['hunter2secret', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'S3cr3tPass', 'topsecretpw', 'AKIAIOSFODNN7EXAMPLE'];
const LEAKY_LINES = [
  'Error: connect ECONNREFUSED postgres://app:hunter2secret@db.internal:5432/app',
  'panic: auth failed for token=ghp_abcdefghijklmnopqrstuvwxyz0123456789',
  "KeyError: 'password=S3cr3tPass!'",
  'FATAL: password authentication failed; DATABASE_URL=postgres://u:topsecretpw@h/db',
  '{"level":"error","msg":"s3 denied","aws_access_key_id":"AKIAIOSFODNN7EXAMPLE"}',
];

describe('no secret leaves in a diagnosis', () => {
  const withLogs = fixtures.filter((f) => f.log !== undefined);
  it.each(withLogs.map((f) => [f.name, f]))('%s, with credentials appended to its log', (_name, f) => {
    for (const line of LEAKY_LINES) {
      const out = JSON.stringify(diagnose(toEvidence({ ...f, log: `${f.log ?? ''}\n${line}\n` })));
      for (const secret of SECRETS) expect(out).not.toContain(secret);
    }
  });

  it('names the host and port of a connection URL without its credentials', () => {
    const f = withLogs.find((x) => x.expected.cause === 'app-crash');
    if (f === undefined) throw new Error('no app-crash fixture with a log');
    const d = diagnose(toEvidence({ ...f, log: 'Error: connect ECONNREFUSED postgres://app:hunter2secret@db.internal:5432/app\n' }));
    expect(d.remedies.map((r) => r.title).join('\n')).toContain('db.internal:5432');
  });
});

describe('redact keeps what is not a secret', () => {
  it.each([
    ['a word that merely starts with a secret word', 'tokenizer: roll back'],
    ['placeholders in printed commands', '--from-literal=DB_PASSWORD=VALUE --docker-password=<password>'],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell-style reference, as logs print it
    ['environment references', 'password=${DB_PASSWORD} token=$API_TOKEN'],
    ['a file that holds the secret', 'passwordFile=/etc/app/db-password'],
  ])('%s', (_name, text) => {
    expect(redact(text)).toBe(text);
  });

  it('masks camelCase and suffixed keys', () => {
    expect(redact('secretKey=abc123 api_token: xyz tokenValue="q"')).toBe('secretKey=*** api_token: *** tokenValue="***"');
  });
});
