/** Hygiene findings and the memory-setting checks, from raw pods through the converters. */
import type { IContainer } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/diagnosis/diagnose.ts';
import { crashingPod } from '../../fixtures/diagnosis/scenario.ts';
import { toEvidence } from '../../fixtures/diagnosis/to-evidence.ts';

function diag(spec: Partial<IContainer>, o: { exitCode?: number; reason?: string; log?: string; image?: string } = {}) {
  const p = crashingPod({
    namespace: 'ns1',
    app: 'svc',
    image: o.image ?? 'registry.acme.io/svc:1.0.0',
    exitCode: o.exitCode ?? 137,
    reason: o.reason ?? 'OOMKilled',
    ran: 60,
    restarts: 2,
    spec,
  });
  return diagnose(
    toEvidence({ name: 'f', description: '', pod: p, events: [], ...(o.log === undefined ? {} : { log: o.log }), expected: { cause: 'unknown' } }),
  );
}
const ids = (d: ReturnType<typeof diag>) => d.findings.map((f) => f.id);
const limit = (memory: string) => ({ resources: { limits: { memory } } });

describe('findings', () => {
  it.each<[string, Partial<IContainer>, { image?: string; log?: string; exitCode?: number; reason?: string }, string]>([
    ['-Xmx in args at or above the limit', { ...limit('1Gi'), command: ['java'], args: ['-Xmx1g', '-jar', '/app.jar'] }, {}, 'jvm-heap-over-limit'],
    ['JVM image without heap settings', limit('1Gi'), { image: 'eclipse-temurin:21-jre' }, 'jvm-heap-default'],
    [
      'NODE_OPTIONS heap above the limit',
      { ...limit('512Mi'), env: [{ name: 'NODE_OPTIONS', value: '--max-old-space-size=1024' }] },
      {},
      'node-heap-over-limit',
    ],
    ['GOMEMLIMIT above the limit', { ...limit('256Mi'), env: [{ name: 'GOMEMLIMIT', value: '512MiB' }] }, {}, 'go-memlimit-over-limit'],
    ['Go evident and GOMEMLIMIT unset after an OOM kill', limit('256Mi'), { log: 'panic: x [recovered]\n\ngoroutine 1 [running]:\n' }, 'go-memlimit-unset'],
    ['untagged image', limit('256Mi'), { image: 'registry.acme.io/svc' }, 'image-latest'],
    [
      'named probe port that does not exist',
      { ...limit('256Mi'), ports: [{ containerPort: 8080 }], readinessProbe: { httpGet: { path: '/ready', port: 'web' } } },
      {},
      'probe-port-mismatch',
    ],
    [
      'numbered probe port not declared',
      { ...limit('256Mi'), ports: [{ name: 'http', containerPort: 8080 }], readinessProbe: { tcpSocket: { port: 9090 } } },
      {},
      'probe-port-mismatch',
    ],
  ])('%s', (_label, spec, o, id) => {
    expect(ids(diag(spec, o))).toContain(id);
  });

  it.each<[string, Partial<IContainer>, { image?: string }, string]>([
    [
      'image pinned by digest',
      limit('256Mi'),
      { image: 'registry.acme.io/svc@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef' },
      'image-latest',
    ],
    [
      'probe port that matches',
      {
        ...limit('256Mi'),
        ports: [{ name: 'http', containerPort: 8080 }],
        livenessProbe: { httpGet: { path: '/', port: 'http' } },
        readinessProbe: { httpGet: { path: '/', port: 8080 } },
      },
      {},
      'probe-port-mismatch',
    ],
    ['no declared ports: nothing to compare', { ...limit('256Mi'), readinessProbe: { httpGet: { path: '/', port: 8080 } } }, {}, 'probe-port-mismatch'],
    [
      'exec probes have no port',
      { ...limit('256Mi'), ports: [{ containerPort: 8080 }], livenessProbe: { exec: { command: ['true'] } } },
      {},
      'probe-port-mismatch',
    ],
    ['JVM heap below the limit', { ...limit('1Gi'), env: [{ name: 'JAVA_OPTS', value: '-Xmx512m' }] }, {}, 'jvm-heap-over-limit'],
    ['Go settings on a non-Go log', { ...limit('256Mi') }, {}, 'go-memlimit-unset'],
  ])('not for %s', (_label, spec, o, id) => {
    expect(ids(diag(spec, o))).not.toContain(id);
  });

  it('quotes the JVM heap flag as the pod writes it, the last one winning as in the JVM', () => {
    const d = diag({ ...limit('512Mi'), env: [{ name: 'JAVA_TOOL_OPTIONS', value: '-Xmx256m -Xmx768m' }] }, {});
    expect(d.findings.find((f) => f.id === 'jvm-heap-over-limit')?.text).toMatch(/^-Xmx768m is not below the 512Mi memory limit/);
  });

  it('adds the GOMEMLIMIT remedy to an OOM kill of a Go program', () => {
    const d = diag(limit('256Mi'), { log: 'panic: x [recovered]\n\ngoroutine 1 [running]:\n' });
    expect(d.remedies.flatMap((r) => r.commands).join('\n')).toContain('GOMEMLIMIT=230MiB');
  });
});

describe('log-derived missing config details', () => {
  it('a missing file outside config paths is an app crash naming the file', () => {
    const d = diag(limit('256Mi'), {
      exitCode: 1,
      reason: 'Error',
      log: '{"level":"fatal","msg":"load model","error":"open /models/ranker.onnx: no such file or directory"}',
    });
    expect(d.cause.id).toBe('app-crash');
    expect(d.cause.summary).toContain('/models/ranker.onnx');
  });

  it('a variable the spec defines but the app finds empty says so', () => {
    const d = diag(
      { ...limit('256Mi'), env: [{ name: 'QUEUE_NAME', value: '' }] },
      { exitCode: 1, reason: 'Error', log: 'error: environment variable QUEUE_NAME is empty\n' },
    );
    expect(d.cause.id).toBe('missing-config');
    expect(d.evidence.map((e) => e.text).join('\n')).toContain('env QUEUE_NAME is defined in the pod spec');
    expect(d.remedies.flatMap((r) => r.commands).join('\n')).toContain('kubectl set env deployment/svc -n ns1 -c svc QUEUE_NAME=VALUE');
  });
});

describe('app-crash wording', () => {
  it('quotes the last line when the log has no level or stack (Go log.Fatal)', () => {
    const d = diag(limit('256Mi'), {
      exitCode: 1,
      reason: 'Error',
      log: '2026/04/09 14:03:24 starting\n2026/04/09 14:03:24 could not parse rules.json: unexpected end of JSON input\n',
    });
    expect(d.cause.id).toBe('app-crash');
    expect(d.cause.confidence).toBe('medium');
    expect(d.cause.summary).toContain('its last line: "2026/04/09 14:03:24 could not parse rules.json: unexpected end of JSON input"');
  });

  it('does not blame a dependency that only appeared in a warning', () => {
    const d = diag(limit('256Mi'), {
      exitCode: 2,
      reason: 'Error',
      log: 'WARN dial tcp 10.0.0.7:6379: connect: connection refused (cache disabled)\npanic: bad config\n\ngoroutine 1 [running]:\n',
    });
    expect(d.cause.summary).not.toContain('10.0.0.7');
    expect(d.remedies.flatMap((r) => r.commands).join('\n')).not.toContain('nc -vz');
  });
});

describe("runtime heap remedies keep the user's flags", () => {
  const heapLog = 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n';
  it('fits --max-old-space-size to 75% of the limit, keeping other NODE_OPTIONS', () => {
    const d = diag({ ...limit('512Mi'), env: [{ name: 'NODE_OPTIONS', value: '--enable-source-maps' }] }, { exitCode: 134, reason: 'Error', log: heapLog });
    expect(d.cause.id).toBe('runtime-oom');
    expect(d.remedies[0]?.commands.join('\n')).toContain("'NODE_OPTIONS=--enable-source-maps --max-old-space-size=384'");
  });

  it('a heap already near the limit is fitted to the raised limit, after raising it', () => {
    const d = diag({ ...limit('512Mi'), env: [{ name: 'NODE_OPTIONS', value: '--max-old-space-size=460' }] }, { exitCode: 134, reason: 'Error', log: heapLog });
    expect(d.remedies[0]?.commands.join('\n')).toContain('--limits=memory=1Gi');
    expect(d.remedies[1]?.commands.join('\n')).toContain('kubectl set env deployment/svc -n ns1 -c svc NODE_OPTIONS=--max-old-space-size=768');
  });

  it('no heap flag for a runtime without one (Rust): raise the limit', () => {
    const d = diag(limit('128Mi'), { exitCode: 134, reason: 'Error', log: 'memory allocation of 268435456 bytes failed\n' });
    expect(d.cause.id).toBe('runtime-oom');
    expect(d.remedies[0]?.commands.join('\n')).toContain('--limits=memory=256Mi');
  });

  it('no limit at all: set one from the measured peak', () => {
    const d = diag({}, { exitCode: 1, reason: 'Error', log: 'Traceback (most recent call last):\n  File "x", line 1\nMemoryError\n' });
    expect(d.cause.summary).toContain('with no container memory limit');
    expect(d.remedies.flatMap((r) => r.commands).join('\n')).toContain('--limits=memory="$MEMORY_LIMIT"');
  });
});
