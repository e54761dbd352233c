/**
 * Stack frames that say where a crash happened in the program's own code, not in the runtime or a
 * library: the first Go frame outside the standard library and the module cache, the first .NET
 * frame outside System.* / Microsoft.* that names a source file. The formats are the runtimes' own
 * (Go's runtime/traceback.go: a function line, then a tab and `file:line +0xNN`; .NET's
 * `   at Ns.Type.Method(args) in /src/File.cs:line 31`).
 */

export interface Frame {
  /** `main.loadConfig`, `github.com/org/app/internal/config.Load`, `Shop.Api.Startup.ConfigureServices`. */
  func: string;
  /** `/src/config.go:57`, `/src/Startup.cs:31`. */
  file: string;
  /** The indices of its lines in the log (function line, file line). */
  lines: number[];
  /** False when no frame of the program's own code was found and this is the first library frame. */
  own: boolean;
}

/** Go's package path of a function line: `github.com/org/app/pkg.(*T).M(…)` → `github.com/org/app/pkg`. */
function goPackage(func: string): string {
  const paren = func.indexOf('(');
  const slash = func.lastIndexOf('/', paren < 0 ? func.length : paren);
  const dot = func.indexOf('.', slash + 1);
  return dot < 0 ? func : func.slice(0, dot);
}

/** The standard library: a package path whose first element has no dot (`runtime`, `net/http`), but never `main`. */
const isStdlib = (pkg: string, file: string): boolean =>
  (pkg !== 'main' && !(pkg.split('/')[0] ?? '').includes('.')) || /\/(?:usr\/local\/go|usr\/lib\/go[^/]*|libexec)\/src\//.test(file);

/** A dependency: the module cache keeps each at `path@version/`, vendoring under `vendor/`. */
const isDependency = (file: string): boolean => /@v?\d[^/]*\/|\/vendor\//.test(file);

const GO_FILE = /^\s+(\S+\.go:\d+)(?: \+0x[0-9a-f]+)?$/;

/**
 * The first frame of the panicking goroutine in the program's own code, reading from the line after
 * `goroutine N [running]:` to the blank line that ends the goroutine; else its first library frame.
 */
export function goOwnFrame(lines: readonly string[], from: number): Frame | undefined {
  let library: Frame | undefined;
  for (let i = from; i + 1 < lines.length && i < from + 200; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '' || /^goroutine \d+ \[/.test(line)) break;
    const file = GO_FILE.exec(lines[i + 1] ?? '')?.[1];
    if (file === undefined || /^created by /.test(line)) continue;
    const func = line.replace(/\([^()]*\)$/, '');
    const pkg = goPackage(func);
    if (isStdlib(pkg, file)) continue;
    const frame = { func, file, lines: [i, i + 1] };
    if (!isDependency(file)) return { ...frame, own: true };
    library ??= { ...frame, own: false };
  }
  return library;
}

/** Namespaces of the framework; an application's frame is outside them. */
const DOTNET_FRAMEWORK = /^(?:System|Microsoft|Npgsql|MySql|Grpc|Newtonsoft|Polly|Serilog)\./;

/** The first .NET frame outside the framework that names its source file, after the exception line at `from`. */
export function dotnetAppFrame(lines: readonly string[], from: number): Frame | undefined {
  for (let i = from + 1; i < lines.length && i < from + 120; i++) {
    const m = /^\s+at (.+?)\(.*\) in (.+?):line (\d+)\s*$/.exec(lines[i] ?? '');
    if (m === null) {
      if (/^\s+at |^\s*---|^\s*Parameter name:|^\s*$/.test(lines[i] ?? '')) continue;
      break;
    }
    const func = (m[1] ?? '').trim();
    if (DOTNET_FRAMEWORK.test(func)) continue;
    return { func, file: `${m[2] ?? ''}:${m[3] ?? ''}`, lines: [i], own: true };
  }
  return undefined;
}

/** `Shop.Api.Startup.ConfigureServices at /src/Startup.cs:31`; a library frame says so. */
export function frameText(frame: Frame): string {
  return `${frame.func} at ${frame.file}${frame.own ? '' : ' (a library: no frame of its own code is in the trace)'}`;
}
