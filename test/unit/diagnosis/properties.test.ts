/**
 * Properties of the diagnosis as a function: the same evidence gives the same diagnosis, and it never
 * throws, whatever the log holds. (That it imports no I/O and reads no clock is checked once, on the
 * import graph, in test/unit/architecture.test.ts.)
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/diagnosis/diagnose.ts';
import { redact } from '../../../src/diagnosis/redact.ts';
import { fixtures, toEvidence } from '../../fixtures/diagnosis/index.ts';

describe('determinism', () => {
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
