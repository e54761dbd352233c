/**
 * Every sub-cause id is complete: its plain words for the header (SUB_CAUSE_WORDS), a corpus case
 * the diagnosis names it for with a remedy that carries commands, and its line in docs/causes.md.
 * A new id in CAUSE_DETAILS fails here until it has all three.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/diagnosis/diagnose.ts';
import { CAUSE_DETAILS, type CauseDetail } from '../../../src/diagnosis/document.ts';
import { SUB_CAUSE_WORDS } from '../../../src/notify/cause-words.ts';
import { fixtures, toEvidence } from '../../fixtures/diagnosis/index.ts';

/**
 * Sub-causes no corpus case shows yet (named here so the gap is visible; a case for one makes the
 * last test fail until it leaves this list). The memory ones are decided from Prometheus history
 * (src/history), not from a pod fixture, and are tested in test/unit/history.
 */
const NOT_IN_CORPUS: readonly CauseDetail[] = [
  'unknown-flag',
  'memory-leak',
  'limit-undersized',
  'memory-spike',
  'pid-pressure',
  'pod-affinity',
  'volume-zone',
  'host-port',
  'unschedulable-nodes',
  'too-many-pods',
  'volume-attach',
  'sandbox',
];

const causesDoc = readFileSync(join(import.meta.dirname, '../../../docs/causes.md'), 'utf8');

describe('every sub-cause id', () => {
  it('has words and nothing else has', () => {
    expect(Object.keys(SUB_CAUSE_WORDS).sort()).toEqual([...CAUSE_DETAILS].sort());
  });

  it.each(CAUSE_DETAILS)('%s has its words and its line in docs/causes.md', (detail) => {
    expect(SUB_CAUSE_WORDS[detail].trim()).not.toBe('');
    expect(causesDoc).toContain(`\`${detail}\``);
  });

  it.each(CAUSE_DETAILS.filter((d) => !NOT_IN_CORPUS.includes(d)))('%s has a corpus case with a remedy that carries commands', (detail) => {
    const cases = fixtures.filter((f) => f.expected.detail === detail);
    expect(cases.map((f) => f.name)).not.toEqual([]);
    for (const f of cases) {
      const d = diagnose(toEvidence(f));
      expect(d.cause.detail).toBe(detail);
      expect(d.remedies.filter((r) => r.commands.length > 0)).not.toEqual([]);
    }
  });

  it('the list of those without a corpus case holds only ids that still have none', () => {
    expect(NOT_IN_CORPUS.filter((detail) => fixtures.some((f) => f.expected.detail === detail))).toEqual([]);
  });
});
