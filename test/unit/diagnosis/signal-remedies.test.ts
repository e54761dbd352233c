/**
 * A SIGKILL or SIGTERM no record explains stays a diagnostic step first (the evidence cannot choose
 * a change), and its title says which fact decides (#28 item 1).
 */
import { describe, expect, it } from 'vitest';
import { benchDiagnosis } from './shared-setup.ts';

describe('a signal no record explains', () => {
  it.each(['sigkill-no-oom-no-probe', 'robusta-1071-bare-137', 'sigkill-events-forbidden', 'sub-sigkill-runtime-signal-exit-1'])(
    '%s: the kernel log decides, and the title says what each answer means',
    (id) => {
      const first = benchDiagnosis(id).remedies[0];
      expect(first?.kind).toBe('diagnostic');
      expect(first?.title).toBe('The node\'s kernel log decides: "Killed process" for it means raise its memory limit; none, find who sent kill -9');
    },
  );

  it.each(['sigterm-no-probe', 'sigterm-readiness-only'])('%s: the sender decides', (id) => {
    const first = benchDiagnosis(id).remedies[0];
    expect(first?.kind).toBe('diagnostic');
    expect(first?.title).toMatch(/^Who sent SIGTERM decides the fix/);
  });
});

describe('a SIGKILL under node MemoryPressure', () => {
  it('offers request = limit as a fix to judge, not at high confidence: the node killer is only the likely sender', () => {
    const d = benchDiagnosis('sigkill-node-memory-pressure');
    expect(d.cause).toMatchObject({ id: 'sigkill', detail: 'node-memory-pressure', confidence: 'medium' });
    expect(d.cause.summary).toContain('most likely');
    expect(d.remedies[0]?.kind).toBe('remedy');
  });
});
