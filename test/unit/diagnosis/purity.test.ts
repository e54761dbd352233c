/**
 * The diagnosis is a pure function (DESIGN.md "The flow"; STYLE.md habit 3): no I/O, no clock, no
 * imports from kube/http/notify; and it never throws, whatever the log holds.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/diagnosis/diagnose.ts';
import { redact } from '../../../src/diagnosis/redact.ts';
import { fixtures, toEvidence } from '../../fixtures/diagnosis/index.ts';

const ROOT = join(import.meta.dirname, '../../../src/diagnosis');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('purity', () => {
  it.each(sources(ROOT).map((f) => [f.slice(ROOT.length + 1), f]))('%s imports only diagnosis modules and reads no clock', (_name, file) => {
    const text = readFileSync(file, 'utf8');
    const imports = [...text.matchAll(/from '([^']+)'/g)].map((m) => m[1] ?? '');
    for (const spec of imports) expect(spec, spec).toMatch(/^\.\.?\//);
    for (const spec of imports) expect(spec, spec).not.toMatch(/\/(?:kube|http|notify)\//);
    expect(text).not.toMatch(/Date\.now\(|new Date\(\)|process\.|performance\.now/);
  });

  it('gives the same diagnosis for the same evidence', () => {
    for (const f of fixtures) expect(diagnose(toEvidence(f))).toEqual(diagnose(toEvidence(f)));
  });
});

describe('properties', () => {
  const seedFixture = fixtures[0];
  it('never throws and keeps the excerpt short, whatever the log holds', () => {
    if (seedFixture === undefined) throw new Error('corpus is empty');
    const base = toEvidence(seedFixture);
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 300 }), { maxLength: 400 }), fc.boolean(), (lines, truncated) => {
        const d = diagnose({ ...base, log: { container: 'payment-svc', previous: true, lines, truncated } });
        expect(d.logs?.excerpt.split('\n').length ?? 0).toBeLessThanOrEqual(lines.length === 0 ? 1 : 25); // 20 lines plus skip markers;
      }),
      { numRuns: 200 },
    );
  });

  it('removes a password from key=value pairs, URLs and JSON, keeping the key', () => {
    const secret = fc.stringMatching(/^[A-Za-z0-9!#%^*_+-]{6,24}$/);
    fc.assert(
      fc.property(secret, (s) => {
        for (const line of [`password=${s} next`, `postgres://app:${s}@db:5432/x`, `{"client_secret":"${s}"}`]) {
          const out = redact(line);
          expect(out).not.toContain(s);
          expect(out).toMatch(/password|postgres:\/\/app:|client_secret/);
        }
      }),
      { numRuns: 300 },
    );
  });
});
