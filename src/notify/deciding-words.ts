/**
 * The deciding fact in a few words, for the header and the email's subject: what the line that
 * decides names (`-log-level` is not a flag, `curl` is not in the image, port 80 is taken, a
 * service-link URL in `port`), read from the evidence lines themselves, where the cause's own words
 * ("exits with code 2", "a dependency is unreachable") would name only the symptom. Pure.
 */
import type { CauseDetail, CauseId } from '../diagnosis/document.ts';

interface Phrase {
  /** The causes (and sub-causes) whose evidence this phrase may read. */
  causes: readonly CauseId[];
  details?: readonly (CauseDetail | undefined)[];
  match: RegExp;
  words: (m: RegExpExecArray) => string;
}

const short = (s: string | undefined, max = 48): string => {
  const t = (s ?? '').trim().replace(/[.,;]+$/, '');
  return t.length <= max ? t : `${t.slice(0, max - 1).replace(/\s+\S*$/, '')}…`;
};

/** First match wins; each phrase names the fact, never the symptom. */
const PHRASES: readonly Phrase[] = [
  // A probe whose command the image lacks: the kubelet's exec error (events).
  {
    causes: ['liveness-probe'],
    match: /(liveness|startup|readiness) probe (?:errored|failed)\b.*?exec: \\*"([^"\\]+)\\*": executable file not found/i,
    words: (m) => `${m[2]} is not in the image: its ${m[1]?.toLowerCase()} probe cannot run`,
  },
  // Go's flag package, Python's argparse, and the like.
  { causes: ['app-crash'], match: /flag provided but not defined: (-{1,2}[\w.-]+)/, words: (m) => `${m[1]} is not a flag it knows` },
  { causes: ['app-crash'], match: /unrecognized arguments: (.+)$/, words: (m) => `it does not accept the argument ${short(m[1], 40)}` },
  { causes: ['app-crash'], match: /unknown (?:flag|option|shorthand flag):? '?(-{1,2}[\w.-]+)/, words: (m) => `${m[1]} is not a flag it knows` },
  // A Kubernetes service-link value (FOO_PORT=tcp://IP:PORT) read as the app's own setting.
  {
    causes: ['app-crash'],
    match: /Invalid value (tcp:\/\/[\d.]+:\d+) for configuration (\S+?):?\s/,
    words: (m) => `its "${m[2]}" setting is a service-link URL (${m[1]})`,
  },
  {
    causes: ['app-crash'],
    details: ['service-link-collision'],
    match: /(tcp:\/\/[\d.]+:\d+)/,
    words: (m) => `a service-link URL (${m[1]}) reached its settings`,
  },
  // Ports.
  { causes: ['app-crash'], match: /bind\(\) to [\d.:[\]]*:(\d+) failed \(98/, words: (m) => `port ${m[1]} is already in use` },
  { causes: ['app-crash'], match: /bind\(\) to [\d.:[\]]*:(\d+) failed \(13/, words: (m) => `it may not bind port ${m[1]} (below 1024, not root)` },
  {
    causes: ['app-crash'],
    details: ['port-bind'],
    match: /(?:listen|bind)[^:]*:(\d{2,5})\b.*address already in use/i,
    words: (m) => `port ${m[1]} is already in use`,
  },
  // RBAC: what the service account may not do.
  {
    causes: ['app-crash', 'pod-setup'],
    details: ['api-forbidden'],
    match: /cannot (get|list|watch|create|update|patch|delete) resource "([\w./-]+)"/,
    words: (m) => `its service account may not ${m[1]} ${m[2]}`,
  },
  // Files and directories.
  {
    causes: ['app-crash'],
    details: ['fs-permission-denied'],
    match: /(?:mkdir|open|cannot create directory|can't create)\s*'?([/\w.-]+)'?:? (?:permission denied|Permission denied)/i,
    words: (m) => `permission denied on ${m[1]}`,
  },
  {
    causes: ['app-crash'],
    details: ['fs-read-only'],
    match: /(\/[\w.-]+(?:\/[\w.-]+)*)[^/]*read-only file system/i,
    // A temporary file (sed -i's `fooXXXXXX`) names its directory.
    words: (m) => `${/X{4,}|\.tmp$|~$/.test(m[1] ?? '') ? (m[1] ?? '').replace(/\/[^/]*$/, '') : m[1]} is on a read-only filesystem`,
  },
  // TLS.
  {
    causes: ['app-crash'],
    match: /cannot validate certificate for ([\d.]+) because it doesn't contain any IP SANs/,
    words: (m) => `the certificate does not name ${m[1]}`,
  },
  {
    causes: ['app-crash'],
    match: /"(https:\/\/[^/"]+)[^"]*".*x509: certificate signed by unknown authority/,
    words: (m) => `${m[1]}'s certificate is signed by a CA it does not trust`,
  },
  { causes: ['app-crash'], match: /x509: certificate signed by unknown authority/, words: () => 'a certificate signed by a CA it does not trust' },
  // Dependencies the log names by host and port.
  {
    causes: ['app-crash'],
    details: ['dependency-unreachable', undefined],
    match: /"([\w.-]+)" \([\d.]+\), port (\d+) failed: Connection refused/,
    words: (m) => `cannot reach ${m[1]}:${m[2]} (connection refused)`,
  },
  // Heap flags at or above the limit (the spec line names the flag and where it is set).
  {
    causes: ['oom-killed', 'runtime-oom'],
    details: ['heap-flag-over-limit'],
    match: /^(-X\S+?|-XX:\S+?|--max-old-space-size=\d+) in (?:env )?(\S+) is not below the (\S+) limit/,
    words: (m) => `${m[1]} in ${m[2]} is not below it`,
  },
  {
    causes: ['oom-killed', 'runtime-oom'],
    details: ['heap-flag-over-limit'],
    match: /^(-XX:MaxRAMPercentage=[\d.]+) in (?:env )?(\S+) gives the heap all of the/,
    words: (m) => `${m[1]} in ${m[2]} gives the heap all of it`,
  },
  // A shell script's failing command, from its set -x trace (the proof line says why it failed).
  { causes: ['app-crash'], match: /^the failing command \(shell trace\): \+ (.{3,60}?)(?: -m comment\b.*)?$/, words: (m) => `${short(m[1], 60)} fails` },
  // A Go nil dereference at the first frame of its own code (crash-verdict.ts writes the frame into the proof line).
  {
    causes: ['app-crash'],
    details: ['go-nil-panic'],
    match: /(nil pointer dereference|assignment to entry in nil map)\b.*\(in (?:its own code|a library[^:]*): (\S+) at (?:\S*\/)?([^/\s]+?)\)$/,
    words: (m) => {
      const func = m[2]?.replace(/^.*\./, '') ?? '';
      return `${m[1] === 'nil pointer dereference' ? 'a nil pointer dereference' : 'a write to a nil map'} at ${m[3]}${func.length <= 24 ? ` (${func})` : ''}`;
    },
  },
  // A .NET unhandled exception: its type and message, where its own code threw it.
  {
    causes: ['app-crash'],
    details: ['dotnet-unhandled-exception'],
    match: /^Unhandled [eE]xception[.:] ([\w.`]+): (.*?)(?: \(in its own code: \S+ at (?:\S*[\\/])?([^\\/\s]+)\))?$/,
    // The message is on the proof line below the header; with a frame the header names the type and where.
    words: (m) => (m[3] === undefined ? `an unhandled ${m[1]}: ${short(m[2], 40)}` : `an unhandled ${m[1]} at ${m[3]}`),
  },
  // abort(): the failed assertion or the uncaught C++ exception it names.
  { causes: ['app-crash'], details: ['abort'], match: /Assertion [`'](.+)[`'] failed/, words: (m) => `its assertion ${short(m[1], 50)} failed (abort)` },
  {
    causes: ['app-crash'],
    details: ['abort'],
    match: /^terminate called after throwing an instance of '(.+?)'(?:: what\(\): (.*))?$/,
    words: (m) => `an uncaught ${short(m[1], 40)}${m[2] === undefined ? '' : `: ${short(m[2], 40)}`}`,
  },
  // A Rust panic: where (unless inside std) and its message, in either of std's formats.
  {
    causes: ['app-crash'],
    details: ['rust-panic'],
    match: /^thread '[^']*' panicked at (?:'(.+)', (\S+)|(\S+?): (.+))$/,
    words: (m) => {
      const [at = '', message = ''] = m[2] === undefined ? [m[3], m[4]] : [m[2], m[1]];
      return `a Rust panic${/^src\/lib(?:core|std)\/|^\/rustc\//.test(at) ? '' : ` at ${at}`}: ${short(message, 36)}`;
    },
  },
  // Exceptions with the value they name, and Go panics with their message.
  { causes: ['app-crash'], details: [undefined], match: /^(\w+Error): '([^']{1,40})'$/, words: (m) => `${m[1]} '${m[2]}'` },
  { causes: ['app-crash'], details: [undefined], match: /^panic: (.{4,60}?)(?: \[recovered\])?$/, words: (m) => `a Go panic (${short(m[1], 60)})` },
];

/** The deciding fact in words, from the first evidence line a phrase of this cause reads; else none. */
export function decidingWords(cause: { id: CauseId; detail?: CauseDetail }, lines: readonly string[]): string | undefined {
  for (const p of PHRASES) {
    if (!p.causes.includes(cause.id)) continue;
    if (p.details !== undefined && !p.details.includes(cause.detail)) continue;
    for (const line of lines) {
      const m = p.match.exec(line);
      if (m !== null) return p.words(m);
    }
  }
  return undefined;
}
