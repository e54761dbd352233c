/**
 * Precedence is declared once (src/diagnosis/precedence.ts): every rule and every log signature kind
 * has its place there, the rule table follows it, and the verdicts and signatures that win are the
 * ones the table says win, whatever order the lines come in.
 */
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/diagnosis/diagnose.ts';
import type { CauseId } from '../../../src/diagnosis/document.ts';
import { gatherClues } from '../../../src/diagnosis/gather-clues.ts';
import { LINE_MATCHERS } from '../../../src/diagnosis/log-matchers.ts';
import { findSignatures, primarySignature } from '../../../src/diagnosis/log-reader.ts';
import type { SignatureKind } from '../../../src/diagnosis/log-signature-types.ts';
import { PLACES, placeRank } from '../../../src/diagnosis/precedence.ts';
import { RULES } from '../../../src/diagnosis/rules/index.ts';
import { SIGNATURE_ORDER as SIGNATURES, signatureRank } from '../../../src/diagnosis/signature-order.ts';
import { SUB_CAUSES } from '../../../src/diagnosis/sub-causes/registry.ts';
import { fixtures, toEvidence } from '../../fixtures/diagnosis/index.ts';
import { backOff, event } from '../../fixtures/diagnosis/k8s.ts';
import { crashingPod } from '../../fixtures/diagnosis/scenario.ts';

/** One line (or lines) per kind that reads as that kind and nothing stronger. */
const EXAMPLES: Record<SignatureKind, string> = {
  'runtime-oom': 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
  'exec-error': 'exec /app/server: exec format error',
  'api-forbidden': 'pods is forbidden: User "system:serviceaccount:ops:runner" cannot list resource "pods" in API group "" in the namespace "ops"',
  'missing-env': 'Error: environment variable DATABASE_URL is not set',
  'service-link-collision': "ValueError: invalid literal for int() with base 10: 'tcp://10.96.12.7:6379'",
  'port-privileged': 'Error: listen EACCES: permission denied 0.0.0.0:80',
  'port-bind': 'Error: listen EADDRINUSE: address already in use :::3000',
  'fs-read-only': "OSError: [Errno 30] Read-only file system: '/app/cache'",
  'fs-permission-denied': "PermissionError: [Errno 13] Permission denied: '/data/db.sqlite'",
  'missing-file': "FileNotFoundError: [Errno 2] No such file or directory: '/etc/app/config.yaml'",
  'db-auth': 'psycopg2.OperationalError: FATAL:  password authentication failed for user "app"',
  'tls-verify': 'Get "https://vault.internal:8200/v1/sys/health": x509: certificate signed by unknown authority',
  'missing-shared-library': '/app/bin/worker: error while loading shared libraries: libssl.so.1.1: cannot open shared object file: No such file or directory',
  'missing-module': "ModuleNotFoundError: No module named 'yaml'",
  'unknown-flag': 'flag provided but not defined: -listen',
  crash: 'panic: runtime error: invalid memory address or nil pointer dereference\n\ngoroutine 1 [running]:\nmain.main()',
  'dependency-unreachable': 'dial tcp 10.0.0.5:5432: connect: connection refused',
  'error-log': '{"level":"error","msg":"shutting down"}',
};

/** The place of each rule's first entry in PLACES, in table order. */
const firstPlaces = RULES.map((r) => placeRank(r.places[0] ?? 'fallback'));

describe('the declared precedence', () => {
  it('names each place once, and each signature kind once at a declared place', () => {
    const places = PLACES.map((p) => p.place);
    expect(new Set(places).size).toBe(places.length);
    const kinds = SIGNATURES.map((s) => s.kind);
    expect(new Set(kinds).size).toBe(kinds.length);
    for (const s of SIGNATURES) expect(places, s.kind).toContain(s.place);
  });

  it('ranks each self-describing sub-cause right after the kind it names, and keeps the places in order', () => {
    for (const { signature } of SUB_CAUSES) expect(SIGNATURES[signatureRank(signature.kind) - 1]?.kind, signature.kind).toBe(signature.ranksAfter);
    const ranks = SIGNATURES.map((s) => placeRank(s.place));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  });

  it('follows kubelet record > probes > runtime fatal message > exit code > log signatures > fallback', () => {
    const order = ['kubelet-record', 'probe-kill', 'probe-failures', 'runtime-fatal', 'exit-code', 'log-cause', 'log-crash', 'fallback'] as const;
    const ranks = order.map(placeRank);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(placeRank('fallback')).toBe(PLACES.length - 1);
  });

  it('gives every rule a unique id and places that exist, and lists the rule table in the order of the places', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of RULES) {
      expect(r.places.length, r.id).toBeGreaterThan(0);
      for (const p of r.places) expect(placeRank(p), `${r.id}: ${p}`).toBeLessThan(PLACES.length);
    }
    expect(firstPlaces).toEqual([...firstPlaces].sort((a, b) => a - b));
  });

  it('has a rule for every place', () => {
    const covered = new Set(RULES.flatMap((r) => r.places));
    for (const p of PLACES) expect(covered, p.place).toContain(p.place);
  });

  it('sees every rule emit only at the places it declares, over the whole corpus', () => {
    const seen = new Set<string>();
    for (const f of fixtures) {
      const clues = gatherClues(toEvidence(f));
      for (const rule of RULES) {
        for (const v of rule.detect(clues)) {
          expect(rule.places, `${rule.id} in ${f.name}`).toContain(v.place);
          seen.add(rule.id);
        }
      }
    }
    // A rule the corpus never fires is untested precedence.
    for (const r of RULES) expect(seen, r.id).toContain(r.id);
  });
});

describe('signature precedence', () => {
  it('has an example and a reader for every kind', () => {
    for (const { kind } of SIGNATURES) {
      const lines = EXAMPLES[kind].split('\n');
      const found = primarySignature(findSignatures(lines), lines);
      expect(found?.kind, kind).toBe(kind);
      // A kind either has a line matcher or is read from multi-line shapes and levels (crash, error-log).
      if (LINE_MATCHERS[kind] === undefined) expect(['crash', 'error-log'], kind).toContain(kind);
    }
  });

  it.each(SIGNATURES.flatMap((a) => SIGNATURES.filter((b) => signatureRank(b.kind) > signatureRank(a.kind)).map((b) => [a.kind, b.kind] as const)))(
    '%s outranks %s in either line order',
    (strong, weak) => {
      for (const lines of [
        [...EXAMPLES[weak].split('\n'), ...EXAMPLES[strong].split('\n')],
        [...EXAMPLES[strong].split('\n'), ...EXAMPLES[weak].split('\n')],
      ]) {
        expect(primarySignature(findSignatures(lines), lines)?.kind).toBe(strong);
      }
    },
  );

  it('lets a warning-level line of a kind that only explains at warning level not decide', () => {
    for (const s of SIGNATURES.filter((x) => !x.decidesAtWarning)) {
      const lines = [`WARN ${EXAMPLES[s.kind]}`];
      expect(primarySignature(findSignatures(lines), lines), s.kind).toBeUndefined();
    }
  });
});

describe('runtime fatal messages outrank exit codes; the kubelet record outranks them', () => {
  const cases: [string, { exitCode: number; reason?: string; log: string; probeKill?: boolean }, CauseId][] = [
    ['Node heap OOM with FATAL ERROR, exit 134', { exitCode: 134, log: EXAMPLES['runtime-oom'] }, 'runtime-oom'],
    [
      'Node heap OOM without the FATAL ERROR prefix, exit 139 (not a segfault)',
      { exitCode: 139, log: '<--- Last few GCs --->\n[1:0x5f0] 51234 ms: Mark-Compact 2047.1 (2083.4) -> 2046.2 (2083.4) MB\nJavaScript heap out of memory' },
      'runtime-oom',
    ],
    ['JVM OutOfMemoryError killed by -XX:OnOutOfMemoryError, exit 137', { exitCode: 137, log: 'java.lang.OutOfMemoryError: Java heap space' }, 'runtime-oom'],
    [
      'Go runtime out of memory, exit 2',
      { exitCode: 2, log: 'fatal error: runtime: out of memory\n\nruntime stack:\ngoroutine 1 [running]:\nmain.main()' },
      'runtime-oom',
    ],
    [
      'Python MemoryError, exit 1',
      { exitCode: 1, log: 'Traceback (most recent call last):\n  File "/app/x.py", line 3, in <module>\nMemoryError' },
      'runtime-oom',
    ],
    ['the kubelet OOMKilled record outranks a Node heap message', { exitCode: 137, reason: 'OOMKilled', log: EXAMPLES['runtime-oom'] }, 'oom-killed'],
    [
      'a liveness probe kill outranks a JVM OutOfMemoryError',
      { exitCode: 137, log: 'java.lang.OutOfMemoryError: Java heap space', probeKill: true },
      'liveness-probe',
    ],
    ['exit 139 with no runtime message stays a segfault', { exitCode: 139, log: 'Fatal Python error: Segmentation fault' }, 'segfault'],
    ['exit 0 after an OOM the program survived is not a runtime OOM', { exitCode: 0, log: 'java.lang.OutOfMemoryError: Java heap space' }, 'exit-zero'],
  ];

  it.each(cases)('%s', (_name, c, cause) => {
    const p = crashingPod({
      namespace: 'shop',
      app: 'api',
      image: 'registry.example/api:1.0.0',
      exitCode: c.exitCode,
      ...(c.reason === undefined ? {} : { reason: c.reason }),
      ran: 40,
      spec: { resources: { limits: { memory: '512Mi' } } },
    });
    const events = [backOff(p, 'api', 9, 900)];
    if (c.probeKill === true) {
      events.push(
        event(p, {
          reason: 'Unhealthy',
          message: 'Liveness probe failed: HTTP probe failed with statuscode: 503',
          count: 3,
          firstAgo: 160,
          lastAgo: 140,
          container: 'api',
        }),
        event(p, { reason: 'Killing', type: 'Normal', message: 'Container api failed liveness probe, will be restarted', firstAgo: 140, container: 'api' }),
      );
    }
    const d = diagnose(toEvidence({ name: 'x', description: 'x', pod: p, events, log: c.log, expected: { cause } }));
    expect(d.cause.id).toBe(cause);
  });
});
