/**
 * A crash shape that names what broke becomes a sub-cause of the application crash: a Go nil-pointer
 * dereference or nil-map write, a Rust panic, a .NET unhandled exception, an abort(). The headline
 * names the failure and where it happened; the proof keeps the crash line and its location.
 */
import type { CauseDetail } from './document.ts';
import type { CrashClass, LogSignature } from './log-signature-types.ts';

export const CRASH_DETAIL: Record<CrashClass, CauseDetail> = {
  'go-nil': 'go-nil-panic',
  'rust-panic': 'rust-panic',
  'dotnet-exception': 'dotnet-unhandled-exception',
  abort: 'abort',
};

export interface CrashWords {
  detail: CauseDetail;
  /** For the title: short enough for a Slack header. */
  headline: string;
  /** For the summary, after "exited with code N: ". */
  because: string;
}

/** `main.load at /src/app/config.go:57` → `config.go:57`: the file and line, short enough for a title. */
function shortFile(location: string | undefined): string | undefined {
  const file = location?.split(' at ')[1]?.replace(/ \(a library.*$/, '');
  return file === undefined ? undefined : file.slice(file.lastIndexOf('/') + 1);
}

const cutAt = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, max - 1).replace(/\s+\S*$/, '')}…`);

export function crashWords(sig: LogSignature): CrashWords | undefined {
  if (sig.kind !== 'crash' || sig.crashClass === undefined) return undefined;
  const detail = CRASH_DETAIL[sig.crashClass];
  const file = shortFile(sig.location);
  const where = sig.location === undefined ? '' : ` in ${sig.location}`;
  switch (sig.crashClass) {
    case 'go-nil': {
      const map = /nil map/.test(sig.text);
      const what = map ? 'Go write to a nil map' : 'Go nil pointer dereference';
      return {
        detail,
        headline: file === undefined ? what : `${what} at ${cutAt(file, 40)}`,
        because: `it ${map ? 'assigned to an entry of a nil map' : 'dereferenced a nil pointer'}${where} (${sig.text})`,
      };
    }
    case 'dotnet-exception': {
      const type = /Unhandled [eE]xception[.:] ([\w.`]+)/.exec(sig.text)?.[1] ?? 'exception';
      return { detail, headline: `Unhandled ${cutAt(type, 60)}`, because: `an unhandled ${type}${where} ended it (${sig.text})` };
    }
    case 'abort': {
      const assertion = /Assertion [`'](.+)[`'] failed/.exec(sig.text)?.[1];
      const thrown = /terminate called after throwing an instance of '(.+?)'/.exec(sig.text)?.[1];
      const headline =
        assertion !== undefined
          ? `Assertion failed: ${cutAt(assertion, 48)}`
          : thrown !== undefined
            ? `Uncaught C++ ${cutAt(thrown, 40)}`
            : `abort(): ${cutAt(sig.text.replace(/^\*+\s*/, ''), 44)}`;
      return { detail, headline, because: `it called abort() (SIGABRT) on: ${sig.text.replace(/\.$/, '')}` };
    }
    case 'rust-panic': {
      const at = sig.location?.replace(/ \(inside the standard library.*$/, '');
      return { detail, headline: `Rust panic${at === undefined ? '' : ` at ${cutAt(at, 50)}`}`, because: `it panicked: ${sig.text}` };
    }
  }
}

/** `github.com/org/app/internal/config.(*Loader).Load` → `config.(*Loader).Load`; `main.load` stays. */
export function shortFunc(func: string): string {
  // .NET: `Shop.Api.Startup.ConfigureServices` → `Startup.ConfigureServices` (the type and method).
  if (!func.includes('/') && !func.includes('(')) return func.split('.').slice(-2).join('.');
  const paren = func.indexOf('(');
  return func.slice(func.lastIndexOf('/', paren < 0 ? func.length : paren) + 1);
}

/**
 * The proof line of a crash: its line, and where it failed when the shape names the frame, in one
 * line so that the first screen's one proof line names both (the location last, where a cut keeps it).
 */
export function crashLine(sig: LogSignature): string {
  if (sig.location === undefined || sig.kind !== 'crash' || sig.runtime === 'rust') return sig.text;
  const [func = '', file = ''] = sig.location.split(' at ');
  const own = !file.includes('(a library');
  return `${sig.text} (${own ? 'in its own code' : 'in a library, no frame of its own code'}: ${shortFunc(func)} at ${file.replace(/ \(a library.*$/, '')})`;
}
