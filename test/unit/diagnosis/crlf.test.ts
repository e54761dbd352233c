/** CRLF scripts: each shell's report of the carriage return, the script it names, and lines that only look alike. */
import { describe, expect, it } from 'vitest';
import { parseCrlf, parseExecFailure } from '../../../src/diagnosis/kube-messages.ts';

describe('parseCrlf', () => {
  it.each<[string, string | undefined]>([
    ['bash: ./entrypoint.sh: /bin/bash^M: bad interpreter: No such file or directory', './entrypoint.sh'],
    ['/bin/sh^M: bad interpreter: No such file or directory', undefined],
    ["/usr/bin/env: 'bash\\r': No such file or directory", undefined],
    ["/app/entrypoint.sh: line 3: $'\\r': command not found", '/app/entrypoint.sh'],
    ['/config/entrypoint.sh: set: line 2: illegal option -', '/config/entrypoint.sh'],
    ['/docker-entrypoint.sh: 3: set: Illegal option -', '/docker-entrypoint.sh'],
  ])('%s', (line, path) => {
    expect(parseCrlf(line)).toEqual({ problem: 'crlf', ...(path === undefined ? {} : { path }) });
    expect(parseExecFailure(line)?.problem).toBe('crlf');
  });

  it.each([
    'bash: ./run.sh: /bin/bash: bad interpreter: No such file or directory',
    '/entrypoint.sh: set: line 2: illegal option -z',
    "/usr/bin/env: 'python3': No such file or directory",
    '/bin/sh: 1: foo: not found',
  ])('not CRLF: %s', (line) => {
    expect(parseCrlf(line)).toBeUndefined();
  });
});
