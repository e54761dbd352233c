/** A SIGKILL the exit code hides: the runtime's signal record or a wrapper's last words, and what is not one. */
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/diagnosis/diagnose.ts';
import { crashingPod } from '../../fixtures/diagnosis/scenario.ts';
import { toEvidence } from '../../fixtures/diagnosis/to-evidence.ts';

function cause(log: string, exitCode = 1) {
  const p = crashingPod({ namespace: 'ns', app: 'web', image: 'node:22', exitCode, ran: 600, spec: { command: ['npm', 'start'] } });
  return diagnose(toEvidence({ name: 'f', description: '', pod: p, events: [], log, expected: { cause: 'unknown' } })).cause;
}

describe('hidden SIGKILL', () => {
  it.each([
    'npm ERR! command failed\nnpm ERR! signal SIGKILL\nnpm ERR! command sh -c node server.js',
    'npm error signal SIGKILL',
    '[1] npm ERR! errno 137',
    'error Command failed with signal "SIGKILL".',
    'Killed',
    'supervisor: child exited: signal: killed',
  ])('%s → sigkill', (log) => {
    const c = cause(log);
    expect(c.id).toBe('sigkill');
    expect(c.title).toBe('exit 1: its program was killed by SIGKILL');
  });

  it.each(['npm ERR! code ELIFECYCLE\nnpm ERR! errno 1', 'Error: Killed by user request', 'npm ERR! signal SIGTERM'])('not a SIGKILL: %s', (log) => {
    expect(cause(log).id).not.toBe('sigkill');
  });

  it('an exit 0 is not read as a kill', () => {
    expect(cause('Killed', 0).id).not.toBe('sigkill');
  });
});
