/**
 * Multi-line crash shapes: Python tracebacks, Go panics and fatal errors, Node.js uncaught errors,
 * Java exceptions with `Caused by:` (the deepest cause decides), Rust panics, .NET unhandled exceptions,
 * Ruby exceptions with their `from` backtrace, PHP fatal errors.
 */
import { dotnetAppFrame, type Frame, frameText, goOwnFrame } from './crash-frames.ts';
import { abortAt } from './log-crash-native.ts';
import type { LogSignature } from './log-signature-types.ts';

type Finder = (lines: readonly string[], i: number) => LogSignature | undefined;

const PY_EXCEPTION = /^([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Warning))(?::\s?(.*))?$/;

/** The source line CPython prints under the last frame (carets of 3.11+ skipped), when it prints one. */
function failingSource(lines: readonly string[], exception: number): string | undefined {
  for (let k = exception - 1; k >= 0 && k >= exception - 3; k--) {
    const line = (lines[k] ?? '').trim();
    if (/^[~^\s]+$/.test(line)) continue;
    return /^File "/.test(line) ? undefined : line;
  }
  return undefined;
}

/**
 * The environment variable a Python exception says is missing: `KeyError: 'NAME'` under an
 * os.environ lookup (any case when a frame's line reads os.environ['name']), or
 * `AttributeError: 'NoneType' …` / `TypeError` on what `os.getenv('NAME')` or `os.environ.get('NAME')`
 * returned on the failing line (None when unset).
 */
function envKey(exception: string, envAccess: boolean, source: string | undefined, frames: string): string | undefined {
  const key = /^KeyError: '([A-Za-z_]\w*)'$/.exec(exception)?.[1];
  if (key !== undefined) {
    if (new RegExp(`environ\\[\\s*['"]${key}['"]`).test(frames)) return key;
    return envAccess && /^[A-Z_][A-Z0-9_]*$/.test(key) ? key : undefined;
  }
  if (!/^(?:AttributeError: 'NoneType' object has no attribute|TypeError: .*'NoneType')/.test(exception)) return undefined;
  return /(?:getenv|environ\.get)\(\s*['"]([A-Za-z_]\w*)['"]\s*\)/.exec(source ?? '')?.[1];
}

/** Parts of a name that say it holds loaded configuration: `config`, `self.settings`, `cfg`, `yaml`, `config_curl_options`. */
const CONFIG_WORDS = new Set(['config', 'configs', 'configuration', 'conf', 'cfg', 'settings', 'yaml', 'yml', 'json', 'toml', 'ini']);

function configLike(source: string): boolean {
  // The names in the code, not the strings: `row["config"]` is not configuration.
  const words = source.replace(/(['"])(?:(?!\1).)*\1/g, ' ').split(/[^A-Za-z0-9]+|(?<=[a-z])(?=[A-Z])/);
  return words.some((w) => CONFIG_WORDS.has(w.toLowerCase()));
}

/**
 * The key a Python `KeyError` says a loaded config file lacks: the failing source line indexes that
 * key (`config["database"]`, `docs['curl_settings']`) and names configuration (a config-like variable
 * or the one it assigns, or a yaml/json load). With the subscripts before it: `database.url` for
 * `config["database"]["url"]`. Whether the file comes from a ConfigMap or Secret is the rule's to say.
 */
function configKey(exception: string, source: string | undefined): string | undefined {
  const key = /^KeyError: '([\w.-]+)'$/.exec(exception)?.[1];
  if (key === undefined || source === undefined || !configLike(source)) return undefined;
  const escaped = key.replace(/[.-]/g, '\\$&');
  const chain = new RegExp(`((?:\\[\\s*['"][\\w.-]+['"]\\s*\\])*)\\[\\s*['"]${escaped}['"]\\s*\\]`).exec(source);
  if (chain === null) return undefined;
  const parents = [...(chain[1] ?? '').matchAll(/['"]([\w.-]+)['"]/g)].map((m) => m[1]);
  return [...parents, key].join('.');
}

/** CPython: `Traceback (most recent call last):`, frames indented, the exception line flush left. */
const python: Finder = (lines, i) => {
  if (lines[i]?.trim() !== 'Traceback (most recent call last):') return undefined;
  let envAccess = false;
  for (let j = i + 1; j < lines.length && j < i + 400; j++) {
    const line = lines[j] ?? '';
    if (/os\.environ|environ\[|os\.py", line \d+, in __getitem__|getenv/.test(line)) envAccess = true;
    if (line.startsWith(' ') || line.trim() === '' || line.trim() === 'Traceback (most recent call last):') continue;
    const m = PY_EXCEPTION.exec(line.trim());
    if (m === null) return undefined;
    const related = [i, j - 2, j - 1].filter((k) => k > i);
    const source = failingSource(lines, j);
    const name = envKey(line.trim(), envAccess, source, lines.slice(i + 1, j).join('\n'));
    if (name !== undefined) return { kind: 'missing-env', index: j, related, text: line.trim(), runtime: 'python', name };
    const key = configKey(line.trim(), source);
    return { kind: 'crash', index: j, related, text: line.trim(), runtime: 'python', ...(key === undefined ? {} : { configKey: key }) };
  }
  return undefined;
};

/** Go's nil-pointer dereference (the runtime's SIGSEGV handler) and its write to a nil map (runtime/map.go). */
const GO_NIL = /invalid memory address or nil pointer dereference|assignment to entry in nil map/;

/**
 * Go: `panic: …` then `goroutine 1 [running]:`; `fatal error: …` from the runtime; a recovered panic
 * that a Kubernetes controller logs before it re-panics. The frame that
 * locates it is the first in the program's own code (runtime and library frames come first when a
 * framework recovered and re-panicked).
 */
const go: Finder = (lines, i) => {
  const line = lines[i] ?? '';
  // k8s.io/apimachinery's HandleCrash logs `Observed a panic: "…"` and the goroutine, then re-panics.
  const observed = /\bObserved a panic: /.test(line) && /^goroutine \d+ \[/.test(lines[i + 1] ?? '');
  if (!/^panic: |^fatal error: /.test(line) && !observed) return undefined;
  const related: number[] = [];
  let frame: Frame | undefined;
  for (let j = i + 1; j < lines.length && j < i + 8; j++) {
    if (/^\[signal |^goroutine \d+ \[/.test(lines[j] ?? '')) related.push(j);
    if (/^goroutine \d+ \[/.test(lines[j] ?? '')) {
      frame = goOwnFrame(lines, j + 1);
      related.push(...(frame?.lines ?? [j + 1, j + 2]));
      break;
    }
  }
  const text = line.trim();
  return {
    kind: 'crash',
    index: i,
    related: related.filter((k) => k < lines.length),
    text,
    runtime: 'go',
    ...(GO_NIL.test(text) ? { crashClass: 'go-nil' as const } : {}),
    ...(frame === undefined ? {} : { location: frameText(frame) }),
  };
};

const NODE_ERROR = /^(?:Uncaught )?([A-Z]\w*Error|Error)(?: \[[\w_]+\])?: .+$/;

/** Node.js prints `file:line`, the source line, a caret, a blank line, then `Error: …` and `    at …`. */
const node: Finder = (lines, i) => {
  const line = lines[i] ?? '';
  if (!NODE_ERROR.test(line)) return undefined;
  const next = lines[i + 1] ?? '';
  const caret = (lines[i - 2] ?? '').trim() === '^';
  if (!caret && !/^\s+at /.test(next) && !/^Require stack:/.test(next)) return undefined;
  const related = caret ? [i - 4, i - 3, i - 2].filter((k) => k >= 0) : [];
  if (/^\s+at /.test(next)) related.push(i + 1);
  return { kind: 'crash', index: i, related, text: line.trim(), runtime: 'node' };
};

const JAVA_EXCEPTION = /^(?:Exception in thread "[^"]*" )?((?:[a-zA-Z_$][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error))(?::\s.*)?$/;

/** Java: the top exception, then `Caused by:` lines; the deepest cause is what broke. */
const java: Finder = (lines, i) => {
  const line = lines[i] ?? '';
  if (!JAVA_EXCEPTION.test(line)) return undefined;
  if (!/^\s+at /.test(lines[i + 1] ?? '') && !line.startsWith('Exception in thread')) return undefined;
  let deepest = i;
  for (let j = i + 1; j < lines.length; j++) {
    const l = lines[j] ?? '';
    if (l.startsWith('Caused by: ')) deepest = j;
    else if (!/^\s+(?:at |\.\.\. \d+ (?:more|common frames omitted)|Suppressed: )/.test(l)) break;
  }
  const text = (lines[deepest] ?? '').replace(/^Caused by: /, '').trim();
  const related = deepest === i ? [i + 1] : [i, deepest + 1];
  return { kind: 'crash', index: deepest, related, text, runtime: 'jvm' };
};

/** A location in the standard library or a dependency: std's own `unwrap` before #[track_caller] (1.42). */
const RUST_NOT_OWN = /^(?:src\/lib(?:core|std|alloc)\/|\/rustc\/|library\/(?:core|std|alloc)\/)|\.cargo[/\\]registry[/\\]/;

/**
 * Rust std's panic hook: `thread 'main' panicked at src/main.rs:10:5:` with the message on the next
 * line (1.73+), or `thread 'main' panicked at 'message', src/main.rs:10:5` (before). The location is
 * where it panicked, unless it is inside std (old `unwrap`), then the backtrace names the caller.
 */
const rust: Finder = (lines, i) => {
  const line = (lines[i] ?? '').trim();
  const m = /^thread '[^']*' panicked at (.*)$/.exec(line);
  if (m === null) return undefined;
  const rest = m[1] ?? '';
  const newStyle = /^\S+:\d+:\d+:$/.test(rest) && lines[i + 1] !== undefined;
  const text = newStyle ? `${line} ${(lines[i + 1] ?? '').trim()}` : line;
  const at = newStyle ? rest.slice(0, -1) : /, (\S+:\d+(?::\d+)?)$/.exec(rest)?.[1];
  const location = at === undefined ? undefined : RUST_NOT_OWN.test(at) ? `${at} (inside the standard library: the backtrace names its caller)` : at;
  return {
    kind: 'crash',
    index: i,
    related: newStyle ? [i + 1] : [],
    text,
    runtime: 'rust',
    crashClass: 'rust-panic',
    ...(location === undefined ? {} : { location }),
  };
};

/**
 * .NET: `Unhandled exception. System.X: message` (.NET 5+) or `Unhandled Exception: System.X: message`
 * (.NET Core 1–3), then `   at …` frames. A 2.x ArgumentException puts `Parameter name: x` on the next
 * line; an inner exception (` ---> System.Y: …`) is what broke first. The location is the first frame
 * outside the framework that names its source file.
 */
const dotnet: Finder = (lines, i) => {
  const line = (lines[i] ?? '').trim();
  if (!/^Unhandled [eE]xception[.:] [\w.`]+(?:: |$)/.test(line)) return undefined;
  const parameter = /^\s*(Parameter name: \S+)/.exec(lines[i + 1] ?? '')?.[1];
  let inner: string | undefined;
  for (let j = i + 1; j < lines.length && j < i + 120 && /^\s+(?:at |---)|^\s*Parameter name:/.test(lines[j] ?? ''); j++) {
    const m = /^\s*---> ((?:[\w]+\.)+\w*Exception\b.*)$/.exec(lines[j] ?? '');
    if (m?.[1] !== undefined) inner = m[1].trim();
  }
  const frame = dotnetAppFrame(lines, i);
  const text = `${line}${parameter === undefined ? '' : ` ${parameter}`}${inner === undefined ? '' : ` ---> ${inner}`}`;
  return {
    kind: 'crash',
    index: i,
    related: [i + 1, ...(frame?.lines ?? [])].filter((k) => k < lines.length),
    text,
    runtime: 'dotnet',
    crashClass: 'dotnet-exception',
    ...(frame === undefined ? {} : { location: frameText(frame) }),
  };
};

/** envalid and similar: a `Missing environment variables:` header, then one indented `NAME: …` per line. */
const envList: Finder = (lines, i) => {
  if (!/^\s*(?:Error: )?Missing (?:required )?environment variables?:?\s*$/i.test(lines[i] ?? '')) return undefined;
  const name = /^\s+([A-Z_][A-Z0-9_]*)\b/.exec(lines[i + 1] ?? '')?.[1];
  if (name === undefined) return undefined;
  return { kind: 'missing-env', index: i, related: [i + 1], text: (lines[i] ?? '').trim(), name };
};

/** Ruby: `/app/x.rb:12:in 'method': message (KeyError)` followed by `\tfrom …` lines (or bin/rails aborted!). */
const ruby: Finder = (lines, i) => {
  const line = (lines[i] ?? '').trim();
  const m = /^(?:\S+:\d+:in [`'][^']*': )?(?:.* )?\(([A-Z]\w*(?:::[A-Z]\w*)*)\)$/.exec(line);
  if (m === null) return undefined;
  const next = lines[i + 1] ?? '';
  const previous = lines[i - 1] ?? '';
  if (!/^\s+from /.test(next) && !/aborted!$/.test(previous.trim()) && !/^\S+:\d+:in /.test(line)) return undefined;
  return { kind: 'crash', index: i, related: [i + 1].filter((k) => k < lines.length), text: line, runtime: 'ruby' };
};

/** PHP: `PHP Fatal error:  Uncaught Exception: … in /var/www/x.php:12` (the CLI and FPM prefix). */
const php: Finder = (lines, i) => {
  const line = (lines[i] ?? '').trim();
  if (!/(?:^|\] )PHP Fatal error: /.test(line) && !/^Fatal error: Uncaught /.test(line)) return undefined;
  return {
    kind: 'crash',
    index: i,
    related: [i + 1, i + 2].filter((k) => k < lines.length && /^(?:PHP )?(?:Stack trace:|#\d )/.test((lines[k] ?? '').trim())),
    text: line,
    runtime: 'php',
  };
};

const FINDERS: readonly Finder[] = [python, go, rust, dotnet, java, node, ruby, php, envList, abortAt];

/** Every crash shape in the log, in line order. */
export function findCrashes(lines: readonly string[]): LogSignature[] {
  const found: LogSignature[] = [];
  for (let i = 0; i < lines.length; i++) {
    for (const finder of FINDERS) {
      const sig = finder(lines, i);
      if (sig !== undefined) {
        found.push(sig);
        break;
      }
    }
  }
  return found;
}
