/**
 * Sub-causes and log shapes beyond the public-report corpus: the variants a rule branches on (named
 * or unnamed variables, users that are not service accounts, expired certificates, heap flags in env),
 * Ruby/PHP/.NET crash lines, shell traces with exit traps, and the never-"no error line" promise.
 */
import type { IContainer, IPodSpec } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import type { Diagnosis } from '../../../src/diagnosis/document.ts';
import { event, type OwnerKind } from '../../fixtures/diagnosis/k8s.ts';
import { remediesText as commands, crashPod, diagnosePod, primaryOf as primary, proofOf as proof } from './shared-setup.ts';

interface Case {
  log: string;
  exitCode?: number;
  reason?: string;
  owner?: OwnerKind;
  container?: Partial<IContainer>;
  pod?: Partial<IPodSpec>;
  probeRefused?: number;
  /** The pod names no serviceAccountName (the namespace default). */
  defaultServiceAccount?: boolean;
}

function run(c: Case): Diagnosis {
  const p = crashPod({
    image: 'registry.example/api:1.0.0',
    exitCode: c.exitCode ?? 1,
    ...(c.reason === undefined ? {} : { reason: c.reason }),
    ran: 40,
    ...(c.owner === undefined ? {} : { owner: c.owner }),
    spec: { resources: { limits: { memory: '512Mi' } }, ...c.container },
  });
  if (c.pod !== undefined && p.spec !== undefined) Object.assign(p.spec, c.pod);
  if (c.defaultServiceAccount === true) delete p.spec?.serviceAccountName;
  if (c.probeRefused === undefined) return diagnosePod(p, c.log);
  const events = [
    event(p, {
      reason: 'Unhealthy',
      message: `Liveness probe failed: dial tcp 10.244.1.7:${c.probeRefused}: connect: connection refused`,
      count: 6,
      firstAgo: 300,
      lastAgo: 130,
      container: 'api',
    }),
    event(p, { type: 'Normal', reason: 'Killing', message: 'Container api failed liveness probe, will be restarted', firstAgo: 130, container: 'api' }),
  ];
  return diagnosePod(p, c.log, { events });
}

describe('log shapes', () => {
  it.each([
    [
      'Ruby exception with a from backtrace',
      "/app/lib/worker.rb:12:in 'perform': undefined method 'id' for nil (NoMethodError)\n\tfrom /app/bin/worker:3:in '<main>'",
      'crash',
      'ruby',
    ],
    [
      'Ruby ENV.fetch KeyError',
      '/app/config/boot.rb:4:in \'fetch\': key not found: "DATABASE_URL" (KeyError)\n\tfrom /app/config/boot.rb:4',
      'missing-env',
      'ruby',
    ],
    [
      'Kafka config port from a service link',
      'org.apache.kafka.common.config.ConfigException: Invalid value tcp://10.96.41.7:9092 for configuration port: Not a number of type INT',
      'service-link-collision',
      undefined,
    ],
    ['Ruby LoadError', '/usr/local/lib/ruby/3.2.0/rubygems.rb:1: cannot load such file -- bundler/setup (LoadError)', 'missing-module', 'ruby'],
    ['PHP fatal error', 'PHP Fatal error:  Uncaught Exception: boom in /var/www/html/index.php:3\nStack trace:\n#0 {main}', 'crash', 'php'],
    [
      'PHP memory_limit',
      'PHP Fatal error:  Allowed memory size of 134217728 bytes exhausted (tried to allocate 20480 bytes) in /var/www/a.php on line 9',
      'runtime-oom',
      'php',
    ],
    ['PHP missing class', 'PHP Fatal error:  Uncaught Error: Class "App\\Kernel" not found in /var/www/public/index.php:5', 'missing-module', 'php'],
    [
      '.NET unhandled exception',
      "Unhandled exception. System.InvalidOperationException: No connection string named 'Default' could be found.\n   at Program.<Main>$(String[] args)",
      'crash',
      'dotnet',
    ],
    ['Node ESM package', "Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'express' imported from /app/index.js", 'missing-module', 'node'],
    ['JVM class missing', 'Exception in thread "main" java.lang.NoClassDefFoundError: org/slf4j/LoggerFactory', 'missing-module', 'jvm'],
  ])('%s', (_name, log, kind, runtime) => {
    const sig = primary(log);
    expect(sig?.kind).toBe(kind);
    expect(sig?.runtime).toBe(runtime);
  });

  it('names the last + command before the error in a shell trace, not the exit trap that runs after it', () => {
    const d = run({
      log: [
        '+ echo starting',
        'starting',
        '+ curl -fsS http://config-server:8888/app.yml -o /tmp/app.yml',
        'curl: (7) Failed to connect to config-server port 8888: Connection refused',
        '+ on_exit',
        '+ echo exit trap: dumping environment',
        'exit trap: dumping environment',
        '+ env',
        'HOSTNAME=api-1',
      ].join('\n'),
    });
    expect(proof(d)).toContain('the failing command (shell trace): + curl -fsS http://config-server:8888/app.yml -o /tmp/app.yml');
    expect(proof(d)).not.toContain('+ env');
  });

  it('picks the fatal record of a structured log over the error records', () => {
    const sig = primary(
      [
        '{"level":"error","msg":"retrying cache warmup","attempt":3}',
        '{"level":"fatal","msg":"cannot start","error":"schema version 12 is newer than this binary"}',
        '{"level":"error","msg":"shutdown hook failed"}',
      ].join('\n'),
    );
    expect(sig?.text).toBe('cannot start: schema version 12 is newer than this binary');
  });

  it('never says "no error line" when a line reports a failure in words', () => {
    const d = run({ log: 'starting worker\nsync of tenant 42 failed, giving up\nbye' });
    expect(d.cause.summary).toContain('sync of tenant 42 failed, giving up');
    expect(d.cause.summary).not.toContain('no stack trace or error line');
  });

  it('says what was checked when the log has no failure words at all', () => {
    const d = run({ log: 'starting worker\nbye' });
    expect(d.cause.summary).toContain('no stack trace, error record or failure message');
  });
});

describe('sub-cause variants', () => {
  it('names the service-link variable and its Service when the log does', () => {
    const d = run({ log: 'panic: strconv.Atoi: parsing "tcp://10.96.0.12:6379": invalid syntax in REDIS_PORT' });
    expect(d.cause.detail).toBe('service-link-collision');
    expect(d.cause.title).toContain('REDIS_PORT');
    expect(commands(d)).toContain('kubectl get service redis -n shop');
  });

  it('does not blame service links when the pod turns them off', () => {
    const d = run({ log: "ValueError: invalid literal for int() with base 10: 'tcp://10.96.0.12:6379'", pod: { enableServiceLinks: false } });
    expect(d.cause.detail).not.toBe('service-link-collision');
  });

  it('binds a user that is not a service account with --user, and offers the app its own service account', () => {
    const d = run({
      log: 'E0101 00:00:00.000000       1 main.go:9] configmaps "leader" is forbidden: User "system:kube-scheduler" cannot update resource "configmaps" in API group "" in the namespace "kube-system"',
      defaultServiceAccount: true,
    });
    expect(d.cause.detail).toBe('api-forbidden');
    expect(commands(d)).toContain('--user=system:kube-scheduler');
    expect(commands(d)).toContain('kubectl create serviceaccount api -n shop');
  });

  it('tells an expired certificate apart from an untrusted CA', () => {
    const d = run({ log: 'Get "https://billing.example.net/v1/health": x509: certificate has expired or is not yet valid' });
    expect(d.cause.summary).toContain('the certificate has expired');
    expect(commands(d)).toContain('Renew the certificate on billing.example.net');
  });

  it('points NODE_OPTIONS --max-old-space-size at 75% of the limit after an OOM kill', () => {
    const d = run({
      log: 'listening on :3000',
      exitCode: 137,
      reason: 'OOMKilled',
      container: { env: [{ name: 'NODE_OPTIONS', value: '--enable-source-maps --max-old-space-size=1024' }] },
    });
    expect(d.cause.detail).toBe('heap-flag-over-limit');
    expect(commands(d)).toContain("NODE_OPTIONS=--enable-source-maps --max-old-space-size=384'");
  });

  it('points a probe with a named port that no container port declares at the port the log listens on', () => {
    const d = run({
      log: 'INFO  Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)',
      exitCode: 137,
      probeRefused: 8080,
      container: { ports: [{ name: 'web', containerPort: 8000 }], livenessProbe: { tcpSocket: { port: 'http' } } },
    });
    expect(d.cause.detail).toBe('probe-port-mismatch');
    expect(proof(d)).toContain('probe port http names no container port');
    expect(commands(d)).toContain('"livenessProbe":{"tcpSocket":{"port":8000}}');
  });

  it('gives the database password a Secret when no env var takes it from one', () => {
    const d = run({ log: "ERROR 1045 (28000): Access denied for user 'shop'@'10.244.1.7' (using password: YES)" });
    expect(d.cause.detail).toBe('db-auth');
    expect(commands(d)).toContain('kubectl create secret generic api-db -n shop --from-literal=password="$DB_PASSWORD"');
  });

  it('reads a port in use without a port number, and a privileged bind from Go', () => {
    expect(run({ log: 'OSError: [Errno 98] Address already in use' }).cause.detail).toBe('port-bind');
    const go = run({ log: 'listen tcp :443: bind: permission denied', container: { securityContext: { runAsUser: 1000 } } });
    expect(go.cause.detail).toBe('port-privileged');
    expect(proof(go)).toContain('runAsUser 1000');
  });

  it('gives a read-only root filesystem an emptyDir at the directory the app writes', () => {
    const d = run({
      log: "Error: EROFS: read-only file system, open '/app/.next/cache/images/a.webp'",
      container: { securityContext: { readOnlyRootFilesystem: true } },
    });
    expect(d.cause.detail).toBe('fs-read-only');
    expect(commands(d)).toContain('"mountPath":"/app/.next/cache/images"');
  });

  it('says image content when a permission-denied path is on no volume', () => {
    const d = run({ log: "PermissionError: [Errno 13] Permission denied: '/app/data/state.json'" });
    expect(d.cause.detail).toBe('fs-permission-denied');
    expect(commands(d)).toContain('is image content');
  });

  it('marks a missing file outside any config path as image content', () => {
    const d = run({ log: "Error: ENOENT: no such file or directory, open '/app/dist/server.js'" });
    expect(d.cause.detail).toBe('missing-file');
  });
});
