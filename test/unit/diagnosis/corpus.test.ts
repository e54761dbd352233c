/**
 * Table-driven over the fixture corpus: each realistic pod/events/log gives its expected cause, and
 * the proof, remedies and verify steps carry the real names.
 */
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/diagnosis/diagnose.ts';
import { CAUSE_IDS, type CauseDetail } from '../../../src/diagnosis/document.ts';
import { fixtures, toEvidence } from '../../fixtures/diagnosis/index.ts';

/** The sub-causes of application crashes, which the public-report corpus covers (the pod and memory ones have their own). */
const APP_CRASH_DETAILS: readonly CauseDetail[] = [
  'api-forbidden',
  'fs-read-only',
  'fs-permission-denied',
  'mount-hides-files',
  'missing-file',
  'missing-env',
  'service-link-collision',
  'db-auth',
  'dependency-unreachable',
  'dns-failure',
  'tls-verify',
  'missing-module',
  'missing-shared-library',
  'port-bind',
  'port-privileged',
  'go-nil-panic',
  'rust-panic',
  'dotnet-unhandled-exception',
  'abort',
  'probe-port-mismatch',
  'heap-flag-over-limit',
  'empty-log',
  'env-ref-unexpanded',
];

function containsEach(haystack: string[], needles: string[] | undefined): void {
  for (const needle of needles ?? []) expect(haystack.join('\n'), `expected to contain ${JSON.stringify(needle)}`).toContain(needle);
}

describe('diagnosis corpus', () => {
  it('has unique names and covers every cause id', () => {
    const names = fixtures.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    const causes = new Set(fixtures.map((f) => f.expected.cause));
    for (const id of CAUSE_IDS) expect(causes, id).toContain(id);
  });

  it('names, for every case rebuilt from a public report, its source, sub-cause, proof line and the fix key token', () => {
    for (const f of fixtures.filter((x) => x.source !== undefined)) {
      expect(f.source, f.name).toMatch(/^https:\/\/\S+$/);
      expect(f.expected.detail, f.name).toBeDefined();
      expect(f.expected.evidence?.length ?? 0, f.name).toBeGreaterThan(0);
      expect(f.expected.remedies?.length ?? 0, f.name).toBeGreaterThan(0);
    }
  });

  it('has at least two public cases, from different sources, for every sub-cause of an application crash', () => {
    for (const detail of APP_CRASH_DETAILS) {
      const sources = new Set(fixtures.filter((f) => f.source !== undefined && f.expected.detail === detail).map((f) => f.source));
      expect(sources.size, detail).toBeGreaterThanOrEqual(2);
    }
  });

  it.each(fixtures.map((f) => [f.name, f] as const))('%s', (_name, fixture) => {
    const d = diagnose(toEvidence(fixture));
    const e = fixture.expected;
    expect(d.cause.id, `${fixture.description}\n${JSON.stringify(d, null, 2)}`).toBe(e.cause);
    if (e.confidence !== undefined) expect(d.cause.confidence).toBe(e.confidence);
    if (e.detail !== undefined) expect(d.cause.detail ?? null, 'cause.detail').toBe(e.detail);
    containsEach([d.cause.summary], e.summary);
    containsEach(
      d.evidence.map((l) => l.text),
      e.evidence,
    );
    containsEach(
      d.remedies.flatMap((r) => [r.title, ...r.commands]),
      e.remedies,
    );
    containsEach(d.verify, e.verify);
    const findingIds = d.findings.map((f) => f.id);
    for (const id of e.findings ?? []) expect(findingIds).toContain(id);
    for (const id of e.noFindings ?? []) expect(findingIds).not.toContain(id);
    containsEach([d.logs?.excerpt ?? ''], e.excerpt);
  });
});
