/**
 * Exit codes above 128 mean "killed by signal (code - 128)" (POSIX shell convention, which runc and
 * containerd report through `exitCode`). Numbering is Linux x86/arm (signal(7)); the diagnosis names
 * the signal (docs/architecture.md "Causes").
 */

const LINUX_SIGNALS: readonly string[] = [
  '', // 0 is not a signal
  'SIGHUP',
  'SIGINT',
  'SIGQUIT',
  'SIGILL',
  'SIGTRAP',
  'SIGABRT',
  'SIGBUS',
  'SIGFPE',
  'SIGKILL',
  'SIGUSR1',
  'SIGSEGV',
  'SIGUSR2',
  'SIGPIPE',
  'SIGALRM',
  'SIGTERM',
  'SIGSTKFLT',
  'SIGCHLD',
  'SIGCONT',
  'SIGSTOP',
  'SIGTSTP',
  'SIGTTIN',
  'SIGTTOU',
  'SIGURG',
  'SIGXCPU',
  'SIGXFSZ',
  'SIGVTALRM',
  'SIGPROF',
  'SIGWINCH',
  'SIGIO',
  'SIGPWR',
  'SIGSYS',
];

/** glibc reserves 32 and 33; SIGRTMIN is 34 and SIGRTMAX 64 (signal(7)). */
const SIGRTMIN = 34;
const SIGRTMAX = 64;

/** The Linux name of a signal number, e.g. 9 → `SIGKILL`, 36 → `SIGRTMIN+2`. */
export function signalName(signal: number): string | undefined {
  if (signal >= 1 && signal < LINUX_SIGNALS.length) return LINUX_SIGNALS[signal];
  if (signal >= SIGRTMIN && signal <= SIGRTMAX) return signal === SIGRTMIN ? 'SIGRTMIN' : `SIGRTMIN+${signal - SIGRTMIN}`;
  return undefined;
}

/**
 * The signal behind an exit code, when it is one: 137 → 9 SIGKILL, 139 → 11 SIGSEGV. Codes 193–255
 * are ordinary exits (255 is `exit(-1)`, and runc's exec failure), not signals.
 */
export function signalFromExitCode(exitCode: number): { signal: number; signalName?: string } | undefined {
  if (!Number.isInteger(exitCode) || exitCode <= 128 || exitCode > 128 + SIGRTMAX) return undefined;
  const signal = exitCode - 128;
  const name = signalName(signal);
  return name === undefined ? { signal } : { signal, signalName: name };
}

/** "exit 137 (SIGKILL)" / "exit 1". */
export function describeExit(exitCode: number): string {
  const name = signalFromExitCode(exitCode)?.signalName;
  return name === undefined ? `exit ${exitCode}` : `exit ${exitCode} (${name})`;
}

/** "exited with code 137 (SIGKILL)" for summaries. */
export function exitedWith(exitCode: number): string {
  const name = signalFromExitCode(exitCode)?.signalName;
  return `exited with code ${exitCode}${name === undefined ? '' : ` (${name})`}`;
}
