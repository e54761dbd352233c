/**
 * Line matchers for what the program and its image say is missing or wrong: the runtime's own
 * out-of-memory message, an entrypoint that cannot be exec'd, a missing variable, file, module or
 * shared library, and crash lines with no multi-line shape (missing arguments, nginx `[emerg]`); a
 * Kubernetes service-link value read as the app's own setting and a flag the argument parser does not
 * define are sub-causes/service-link-collision.ts's and unknown-flag.ts's. Texts are the runtimes' own (runc's
 * libcontainer/init_linux.go; CPython, Go runtime, Node.js, HotSpot, Rust std, glibc/musl ld.so).
 */
import { parseCrlf } from './kube-messages.ts';
import { firstMatch, NGINX_UPSTREAM } from './log-matchers-access.ts';
import type { LineMatcher as Matcher, Runtime } from './log-signature-types.ts';

const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

function envName(name: string | undefined): string | undefined {
  return name !== undefined && ENV_NAME.test(name) && name.length > 1 ? name : undefined;
}

/**
 * Runtime out-of-memory: these end the process inside the container limit (not the kernel's kill). The
 * quoted text drops what precedes the runtime's own words. V8 prints `FATAL ERROR: … JavaScript heap
 * out of memory`, newer builds `# Fatal JavaScript out of memory: …`; PHP's memory_limit; Ruby's NoMemoryError.
 */
const RUNTIME_OOM: readonly { pattern: RegExp; runtime: Runtime; lead?: RegExp; keep?: string }[] = [
  { pattern: /JavaScript heap out of memory|Fatal JavaScript out of memory|Fatal javascript OOM in /i, runtime: 'node', lead: /^#\s*/, keep: '' },
  {
    pattern: /java\.lang\.OutOfMemoryError: (?!unable to create (?:new )?native thread)/,
    runtime: 'jvm',
    lead: /^.*?(java\.lang\.OutOfMemoryError)/,
    keep: '$1',
  },
  { pattern: /^fatal error: runtime: out of memory/, runtime: 'go' },
  { pattern: /^MemoryError\b/, runtime: 'python' },
  { pattern: /^memory allocation of \d+ bytes failed/, runtime: 'rust' },
  { pattern: /System\.OutOfMemoryException/, runtime: 'dotnet' },
  { pattern: /(?:PHP )?Fatal error: +Allowed memory size of \d+ bytes exhausted/, runtime: 'php' },
  { pattern: /failed to allocate memory \(NoMemoryError\)|^NoMemoryError\b/, runtime: 'ruby' },
  { pattern: /terminate called after throwing an instance of 'std::bad_alloc'/, runtime: 'native' },
];

const runtimeOom: Matcher = (line) => {
  const oom = RUNTIME_OOM.find((o) => o.pattern.test(line));
  if (oom === undefined) return undefined;
  return { kind: 'runtime-oom', text: oom.lead === undefined ? line : line.replace(oom.lead, oom.keep ?? ''), runtime: oom.runtime };
};

/** runc prints `exec /app/run: exec format error` to the container's stderr and exits 255
 * (https://github.com/opencontainers/runc/blob/main/libcontainer/init_linux.go). */
const execError: Matcher = (line) => {
  const crlf = parseCrlf(line);
  if (crlf !== undefined) return { kind: 'exec-error', text: line, ...(crlf.path === undefined ? {} : { path: crlf.path }) };
  const runc = /^exec (\S+): (exec format error|no such file or directory|permission denied)$/.exec(line);
  if (runc) return { kind: 'exec-error', text: line, ...(runc[1] ? { path: runc[1] } : {}) };
  if (/exec user process caused:? "?(?:exec format error|no such file or directory|permission denied)/.test(line)) return { kind: 'exec-error', text: line };
  // Shell entrypoints: `/bin/sh: 1: foo: not found`, `/entrypoint.sh: line 3: /app/server: Permission denied`.
  const shell =
    /^(?:\S*\/)?(?:sh|bash|dash|ash|\S+\.sh): (?:\d+: )?(?:line \d+: )?(\S+): (not found|command not found|Permission denied|No such file or directory)$/.exec(
      line,
    );
  if (shell?.[1]) return { kind: 'exec-error', text: line, path: shell[1] };
  // The interpreter runs but the script the command names is not there.
  const script = /^\S*python[\d.]*: can't open file '([^']+)'/.exec(line) ?? /^Error: Unable to access jarfile (\S+)/.exec(line);
  if (script?.[1]) return { kind: 'exec-error', text: line, path: script[1] };
  return undefined;
};

const MISSING_ENV: readonly RegExp[] = [
  /(?:environment variable|env var(?:iable)?)s?:?\s+["'`]?([A-Za-z_][A-Za-z0-9_]*)["'`]?\s+(?:is\s+)?(?:not set|not defined|undefined|missing|required|must be set|is empty|empty)/i,
  /missing (?:required )?(?:environment|env)(?: variables?| vars?)?:?\s+["'`]?([A-Za-z_][A-Za-z0-9_]*)/i,
  /["'`]?([A-Za-z_][A-Za-z0-9_]*)["'`]? (?:environment variable|env var(?:iable)?) (?:is )?(?:not set|missing|required|undefined|must be set)/i,
  /required key ([A-Za-z_][A-Za-z0-9_]*) missing value/, // kelseyhightower/envconfig
  /\b([A-Z][A-Z0-9_]{2,}) (?:must be set|is not set|is required|not set|is undefined)\b/,
  /no value (?:set )?for (?:environment variable )?["'`]?([A-Z][A-Z0-9_]{2,})/i,
];

const missingEnv: Matcher = (line) => {
  for (const pattern of MISSING_ENV) {
    const name = envName(pattern.exec(line)?.[1]);
    if (name !== undefined) return { kind: 'missing-env', text: line, name };
  }
  // Rails: Missing `secret_key_base` for 'production' environment (ENV["SECRET_KEY_BASE"]).
  if (/Missing [`'"]secret_key_base[`'"] for/.test(line)) return { kind: 'missing-env', text: line, name: 'SECRET_KEY_BASE', runtime: 'ruby' };
  // Ruby ENV.fetch: `key not found: "DATABASE_URL" (KeyError)`.
  const rubyFetch = /key not found: "([A-Z_][A-Z0-9_]*)" \(KeyError\)/.exec(line);
  if (rubyFetch?.[1]) return { kind: 'missing-env', text: line, name: rubyFetch[1], runtime: 'ruby' };
  // Spring: Could not resolve placeholder 'DB_URL' in value "${DB_URL}"
  const spring = /Could not resolve placeholder '([^']+)'/.exec(line);
  if (spring?.[1]) return { kind: 'missing-env', text: line, name: spring[1], runtime: 'jvm' };
  return undefined;
};

const MISSING_FILE: readonly RegExp[] = [
  /FileNotFoundError: \[Errno 2\] No such file or directory: '([^']+)'/, // CPython
  /ENOENT: no such file or directory, (?:open|stat|lstat|scandir|access) '([^']+)'/, // Node.js
  /FileNotFoundException: (\S+) \(No such file or directory\)/, // Java
  /(?:^|\s)(?:open|stat|read|lstat) (\/\S+): no such file or directory/, // Go os.PathError
  /(?:config(?:uration)? )?file (?:not found|does not exist|missing):?\s+["']?(\/[^\s"']+)/i,
  /(\/[^\s"':]+) (?:is not a file or )?does not exist/, // shell entrypoints: `/etc/nginx/conf.d/default.conf is not a file or does not exist`
  /(?:can't|cannot|could not|unable to) (?:open|read|load|find) (?:config(?:uration)? )?(?:file )?["']?(\/[^\s"':]+)["']?/i,
];

const missingFile: Matcher = (line) => {
  for (const pattern of MISSING_FILE) {
    const path = pattern.exec(line)?.[1];
    if (path) return { kind: 'missing-file', text: line, path };
  }
  return undefined;
};

const missingModule: Matcher = (line) => {
  const node = /^Error: Cannot find module '([^']+)'/.exec(line);
  if (node) return { kind: 'missing-module', text: line, runtime: 'node', ...(node[1] ? { path: node[1] } : {}) };
  const py = /^(?:ModuleNotFoundError|ImportError): No module named '([^']+)'/.exec(line);
  if (py) return { kind: 'missing-module', text: line, runtime: 'python', ...(py[1] ? { path: py[1] } : {}) };
  const esm = /Error \[ERR_MODULE_NOT_FOUND\]: Cannot find (?:package|module) '([^']+)'/.exec(line);
  if (esm?.[1]) return { kind: 'missing-module', text: line, runtime: 'node', path: esm[1] };
  const jvm = /^Error: Could not find or load main class (\S+)/.exec(line) ?? /(?:ClassNotFoundException|NoClassDefFoundError):? ([\w$./]+)/.exec(line);
  if (jvm?.[1]) return { kind: 'missing-module', text: line, runtime: 'jvm', path: jvm[1].replaceAll('/', '.') };
  // Ruby: `cannot load such file -- bundler/setup (LoadError)`.
  const ruby = /cannot load such file -- (\S+) \(LoadError\)/.exec(line);
  if (ruby?.[1]) return { kind: 'missing-module', text: line, runtime: 'ruby', path: ruby[1] };
  // PHP: `Class "App\Foo" not found`, `Failed opening required 'vendor/autoload.php'`.
  const php = /PHP Fatal error: +(?:Uncaught Error: )?Class ["']([^"']+)["'] not found|Failed opening required '([^']+)'/.exec(line);
  if (php !== null) return { kind: 'missing-module', text: line, runtime: 'php', path: php[1] ?? php[2] ?? '' };
  return undefined;
};

/** Other wrong arguments: a required one missing (argparse, commander); the command line in the spec is wrong. */
const badArgs: Matcher = (line) => {
  if (/^\S+: error: the following arguments are required|^error: missing required argument /.test(line)) return { kind: 'crash', text: line };
  return undefined;
};

const SHARED_LIBRARY: readonly RegExp[] = [
  /error while loading shared libraries: ([^\s:]+): cannot open shared object file/,
  /(\/[^\s:()"]+\.so(?:\.[\d.]+)?): cannot open shared object file/,
  /Error loading shared library ([^\s:]+): No such file or directory/,
  /([\w.+-]+\.so(?:\.[\d.]+)?): cannot open shared object file/,
  /UnsatisfiedLinkError: .*?(?:no (\S+) in java\.library\.path|(\S+\.so\S*))/,
];

/** The dynamic loader (glibc, musl), CPython and Node.js addons, Java's UnsatisfiedLinkError. */
const missingLibrary: Matcher = (line) => {
  const lib = firstMatch(SHARED_LIBRARY, line);
  const path = lib?.[1] ?? lib?.[2];
  return path === undefined ? undefined : { kind: 'missing-shared-library', text: line, path };
};

/** nginx: `[emerg]` lines end the process (an unresolvable upstream is a dependency failure, log-matchers-access.ts). */
const nginxEmerg: Matcher = (line) => {
  if (NGINX_UPSTREAM.test(line)) return undefined; // a connection failure (below) names the host
  if (/^(?:\S+ \S+ )?\[emerg\] /.test(line) || /^nginx: \[emerg\] /.test(line)) return { kind: 'crash', text: line };
  return undefined;
};

/** This file's matcher of each signature kind it knows (log-matchers.ts merges them in precedence order). */
export const PROGRAM_MATCHERS = {
  'runtime-oom': runtimeOom,
  'exec-error': execError,
  'missing-env': missingEnv,
  'missing-file': missingFile,
  'missing-module': missingModule,
  'missing-shared-library': missingLibrary,
  crash: (line: string) => nginxEmerg(line) ?? badArgs(line),
} as const satisfies Readonly<Record<string, Matcher>>;
