import { describe, expect, it } from 'vitest';
import { detectRuntime, findSignatures, primarySignature } from '../../../src/diagnosis/log-reader.ts';
import type { SignatureKind } from '../../../src/diagnosis/log-signature-types.ts';
import { isBelowError, parseLeveled } from '../../../src/diagnosis/log-structured.ts';

function primary(log: string) {
  const lines = log.split('\n');
  return primarySignature(findSignatures(lines), lines);
}

describe('primarySignature finds the decisive line', () => {
  it.each<[string, string, SignatureKind, string, Record<string, string>?]>([
    [
      'Python traceback: the final exception line',
      'Traceback (most recent call last):\n  File "/app/x.py", line 1, in <module>\n    run()\nValueError: bad port',
      'crash',
      'ValueError: bad port',
    ],
    [
      'Python os.environ KeyError',
      'Traceback (most recent call last):\n  File "/app/x.py", line 1, in <module>\n    os.environ["API_TOKEN"]\nKeyError: \'API_TOKEN\'',
      'missing-env',
      "KeyError: 'API_TOKEN'",
      { name: 'API_TOKEN' },
    ],
    [
      'Python ModuleNotFoundError',
      'Traceback (most recent call last):\n  File "/app/x.py", line 1, in <module>\nModuleNotFoundError: No module named \'yaml\'',
      'missing-module',
      "ModuleNotFoundError: No module named 'yaml'",
      { path: 'yaml' },
    ],
    [
      'Python FileNotFoundError',
      "FileNotFoundError: [Errno 2] No such file or directory: '/etc/app/config.yaml'",
      'missing-file',
      "FileNotFoundError: [Errno 2] No such file or directory: '/etc/app/config.yaml'",
      { path: '/etc/app/config.yaml' },
    ],
    ['Python MemoryError', 'Traceback (most recent call last):\n  File "x", line 2\nMemoryError', 'runtime-oom', 'MemoryError'],
    [
      'Go panic',
      'panic: runtime error: index out of range [3] with length 3\n\ngoroutine 1 [running]:\nmain.main()',
      'crash',
      'panic: runtime error: index out of range [3] with length 3',
    ],
    ['Go fatal error (not OOM)', 'fatal error: concurrent map writes\n\ngoroutine 7 [running]:', 'crash', 'fatal error: concurrent map writes'],
    ['Go runtime OOM', 'fatal error: runtime: out of memory', 'runtime-oom', 'fatal error: runtime: out of memory'],
    [
      'Go os.PathError',
      'level=fatal msg="read config" error="open /etc/app/config.yaml: no such file or directory"',
      'missing-file',
      'read config: open /etc/app/config.yaml: no such file or directory',
      { path: '/etc/app/config.yaml' },
    ],
    [
      'Go dial refused',
      '2026/04/09 14:03:24 dial tcp 10.0.0.5:5432: connect: connection refused',
      'dependency-unreachable',
      '2026/04/09 14:03:24 dial tcp 10.0.0.5:5432: connect: connection refused',
      { endpoint: '10.0.0.5:5432', failure: 'refused' },
    ],
    [
      'Go i/o timeout',
      'dial tcp 10.0.0.9:443: i/o timeout',
      'dependency-unreachable',
      'dial tcp 10.0.0.9:443: i/o timeout',
      { endpoint: '10.0.0.9:443', failure: 'timeout' },
    ],
    [
      'Node ENOTFOUND thrown',
      'Error: getaddrinfo ENOTFOUND db\n    at GetAddrInfoReqWrap.onlookup [as oncomplete] (node:dns:107:26)',
      'crash',
      'Error: getaddrinfo ENOTFOUND db',
    ],
    [
      'Node ENOTFOUND logged',
      'redis error: getaddrinfo ENOTFOUND redis-master',
      'dependency-unreachable',
      'redis error: getaddrinfo ENOTFOUND redis-master',
      { endpoint: 'redis-master', failure: 'dns' },
    ],
    [
      'Python DNS failure',
      'socket.gaierror: [Errno -2] Name or service not known',
      'dependency-unreachable',
      'socket.gaierror: [Errno -2] Name or service not known',
      { failure: 'dns' },
    ],
    [
      'Node ETIMEDOUT',
      'Error: connect ETIMEDOUT 10.1.2.3:5672',
      'dependency-unreachable',
      'Error: connect ETIMEDOUT 10.1.2.3:5672',
      { endpoint: '10.1.2.3:5672', failure: 'timeout' },
    ],
    [
      'Node ENOENT',
      "Error: ENOENT: no such file or directory, open '/config/app.json'",
      'missing-file',
      "Error: ENOENT: no such file or directory, open '/config/app.json'",
      { path: '/config/app.json' },
    ],
    [
      'Node uncaught TypeError',
      "/app/index.js:10\n  x.y.z\n    ^\n\nTypeError: Cannot read properties of undefined (reading 'z')\n    at Object.<anonymous> (/app/index.js:10:5)",
      'crash',
      "TypeError: Cannot read properties of undefined (reading 'z')",
    ],
    [
      'Node heap OOM',
      'FATAL ERROR: Ineffective mark-compacts near heap limit Allocation failed - JavaScript heap out of memory',
      'runtime-oom',
      'FATAL ERROR: Ineffective mark-compacts near heap limit Allocation failed - JavaScript heap out of memory',
    ],
    [
      'Java top exception without cause',
      'Exception in thread "main" java.lang.IllegalStateException: no tenants\n\tat com.acme.Main.main(Main.java:9)',
      'crash',
      'java.lang.IllegalStateException: no tenants'.replace(/^/, 'Exception in thread "main" '),
    ],
    [
      'Java UnknownHostException cause',
      'java.lang.RuntimeException: boot\n\tat a.B.c(B.java:1)\nCaused by: java.net.UnknownHostException: kafka-0.kafka',
      'crash',
      'java.net.UnknownHostException: kafka-0.kafka',
    ],
    [
      'Java FileNotFoundException',
      'java.io.FileNotFoundException: /etc/app/app.properties (No such file or directory)',
      'missing-file',
      'java.io.FileNotFoundException: /etc/app/app.properties (No such file or directory)',
      { path: '/etc/app/app.properties' },
    ],
    ['Java OOM metaspace', 'java.lang.OutOfMemoryError: Metaspace', 'runtime-oom', 'java.lang.OutOfMemoryError: Metaspace'],
    ['Rust old-style panic', "thread 'main' panicked at 'bind failed', src/main.rs:9:5", 'crash', "thread 'main' panicked at 'bind failed', src/main.rs:9:5"],
    ['Rust allocation failure', 'memory allocation of 4294967296 bytes failed', 'runtime-oom', 'memory allocation of 4294967296 bytes failed'],
    [
      'C++ bad_alloc',
      "terminate called after throwing an instance of 'std::bad_alloc'\n  what():  std::bad_alloc",
      'runtime-oom',
      "terminate called after throwing an instance of 'std::bad_alloc'",
    ],
    [
      '.NET OOM',
      'Unhandled exception. System.OutOfMemoryException: Insufficient memory',
      'runtime-oom',
      'Unhandled exception. System.OutOfMemoryException: Insufficient memory',
    ],
    ['runc exec format error', 'exec /app/server: exec format error', 'exec-error', 'exec /app/server: exec format error', { path: '/app/server' }],
    [
      'older runc exec error',
      'standard_init_linux.go:228: exec user process caused: exec format error',
      'exec-error',
      'standard_init_linux.go:228: exec user process caused: exec format error',
    ],
    ['bash command not found', 'bash: gunicorn: command not found', 'exec-error', 'bash: gunicorn: command not found', { path: 'gunicorn' }],
    [
      'env var not set',
      'ERROR: environment variable "REDIS_URL" is not set',
      'missing-env',
      'ERROR: environment variable "REDIS_URL" is not set',
      { name: 'REDIS_URL' },
    ],
    ['env var missing (suffix form)', 'fatal: SMTP_HOST env var is required', 'missing-env', 'fatal: SMTP_HOST env var is required', { name: 'SMTP_HOST' }],
    [
      'no value for env',
      'Error: no value set for environment variable JWT_SECRET',
      'missing-env',
      'Error: no value set for environment variable JWT_SECRET',
      { name: 'JWT_SECRET' },
    ],
    [
      'envalid-style missing variables',
      'Missing environment variables:\n    DATABASE_URL: undefined',
      'missing-env',
      'Missing environment variables:\n    DATABASE_URL: undefined'.split('\n')[0] ?? '',
      { name: 'DATABASE_URL' },
    ],
    [
      'config file not found',
      'config file not found: /etc/app/config.yaml',
      'missing-file',
      'config file not found: /etc/app/config.yaml',
      { path: '/etc/app/config.yaml' },
    ],
    [
      'ECS log.level error',
      '{"@timestamp":"2026-04-09T14:03:24Z","log.level":"error","message":"shutting down: upstream unavailable"}',
      'error-log',
      'shutting down: upstream unavailable',
    ],
    ['GCP severity CRITICAL', '{"severity":"CRITICAL","message":"unrecoverable state"}', 'error-log', 'unrecoverable state'],
    [
      'Serilog compact',
      '{"@t":"2026-04-09T14:03:24Z","@l":"Fatal","@mt":"Host terminated unexpectedly","@x":"System.Exception: boom"}',
      'error-log',
      'Host terminated unexpectedly: System.Exception: boom',
    ],
    [
      'klog fatal',
      'F0409 14:03:24.123456       1 main.go:88] failed to create client: invalid configuration',
      'error-log',
      'F0409 14:03:24.123456       1 main.go:88] failed to create client: invalid configuration',
    ],
    [
      'plain ERROR level',
      '2026-04-09 14:03:24,001 ERROR worker: cannot process batch 12',
      'error-log',
      '2026-04-09 14:03:24,001 ERROR worker: cannot process batch 12',
    ],
  ])('%s', (_label, log, kind, text, extra = {}) => {
    const sig = primary(log);
    expect(sig?.kind).toBe(kind);
    expect(sig?.text).toBe(text);
    for (const [k, v] of Object.entries(extra)) expect(sig?.[k as keyof typeof sig]).toBe(v);
  });

  it('returns undefined for a log with nothing decisive', () => {
    expect(primary('starting\nlistening on :8080\nshutting down')).toBeUndefined();
  });

  it('prefers the last of equally strong lines (the one closest to the exit)', () => {
    const sig = primary('dial tcp 10.0.0.5:5432: connect: connection refused\nretrying\ndial tcp 10.0.0.6:5432: connect: connection refused');
    expect(sig?.endpoint).toBe('10.0.0.6:5432');
  });

  it('does not let a warning about a missing variable decide', () => {
    const sig = primary('WARN SENTRY_DSN is not set\n{"level":"error","msg":"boom"}');
    expect(sig?.kind).toBe('error-log');
  });

  it('parses a very long JSON line whole but quotes it cut', () => {
    const sig = primary(`{"level":"error","msg":"${'x'.repeat(10_000)}"}`);
    expect(sig?.kind).toBe('error-log');
    expect(sig?.text.length).toBe(4000);
  });

  it('keeps the connection failure beside a thrown error on the same line', () => {
    const lines = ['Error: connect ECONNREFUSED 10.0.0.5:5432', '    at TCPConnectWrap.afterConnect (node:net:1555:16)'];
    const kinds = findSignatures(lines).map((s) => s.kind);
    expect(kinds).toEqual(['crash', 'dependency-unreachable']);
  });
});

describe('detectRuntime', () => {
  it.each([
    ['goroutine 1 [running]:', 'go'],
    ['Traceback (most recent call last):', 'python'],
    ['Node.js v20.11.1', 'node'],
    ['\tat org.springframework.boot.SpringApplication.run(SpringApplication.java:335)', 'jvm'],
    ["thread 'main' panicked at src/main.rs:1:1:", 'rust'],
    ['Unhandled exception. System.Exception: x', 'dotnet'],
    ['hello world', undefined],
  ])('%s → %s', (line, runtime) => {
    expect(detectRuntime([line], [])).toBe(runtime);
  });
});

describe('structured levels', () => {
  it.each([
    ['{"level":"warn","msg":"slow"}', 'info'],
    ['{"level":40,"msg":"warn"}', 'info'],
    ['{"level":50,"msg":"err"}', 'error'],
    ['{"level":60,"msg":"fatal"}', 'fatal'],
    ['{"level":"dpanic","msg":"x"}', 'fatal'],
    ['time=1 level=error msg=oops', 'error'],
    ['I0409 14:03:24.123456       1 main.go:1] ok', 'info'],
    ['E0409 14:03:24.123456       1 main.go:1] bad', 'error'],
    ['[2026-04-09 14:03:24] CRITICAL: disk full', 'fatal'],
  ])('%s → %s', (line, level) => {
    expect(parseLeveled(line)?.level).toBe(level);
  });

  it.each(['{not json', '[1,2]', '{"msg":"no level"}', 'plain text'])('no level in %s', (line) => {
    expect(parseLeveled(line)).toBeUndefined();
  });

  it.each([
    ['WARN cache miss', true],
    ['[INFO] started', true],
    ['{"level":"info","msg":"x"}', true],
    ['ERROR boom', false],
    ['something happened', false],
  ])('isBelowError(%s) = %s', (line, below) => {
    expect(isBelowError(line)).toBe(below);
  });
});
