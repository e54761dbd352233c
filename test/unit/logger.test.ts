// The process logger censors what pino's own redaction of every SECRET_PATHS path censored, line for
// line: `*.field` paths are censored before pino writes (src/logger.ts says why), the rest by pino.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { SECRET_PATHS } from '../../src/config/config.ts';
import { CENSOR, createLogger } from '../../src/logger.ts';

function capture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8').replace(/"time":"[^"]*",/, ''));
      done();
    },
  });
  return { lines, stream };
}

const failure = Object.assign(new Error('send failed', { cause: new Error('socket hang up') }), { code: 'E_SINK', password: 'err-secret' });

const LINES: [object, string][] = [
  [{ spec: { type: 'slack-api', botToken: 'xoxb-secret', channel: '#alerts' } }, 'a sink'],
  [{ sinks: { mail: { type: 'email', smtpUrl: 'smtp://u:secret@mail', password: 'secret' } } }, 'the sinks'],
  [{ config: { webhookToken: 'tok', sinks: { hook: { webhookUrl: 'https://hooks/secret' } }, password: 'cfg-secret' } }, 'the config'],
  [{ webhookToken: 'tok', headers: { authorization: 'Bearer secret', accept: '*/*' } }, 'a request'],
  [{ routingKey: 'top-level-key-is-not-a-wildcard-path', pd: { routingKey: 'secret', severity: 'critical' } }, 'pagerduty'],
  [{ err: failure }, 'an error with a secret field'],
  [
    { fingerprint: 'ab12', pod: 'shop/web-1', problems: 1, list: [{ password: 'in an array: not a path' }], deep: { a: { password: 'two levels' } } },
    'diagnosed',
  ],
];

describe('createLogger', () => {
  it('censors every line as pino redacting all of SECRET_PATHS did', () => {
    const [before, after] = [capture(), capture()];
    const reference = pino(
      { level: 'info', base: { service: 'crashtriage' }, redact: { paths: SECRET_PATHS, censor: CENSOR }, timestamp: pino.stdTimeFunctions.isoTime },
      before.stream,
    );
    const logger = createLogger('info', after.stream);
    for (const [fields, msg] of LINES) {
      reference.info(fields, msg);
      logger.info(fields, msg);
    }
    reference.error(failure, 'an error logged alone');
    logger.error(failure, 'an error logged alone');
    expect(after.lines).toEqual(before.lines);
    expect(after.lines.join('')).not.toMatch(/xoxb-secret|u:secret|hooks\/secret|Bearer secret|err-secret|"routingKey":"secret"/);
    // The error keeps its stack (an accessor read on the original) and its cause.
    expect(after.lines.join('')).toContain('caused by: Error: socket hang up');
    expect(after.lines.join('')).toMatch(/"stack":"Error: send failed\\n/);
  });

  it("censors a child logger's bindings, at any depth, and leaves the logged object as it was", () => {
    const { lines, stream } = capture();
    const spec = { type: 'teams', webhookUrl: 'https://teams/secret' };
    createLogger('info', stream).child({ groupKey: 'g' }).child({ spec }).info({ n: 1 }, 'child');
    expect(lines[0]).toContain(`"spec":{"type":"teams","webhookUrl":"${CENSOR}"}`);
    expect(spec.webhookUrl).toBe('https://teams/secret');
  });
});
