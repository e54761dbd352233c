/**
 * The published benchmark as a regression gate: every case of bench/cases/ that the diagnosis gets
 * right stays right (cause, sub-cause, every fact shown). A case it does not get right yet is listed
 * in KNOWN_MISSES with what it lacks; one that becomes right must leave the list.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCases, score } from '../../../bench/accuracy-cases.ts';

/** Cases the diagnosis does not get right yet (docs/accuracy.md lists why). */
const KNOWN_MISSES: ReadonlySet<string> = new Set<string>([]);

const cases = loadCases(join(import.meta.dirname, '..', '..', '..', 'bench', 'cases'));
const result = score(cases);

describe('bench/cases accuracy', () => {
  it('has at least 150 cases, each naming its source', () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
    for (const c of cases) expect(c.source, c.id).toMatch(/^(?:https:\/\/\S+|built here: .+)$/);
  });

  it.each(cases.map((c) => [c.id] as const))('%s', (id) => {
    const outcome = result.outcomes.get(id);
    const right = outcome?.cause === true && outcome.facts;
    const why = result.misses.find((m) => m.id === id)?.why ?? '';
    expect(right, `${id}: ${why}`).toBe(!KNOWN_MISSES.has(id));
  });

  it('beats the exit-code baseline', () => {
    expect(result.causeRight).toBeGreaterThan(result.baseline.causeRight);
    expect(result.factsShown).toBeGreaterThan(result.baseline.factsShown);
  });
});
