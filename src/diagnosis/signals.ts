/**
 * Exit codes above 128 are 128 + the signal number (FIELD-GUIDE "Exit code reference"); Linux numbering.
 */
const SIGNALS: Record<number, string> = {
  1: 'SIGHUP',
  2: 'SIGINT',
  3: 'SIGQUIT',
  4: 'SIGILL',
  5: 'SIGTRAP',
  6: 'SIGABRT',
  7: 'SIGBUS',
  8: 'SIGFPE',
  9: 'SIGKILL',
  10: 'SIGUSR1',
  11: 'SIGSEGV',
  12: 'SIGUSR2',
  13: 'SIGPIPE',
  14: 'SIGALRM',
  15: 'SIGTERM',
};

/** The signal behind an exit code (137 → SIGKILL), or undefined when the code is not 128 + a known signal. */
export function signalName(exitCode: number): string | undefined {
  return exitCode > 128 ? SIGNALS[exitCode - 128] : undefined;
}

/** "exit 137 (SIGKILL)" / "exit 1". */
export function describeExit(exitCode: number): string {
  const name = signalName(exitCode);
  return name === undefined ? `exit ${exitCode}` : `exit ${exitCode} (${name})`;
}

/** "exited with code 137 (SIGKILL)" for summaries. */
export function exitedWith(exitCode: number): string {
  const name = signalName(exitCode);
  return `exited with code ${exitCode}${name === undefined ? '' : ` (${name})`}`;
}
