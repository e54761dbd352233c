/**
 * Application crash: the program exited non-zero on its own. The log's decisive
 * line (exception, panic, fatal log, unreachable dependency) says what broke.
 */
import type { Clues } from './clues.ts';
import type { EvidenceLine } from './document.ts';
import type { LogSignature } from './log-signature-types.ts';
import type { Place } from './precedence.ts';
import { crashLine, crashWords } from './program-crash.ts';
import { hasProblem, statusLine, who } from './rules/rule.ts';
import { describeExit, exitedWith } from './signals.ts';
import type { Verdict } from './verdict.ts';

const FAILURE: Record<NonNullable<LogSignature['failure']>, string> = {
  refused: 'connection refused',
  dns: 'the name does not resolve',
  timeout: 'the connection timed out',
};

/** The last connection failure that names an endpoint and is not a mere warning (found by gather-clues.ts). */
export function dependency(clues: Clues): LogSignature | undefined {
  return clues.dependency;
}

/** The last line that reports a failure in words, when no shape or level marks one. */
function lastErrorWords(clues: Clues): string | undefined {
  const lines = clues.log?.lines ?? [];
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = (lines[i] ?? '').trim();
    if (/\b(?:error|errors|fatal|failed|failure|exception|panic|cannot|can't|unable|denied|refused|abort(?:ed|ing)?)\b/i.test(line))
      return line.length > 200 ? `${line.slice(0, 200)}…` : line;
  }
  return undefined;
}

/** Never "no error line" when the log reports one in words: quote it, and say what was checked. */
function errorWordsNote(clues: Clues): string {
  const words = lastErrorWords(clues);
  if (words !== undefined) return `; no known crash shape (exception, panic, fatal record) matched, and the last line reporting a failure says: "${words}"`;
  return `; the log shows no stack trace, error record or failure message (its last line: "${lastLine(clues) ?? ''}")`;
}

/** The last non-empty log line, quoted when nothing else stands out (Go's log.Fatal has no level). */
function lastLine(clues: Clues): string | undefined {
  const lines = clues.log?.lines ?? [];
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = (lines[i] ?? '').trim();
    if (line !== '') return line.length > 200 ? `${line.slice(0, 200)}…` : line;
  }
  return undefined;
}

function what(sig: LogSignature | undefined, dep: LogSignature | undefined): string {
  const reach = dep?.endpoint === undefined || dep.index === sig?.index ? '' : `; it could not reach ${dep.endpoint} (${FAILURE[dep.failure ?? 'refused']})`;
  if (sig === undefined) return reach === '' ? '' : reach.slice(2);
  switch (sig.kind) {
    case 'missing-module':
      return `${sig.path ?? 'a module'} is missing from the image (${sig.text})`;
    case 'missing-file':
      return `it cannot find ${sig.path ?? 'a file'} (${sig.text})`;
    case 'dependency-unreachable':
      return sig.endpoint === undefined
        ? `a dependency refused the connection (${sig.text})`
        : `it could not reach ${sig.endpoint} (${FAILURE[sig.failure ?? 'refused']})`;
    case 'crash':
      return `${crashWords(sig)?.because ?? sig.text}${reach}`;
    case 'error-log':
      // A shell trace names the command that printed it (log-reader.ts: withShellCommand).
      if (sig.command !== undefined) return `${sig.command.replace(/^\++ /, '')} failed: ${sig.text.replace(/\.$/, '')}${reach}`;
      return `its last ${sig.fatal === true ? 'fatal' : 'error'} log line says: ${sig.text}${reach}`;
    default:
      return `${sig.text}${reach}`;
  }
}

export function logLines(clues: Clues, sig: LogSignature | undefined): EvidenceLine[] {
  const lines: EvidenceLine[] = [];
  // One line for the traced command and what it printed, the failure last: a first screen shows one
  // proof line and keeps a long line's tail.
  if (sig !== undefined) {
    lines.push({ source: 'logs', text: sig.command === undefined ? crashLine(sig) : `the failing command (shell trace): ${sig.command} → ${sig.text}` });
  }
  const dep = dependency(clues);
  if (dep !== undefined && dep !== sig) lines.push({ source: 'logs', text: dep.text });
  return lines;
}

const FAILURE_WORDS = { refused: 'Connection refused by', dns: 'Cannot resolve', timeout: 'Timed out connecting to' } as const;

/**
 * A title short enough for a Slack header and a mail subject: the exception's name, or the endpoint
 * that failed, or the decisive line cut at a word. The whole line stays in the summary and the proof.
 */
function headline(sig: LogSignature): string {
  if (sig.endpoint !== undefined && sig.failure !== undefined) return `${FAILURE_WORDS[sig.failure]} ${sig.endpoint}`;
  const exception = /^(?:[A-Za-z_$][\w$]*\.)*[A-Z][\w$]*(?:Error|Exception|Fault|Failure)\b/.exec(sig.text)?.[0];
  if (exception !== undefined) return exception;
  if (sig.text.length <= 60) return sig.text;
  const cut = sig.text.slice(0, 60);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), 40)).replace(/[\s,:;]+$/, '')}…`;
}

/** The previous log was read and holds nothing but blank lines. */
export function isEmptyLog(clues: Clues): boolean {
  return clues.log?.lines.every((l) => l.trim() === '') === true;
}

export function crashVerdict(clues: Clues, place: Place, sig: LogSignature | undefined = clues.primary): Verdict {
  const t = clues.termination;
  const exit = t === undefined ? 'exits' : exitedWith(t.exitCode);
  const detail = what(sig, dependency(clues));
  const noLog = clues.log === undefined || clues.log.lines.length === 0;
  // Read, and empty: the log cannot tell, so the remedy is what the previous container left instead.
  const emptyLog = sig === undefined && detail === '' && !hasProblem(clues, 'logs') && isEmptyLog(clues);
  const message = t?.message?.trim() ?? '';
  const logNote =
    detail !== ''
      ? `: ${detail}`
      : hasProblem(clues, 'logs')
        ? '; its log could not be read, so the reason is not known'
        : noLog || emptyLog
          ? message === ''
            ? '; it wrote nothing to its log before exiting (its previous log is empty, and it left no termination message)'
            : `; it wrote nothing to its log, but its termination message says: "${message.slice(0, 200)}"`
          : errorWordsNote(clues);
  const crash = sig === undefined ? undefined : crashWords(sig);
  const title = `${sig === undefined ? (emptyLog ? 'Exits without a log line' : 'Application error') : (crash?.headline ?? headline(sig))} (${t === undefined ? 'crash' : describeExit(t.exitCode)})`;
  const dep = sig?.kind === 'dependency-unreachable' ? sig : dependency(clues);
  return {
    id: 'app-crash',
    ...(sig?.kind === 'missing-file'
      ? { detail: 'missing-file' as const }
      : crash !== undefined
        ? { detail: crash.detail }
        : dep?.endpoint === undefined
          ? emptyLog
            ? { detail: 'empty-log' as const }
            : {}
          : { detail: dep.failure === 'dns' ? ('dns-failure' as const) : ('dependency-unreachable' as const) }),
    place,
    confidence: detail !== '' || (emptyLog && message !== '') ? 'high' : noLog || emptyLog ? 'low' : 'medium',
    title,
    summary: `${who(clues)} ${exit}${logNote}.`,
    evidence: [...statusLine(clues), ...logLines(clues, sig)],
    fix: { kind: 'app-bug', ...(sig === undefined ? {} : { signature: sig }) },
  };
}
