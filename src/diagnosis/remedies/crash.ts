/**
 * Remedies for a crash whose shape says what broke (program-crash.ts): where to look in the code, and
 * the log command that shows the whole trace around the crash line.
 */
import type { Clues } from '../clues.ts';
import type { Remedy } from '../document.ts';
import type { LogSignature } from '../log-signature-types.ts';
import { shq } from '../shell.ts';
import { ns, setEnv, type Workload } from './workload.ts';

const cut = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

/** The previous log around the lines that match `pattern` (extended when it has alternatives): the trace after a crash line, or what came before an abort. */
function traceOf(clues: Clues, w: Workload, pattern: string, after: number, before = 0): string {
  // A pod's only container needs no -c (kubectl logs picks it).
  const only = !w.init && (clues.pod?.containers.length ?? 0) === 1 && (clues.pod?.initContainers.length ?? 0) === 0;
  return `kubectl logs ${shq(clues.podName)} ${ns(w)}${only ? '' : ` -c ${shq(w.container)}`} --previous | grep${before === 0 ? '' : ` -B ${before}`}${after === 0 ? '' : ` -A ${after}`}${pattern.includes('|') ? ' -E' : ''} ${shq(pattern)}`;
}

/** The source file's name and line of a location (`main.load at /src/config.go:57` → `config.go:57`): the proof has the path. */
const fileOf = (location: string | undefined): string | undefined =>
  location
    ?.split(' at ')[1]
    ?.replace(/ \(a library.*$/, '')
    .replace(/^.*\//, '');

export function crashRemedies(clues: Clues, w: Workload, sig: LogSignature | undefined): Remedy[] {
  if (sig?.kind !== 'crash' || sig.crashClass === undefined) return [];
  const file = fileOf(sig.location);
  switch (sig.crashClass) {
    case 'go-nil': {
      const map = /nil map/.test(sig.text);
      return [
        {
          // The fix is in the code; the command shows the goroutine's whole trace around that frame.
          kind: 'diagnostic',
          title: `Fix the nil ${map ? 'map' : 'pointer'} at ${file ?? 'the panic'} (often a client or setting it is not given)`,
          commands: [traceOf(clues, w, '^goroutine ', 24)],
        },
      ];
    }
    case 'dotnet-exception': {
      const type = /Unhandled [eE]xception[.:] ([\w.`]+)/.exec(sig.text)?.[1] ?? 'the exception';
      return [
        {
          // The fix is in the code or its settings; the command shows the exception's whole trace, inner exceptions too.
          kind: 'diagnostic',
          title: `Fix the ${type.replace(/^System\./, '')} ${file === undefined ? 'it names' : `at ${file}`} (often a setting it is not given)`,
          commands: [traceOf(clues, w, 'Unhandled [eE]xception', 30)],
        },
      ];
    }
    case 'abort': {
      const why = /Assertion [`'](.+)[`'] failed/.exec(sig.text)?.[1];
      const thrown = /terminate called after throwing an instance of '(.+?)'/.exec(sig.text)?.[1];
      const what = /: what\(\): (.*)$/.exec(sig.text)?.[1];
      return [
        {
          // The fix is in the code or what it was given; the lines before the abort say what it was doing.
          kind: 'diagnostic',
          title:
            why !== undefined
              ? `Fix the failed assertion ${cut(why, 60)} (what it was given, or the code)`
              : thrown !== undefined
                ? `Catch or fix the uncaught ${cut(thrown, 48)}${what === undefined ? '' : `: ${cut(what, 60)}`}`
                : `Fix what it aborted on: ${cut(sig.text, 80)}`,
          commands: [traceOf(clues, w, 'Assertion|terminate called|abort|Aborted|fatal error', 0, 20)],
        },
      ];
    }
    case 'rust-panic': {
      const at = sig.location?.replace(/ \(inside the standard library.*$/, '');
      const inStd = sig.location?.includes('inside the standard library') === true;
      return [
        {
          // The fix is in the code; the backtrace the next crash prints names the frames that lead there.
          kind: 'diagnostic',
          title: inStd
            ? `It panicked inside the standard library (${at ?? ''}): set RUST_BACKTRACE=1 so the next crash names the caller in its code`
            : `Fix the panic at ${at ?? 'the location it names'}; RUST_BACKTRACE=1 prints its backtrace next time`,
          commands: setEnv(w, ['RUST_BACKTRACE=1']),
        },
      ];
    }
  }
}
