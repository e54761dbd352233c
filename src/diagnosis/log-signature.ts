/** What a decisive log line says, as found by `findSignatures` (log-signatures.ts). */

/** The language runtime a log shows, when it shows one. */
export type Runtime = 'go' | 'python' | 'node' | 'jvm' | 'rust' | 'dotnet' | 'native';

export type SignatureKind =
  /** The language runtime ran out of heap: JS heap, java.lang.OutOfMemoryError, Go/Python/Rust/C++. */
  | 'runtime-oom'
  /** runc or a shell could not exec the entrypoint (exec format error, not found, permission denied). */
  | 'exec-error'
  /** A required environment variable or config property is absent; `name` holds it. */
  | 'missing-env'
  /** A file the program opens is absent; `path` holds it. */
  | 'missing-file'
  /** A module/package is not in the image (Node MODULE_NOT_FOUND, Python ModuleNotFoundError). */
  | 'module-missing'
  /** An unhandled exception, panic or runtime fatal error: the program's own crash line. */
  | 'crash'
  /** A dependency could not be reached; `endpoint` holds host[:port]. */
  | 'connection'
  /** A structured or leveled log line at error/fatal level. */
  | 'error-log';

export interface LogSignature {
  kind: SignatureKind;
  /** Index of the decisive line in LogFacts.lines. */
  index: number;
  /** Other lines worth showing with it (traceback header, goroutine line, panic message). */
  related: number[];
  /** The decisive statement, trimmed, e.g. `KeyError: 'DATABASE_URL'`. */
  text: string;
  runtime?: Runtime;
  /** missing-env: the variable or property. */
  name?: string;
  /** missing-file / exec-error: the path. */
  path?: string;
  /** connection: host or host:port, and how it failed. */
  endpoint?: string;
  failure?: 'refused' | 'dns' | 'timeout';
  /** error-log: fatal outranks error. */
  fatal?: boolean;
}
