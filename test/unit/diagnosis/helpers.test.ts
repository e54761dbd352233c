import { describe, expect, it } from 'vitest';
import { describeEvent, describeHandler, describeProbe, humanDuration, killWindowSeconds } from '../../../src/diagnosis/describe.ts';
import type { ProbeFacts } from '../../../src/diagnosis/evidence.ts';
import { imageInMessage, parseExecFailure, parseImageProblem, parseMissingObject, parseProbeEvent } from '../../../src/diagnosis/kube-messages.ts';
import { buildExcerpt } from '../../../src/diagnosis/log-excerpt.ts';
import { findSignatures, primarySignature } from '../../../src/diagnosis/log-reader.ts';
import { doubledLimit, formatMemory, parseMemory, toMiB } from '../../../src/diagnosis/quantity.ts';
import { shq } from '../../../src/diagnosis/shell.ts';
import { describeExit, exitedWith, signalFromExitCode } from '../../../src/diagnosis/signals.ts';

describe('exit codes name their signal (128 + n)', () => {
  it.each([
    [0, undefined, 'exit 0'],
    [1, undefined, 'exit 1'],
    [128, undefined, 'exit 128'],
    [130, 'SIGINT', 'exit 130 (SIGINT)'],
    [134, 'SIGABRT', 'exit 134 (SIGABRT)'],
    [135, 'SIGBUS', 'exit 135 (SIGBUS)'],
    [137, 'SIGKILL', 'exit 137 (SIGKILL)'],
    [139, 'SIGSEGV', 'exit 139 (SIGSEGV)'],
    [143, 'SIGTERM', 'exit 143 (SIGTERM)'],
    [255, undefined, 'exit 255'],
  ])('%i → %s', (code, name, text) => {
    expect(signalFromExitCode(code)?.signalName).toBe(name);
    expect(describeExit(code)).toBe(text);
  });

  it('words summaries', () => {
    expect(exitedWith(137)).toBe('exited with code 137 (SIGKILL)');
    expect(exitedWith(2)).toBe('exited with code 2');
  });
});

describe('memory quantities', () => {
  it.each([
    ['256Mi', 268435456],
    ['1Gi', 1073741824],
    ['512M', 512e6],
    ['1.5Gi', 1.5 * 1024 ** 3],
    ['129e6', 129e6],
    ['1000', 1000],
    ['64Ki', 65536],
    ['1Ti', 1024 ** 4],
    ['2k', 2000],
  ])('%s = %d bytes', (q, bytes) => {
    expect(parseMemory(q)).toBe(bytes);
  });

  it.each(['', 'lots', '1Zi', '-1Gi'])('rejects %j', (q) => {
    expect(parseMemory(q)).toBeUndefined();
  });

  it.each([
    ['256Mi', '512Mi'],
    ['300Mi', '640Mi'],
    ['512Mi', '1Gi'],
    ['1Gi', '2Gi'],
    ['768Mi', '1536Mi'],
    ['100M', '192Mi'],
  ])('doubles %s to %s, rounded up', (q, next) => {
    expect(formatMemory(doubledLimit(parseMemory(q) ?? 0))).toBe(next);
  });

  it('converts to MiB for runtime flags', () => {
    expect(toMiB(512 * 1024 ** 2)).toBe(512);
  });
});

describe('shell quoting', () => {
  it.each([
    ['payment-svc', 'payment-svc'],
    ['DB_PASSWORD=VALUE', 'DB_PASSWORD=VALUE'],
    ['', "''"],
    ['two words', "'two words'"],
    ["it's", `'it'\\''s'`],
    ['$(rm -rf /)', `'$(rm -rf /)'`],
  ])('%j → %s', (value, quoted) => {
    expect(shq(value)).toBe(quoted);
  });
});

describe('kubectl-style wording', () => {
  it.each([
    [0, '0s'],
    [45, '45s'],
    [119, '119s'],
    [120, '2m'],
    [200, '3m20s'],
    [2820, '47m'],
    [3 * 3600, '3h'],
    [5 * 3600 + 12 * 60, '5h12m'],
    [30 * 3600, '30h'],
    [4 * 86400, '4d'],
  ])('%i seconds → %s', (s, text) => {
    expect(humanDuration(s)).toBe(text);
  });

  it('prints an event with its count like kubectl describe', () => {
    const e = {
      type: 'Warning',
      reason: 'Unhealthy',
      message: 'Liveness probe failed: HTTP probe failed with statuscode: 500',
      count: 12,
      firstTimestamp: '2026-04-09T13:55:00Z',
      lastTimestamp: '2026-04-09T14:05:00Z',
    };
    expect(describeEvent(e)).toBe('Warning Unhealthy: Liveness probe failed: HTTP probe failed with statuscode: 500 (x12 over 10m)');
    expect(describeEvent({ ...e, count: 1 })).toBe('Warning Unhealthy: Liveness probe failed: HTTP probe failed with statuscode: 500');
    expect(describeEvent({ type: 'Normal', reason: 'Killing', message: 'x', count: 3 })).toBe('Normal Killing: x (x3)');
  });

  const probe = (handler: ProbeFacts['handler']): ProbeFacts => ({
    handler,
    initialDelaySeconds: 5,
    periodSeconds: 10,
    timeoutSeconds: 1,
    failureThreshold: 3,
    successThreshold: 1,
  });
  it.each<[ProbeFacts['handler'], string]>([
    [{ kind: 'http', path: '/healthz', port: 8080, scheme: 'HTTP' }, 'GET :8080/healthz'],
    [{ kind: 'http', path: '/healthz', port: 'https', scheme: 'HTTPS' }, 'HTTPS GET :https/healthz'],
    [{ kind: 'tcp', port: 5432 }, 'TCP :5432'],
    [{ kind: 'grpc', port: 9090 }, 'gRPC :9090'],
    [{ kind: 'grpc', port: 9090, service: 'liveness' }, 'gRPC :9090 (liveness)'],
    [{ kind: 'exec', command: ['cat', '/tmp/healthy'] }, 'exec [cat /tmp/healthy]'],
  ])('describes probe handler %j', (handler, text) => {
    expect(describeHandler(probe(handler))).toBe(text);
  });

  it('compares probe timing', () => {
    const p = probe({ kind: 'http', path: '/healthz', port: 8080, scheme: 'HTTP' });
    expect(describeProbe('liveness', p)).toBe('liveness probe GET :8080/healthz starts at 5s and kills after 3×10s (timeout 1s)');
    expect(killWindowSeconds(p)).toBe(35);
  });
});

describe('kubelet and runtime messages', () => {
  it.each([
    ['configmap "app-config" not found', { object: 'configmap', name: 'app-config' }],
    ['secret "db-creds" not found', { object: 'secret', name: 'db-creds' }],
    ['Error: secrets "db-creds" not found', { object: 'secret', name: 'db-creds' }],
    ['MountVolume.SetUp failed for volume "config" : configmap "app-config" not found', { object: 'configmap', name: 'app-config', volume: 'config' }],
    ["couldn't find key DB_HOST in ConfigMap default/app-config", { object: 'configmap', name: 'app-config', key: 'DB_HOST', namespace: 'default' }],
    ["Couldn't find key password in Secret payments/db-creds", { object: 'secret', name: 'db-creds', key: 'password', namespace: 'payments' }],
  ])('missing object in %s', (message, expected) => {
    expect(parseMissingObject(message)).toEqual(expected);
  });

  it('finds no missing object in other texts', () => {
    expect(parseMissingObject('failed to sync configmap cache: timed out waiting for the condition')).toBeUndefined();
  });

  it.each([
    ['exec: "foo": executable file not found in $PATH: unknown', { problem: 'not-found', path: 'foo' }],
    ['exec: "/app/run": stat /app/run: no such file or directory: unknown', { problem: 'not-found', path: '/app/run' }],
    ['exec: "/app/run.sh": permission denied: unknown', { problem: 'not-executable', path: '/app/run.sh' }],
    ['exec /app/run: exec format error', { problem: 'exec-format', path: '/app/run' }],
    ['standard_init_linux.go:228: exec user process caused: exec format error', { problem: 'exec-format' }],
    ['failed to generate spec: no command specified', { problem: 'no-command' }],
    ['exec user process caused: no such file or directory', { problem: 'not-found' }],
  ])('exec failure in %s', (message, expected) => {
    expect(parseExecFailure(message)).toEqual(expected);
  });

  it('finds no exec failure in a mount error', () => {
    expect(parseExecFailure('error mounting "/var/lib/kubelet/pods/x" to rootfs at "/etc/app/config.yaml": not a directory')).toBeUndefined();
  });

  it.each([
    ['ErrImagePull', 'rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:v99"', 'not-found'],
    ['ErrImagePull', 'failed to resolve reference: unexpected status from HEAD request: 401 Unauthorized', 'auth'],
    ['ErrImagePull', 'dial tcp: lookup registry.internal on 10.96.0.10:53: no such host', 'unreachable'],
    ['ErrImagePull', 'toomanyrequests: You have reached your pull rate limit', 'rate-limit'],
    ['InvalidImageName', 'anything', 'invalid-name'],
    ['ErrImageNeverPull', 'anything', 'never-pull'],
    ['ImagePullBackOff', 'Back-off pulling image "x"', 'other'],
  ])('%s: %s → %s', (reason, message, problem) => {
    expect(parseImageProblem(reason, message)).toBe(problem);
  });

  it('reads the image out of pull messages', () => {
    expect(imageInMessage('Failed to pull image "nginx:v99": rpc error')).toBe('nginx:v99');
    expect(imageInMessage('no image here')).toBeUndefined();
  });

  it.each([
    ['Unhealthy', 'Liveness probe failed: HTTP probe failed with statuscode: 503', { probe: 'liveness', kill: false, failure: 'status', status: 503 }],
    [
      'Unhealthy',
      'Liveness probe failed: Get "http://10.244.1.7:8080/healthz": dial tcp 10.244.1.7:8080: connect: connection refused',
      { probe: 'liveness', failure: 'refused' },
    ],
    [
      'Unhealthy',
      'Startup probe failed: Get "http://10.244.1.7:8080/": context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
      { probe: 'startup', failure: 'timeout' },
    ],
    ['Unhealthy', "Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory", { probe: 'liveness', failure: 'exec' }],
    ['Unhealthy', 'Readiness probe errored and resulted in unknown state: rpc error', { probe: 'readiness', failure: 'other' }],
    ['Killing', 'Container app failed liveness probe, will be restarted', { probe: 'liveness', kill: true }],
    ['Killing', 'Container app failed startup probe, will be restarted', { probe: 'startup', kill: true }],
  ])('%s %s', (reason, message, expected) => {
    expect(parseProbeEvent(reason, message)).toMatchObject(expected);
  });

  it.each([
    ['Killing', 'Stopping container app'],
    ['Unhealthy', 'something else'],
    ['BackOff', 'Back-off restarting failed container'],
  ])('%s %s is not a probe failure', (reason, message) => {
    expect(parseProbeEvent(reason, message)).toBeUndefined();
  });
});

describe('log excerpt', () => {
  const log = (lines: string[], truncated = false) => ({ container: 'app', previous: true, lines, truncated });

  it('centres on the decisive line with skip markers, about 20 lines', () => {
    const lines = [
      ...Array.from({ length: 60 }, (_, i) => `info line ${i}`),
      'panic: boom',
      '',
      'goroutine 1 [running]:',
      'main.main()',
      ...Array.from({ length: 40 }, (_, i) => `after ${i}`),
    ];
    const sig = primarySignature(findSignatures(lines), lines);
    const ex = buildExcerpt(log(lines), sig);
    const out = ex.excerpt.split('\n');
    expect(out).toContain('panic: boom');
    expect(out).toContain('goroutine 1 [running]:');
    expect(out[0]).toMatch(/^… \(\d+ lines skipped\)$/);
    expect(out[out.length - 1]).toMatch(/^… \(\d+ lines skipped\)$/);
    expect(out.filter((l) => !l.startsWith('… (')).length).toBe(20);
    expect(ex.truncated).toBe(true);
  });

  it('shows the tail when nothing stands out, and marks lines the API cut', () => {
    const lines = Array.from({ length: 5 }, (_, i) => `line ${i}`);
    const ex = buildExcerpt(log(lines, true), undefined);
    expect(ex.excerpt).toBe(['… (earlier lines not fetched)', ...lines].join('\n'));
    expect(ex.truncated).toBe(true);
  });

  it('redacts and cuts long lines', () => {
    const ex = buildExcerpt(log([`password=hunter2 ${'x'.repeat(400)}`]), undefined);
    expect(ex.excerpt).not.toContain('hunter2');
    expect(ex.excerpt).toMatch(/… \(\d+ more characters\)$/);
  });

  it('says "1 line skipped" in the singular', () => {
    const lines = ['a', 'b', 'panic: x', 'c'];
    const ex = buildExcerpt(log(lines), primarySignature(findSignatures(lines), lines), 2);
    expect(ex.excerpt).toBe(['… (1 line skipped)', 'b', 'panic: x', '… (1 line skipped)'].join('\n'));
  });
});
