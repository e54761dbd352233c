/**
 * What a decisive log line says, as `findSignatures` (log-reader.ts) finds it. The kinds and their
 * precedence are declared in precedence.ts.
 */
import type { SignatureKind } from './precedence.ts';

export type { SignatureKind } from './precedence.ts';

/** The language runtime a log shows, when it shows one. */
export type Runtime = 'go' | 'python' | 'node' | 'jvm' | 'rust' | 'dotnet' | 'native' | 'ruby' | 'php';

/** A Kubernetes API 403 as the app logged it: `User "system:serviceaccount:NS:SA" cannot VERB RESOURCE …`. */
export interface ForbiddenAccess {
  user: string;
  verb: string;
  resource: string;
  /** The API group; '' for the core group. */
  group: string;
  /** The namespace the request was for; undefined for cluster scope. */
  namespace?: string;
}

export interface LogSignature {
  kind: SignatureKind;
  /** Index of the decisive line in LogFacts.lines. */
  index: number;
  /** Other lines worth showing with it (traceback header, goroutine line, panic message). */
  related: number[];
  /** The decisive statement, trimmed, e.g. `KeyError: 'DATABASE_URL'`. */
  text: string;
  runtime?: Runtime;
  /** missing-env: the variable or property; db-auth: the database user. */
  name?: string;
  /** missing-file, fs-*, exec-error, missing-module, missing-shared-library: the path or module. */
  path?: string;
  /** dependency-unreachable, tls-verify: host or host:port, and how it failed. */
  endpoint?: string;
  failure?: 'refused' | 'dns' | 'timeout';
  /** port-bind, port-privileged, service-link-collision: the port. */
  port?: number;
  /** api-forbidden: who was refused what. */
  forbidden?: ForbiddenAccess;
  /** In a shell trace (`set -x`): the last `+ command` line before this one, the command that failed. */
  command?: string;
  /** error-log: fatal outranks error. */
  fatal?: boolean;
  /** crash: the kind of crash the shape names, when it names one (program-crash.ts turns it into a sub-cause). */
  crashClass?: CrashClass;
  /**
   * crash: the key a Python `KeyError` says a dict loaded from a config file lacks, with the keys above
   * it (`database.url` for `config["database"]["url"]`); rules/config-key-rule.ts decides whether a
   * mounted ConfigMap or Secret holds that file.
   */
  configKey?: string;
  /** crash: where it failed: the first frame in the program's own code (`main.loadConfig at /src/config.go:57`), a panic's location. */
  location?: string;
}

/**
 * Crashes whose shape says what broke: a Go nil-pointer dereference or nil-map write, a Rust panic,
 * a .NET unhandled exception, an abort() (an assertion, an uncaught C++ exception, a libc check).
 */
export type CrashClass = 'go-nil' | 'rust-panic' | 'dotnet-exception' | 'abort';

/** What one line matcher finds: a signature before it is placed in the log. */
export type LineMatch = Omit<LogSignature, 'index' | 'related'>;

/** Reads one trimmed log line; says what it proves, or undefined. */
export type LineMatcher = (line: string) => LineMatch | undefined;
