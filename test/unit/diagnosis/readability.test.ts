/** What people read first: short titles that name the exit, and proof lines without kubelet noise. */
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/diagnosis/diagnose.ts';
import { fixtures, toEvidence } from '../../fixtures/diagnosis/index.ts';

const byName = (name: string) => {
  const f = fixtures.find((x) => x.name === name);
  if (f === undefined) throw new Error(`no fixture ${name}`);
  return diagnose(toEvidence(f));
};

describe('cause titles', () => {
  it.each(fixtures.map((f) => [f.name, f]))('%s: at most 80 characters', (_name, f) => {
    expect(diagnose(toEvidence(f)).cause.title.length).toBeLessThanOrEqual(80);
  });

  it('names the exception class rather than the whole line, with the exit code, for the seed payment service', () => {
    expect(byName('seed-payment-svc-python-db-refused').cause.title).toBe('psycopg2.OperationalError (exit 1)');
  });

  it('names the exit code once', () => {
    const titles = fixtures.map((f) => diagnose(toEvidence(f)).cause.title);
    expect(titles.filter((t) => /exit \d+.*exit \d+/.test(t))).toEqual([]);
  });
});

describe('event proof lines', () => {
  it('drop the kubelet pod uid but keep the pod name and the count', () => {
    const lines = byName('seed-payment-svc-python-db-refused')
      .evidence.filter((e) => e.source === 'events')
      .map((e) => e.text);
    expect(lines.join('\n')).toMatch(/Back-off restarting failed container payment-svc in pod payment-svc-7b9f6d-xk2p \(x\d+/);
    expect(lines.join('\n')).not.toMatch(/_payments\(/);
  });
});
