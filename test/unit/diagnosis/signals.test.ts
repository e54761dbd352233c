import { describe, expect, it } from 'vitest';
import { signalFromExitCode, signalName } from '../../../src/diagnosis/signals.ts';

describe('signalFromExitCode', () => {
  it.each([
    [129, 1, 'SIGHUP'],
    [130, 2, 'SIGINT'],
    [131, 3, 'SIGQUIT'],
    [132, 4, 'SIGILL'],
    [133, 5, 'SIGTRAP'],
    [134, 6, 'SIGABRT'],
    [135, 7, 'SIGBUS'],
    [136, 8, 'SIGFPE'],
    [137, 9, 'SIGKILL'],
    [138, 10, 'SIGUSR1'],
    [139, 11, 'SIGSEGV'],
    [140, 12, 'SIGUSR2'],
    [141, 13, 'SIGPIPE'],
    [143, 15, 'SIGTERM'],
    [159, 31, 'SIGSYS'],
  ])('exit %i → signal %i %s (Linux numbering)', (code, signal, name) => {
    expect(signalFromExitCode(code)).toEqual({ signal, signalName: name });
  });

  it.each([0, 1, 2, 126, 127, 128, 193, 255])('exit %i is not a signal', (code) => {
    expect(signalFromExitCode(code)).toBeUndefined();
  });

  it('real-time signals are named from SIGRTMIN', () => {
    expect(signalName(34)).toBe('SIGRTMIN');
    expect(signalName(36)).toBe('SIGRTMIN+2');
    expect(signalFromExitCode(128 + 32)).toEqual({ signal: 32 });
  });
});
