/**
 * Finds the decisive lines of a previous-container log: crash shapes, runtime OOM, exec errors,
 * missing env/config/file, unreachable dependencies, error-level structured lines.
 */
import { findCrashes } from './log-crash-lines.ts';
import { LINE_MATCHERS } from './log-matchers.ts';
import type { LogSignature, Runtime } from './log-signature-types.ts';
import { isBelowError, type LeveledLine, parseLeveled } from './log-structured.ts';
import { decidesAtWarning, SIGNATURE_ORDER, signatureRank } from './signature-order.ts';

/** Regexes see at most this much of a line (a JSON line can be megabytes); JSON.parse sees it all. */
const MAX_LINE = 4000;

function cut(text: string): string {
  return text.length > MAX_LINE ? text.slice(0, MAX_LINE) : text;
}

function clean(text: string): string {
  return cut(text)
    .replace(/^Caused by: /, '')
    .trim();
}

/** What the matchers read of a line: the line, and a leveled line's message (JSON, logfmt), when it has one. */
function candidates(line: string, leveled: LeveledLine | undefined): string[] {
  return leveled !== undefined && leveled.message !== '' ? [line, leveled.message] : [line];
}

function matchLine(line: string, index: number): LogSignature | undefined {
  const leveled = parseLeveled(line);
  for (const candidate of candidates(line, leveled)) {
    // Cleaned once per line, not once per signature kind: a storm reads thousands of lines.
    const cleaned = clean(candidate);
    for (const { kind } of SIGNATURE_ORDER) {
      const matcher = LINE_MATCHERS[kind];
      const m = matcher?.(cleaned);
      if (m === undefined) continue;
      // A JSON or logfmt line reads better as its message, when the message still shows the proof.
      const rendered = leveled?.structured === true && leveled.message !== '' && matcher?.(clean(leveled.message)) !== undefined;
      return { ...m, index, related: [], ...(rendered ? { text: cut(leveled.message) } : {}) };
    }
  }
  if (leveled !== undefined && leveled.level !== 'info')
    return {
      kind: 'error-log',
      index,
      related: [],
      text: cut(leveled.structured && leveled.message !== '' ? leveled.message : line.trim()),
      fatal: leveled.level === 'fatal',
    };
  return undefined;
}

/**
 * False when no line can be a dependency signature naming a host that did not resolve: the one
 * matcher on what matchLine reads of each line, far cheaper than every matcher (findSignatures).
 * True says only that one may be there: a stronger kind can still take the line.
 */
export function mayNameUnresolvedHost(lines: readonly string[]): boolean {
  const matcher = LINE_MATCHERS['dependency-unreachable'];
  return lines.some((line) =>
    candidates(line, parseLeveled(line)).some((candidate) => {
      const m = matcher?.(clean(candidate));
      return m?.failure === 'dns' && m.endpoint !== undefined;
    }),
  );
}

/** Every signature in the log, in line order (crash shapes first on a shared line). */
export function findSignatures(lines: readonly string[]): LogSignature[] {
  const crashes = findCrashes(lines.map(cut));
  const taken = new Set(crashes.map((c) => c.index));
  // Node.js: `Cannot find module '/app/server.js'` with no `Require stack:` is the entry script itself.
  const entryScript = (sig: LogSignature): LogSignature =>
    sig.kind === 'missing-module' && sig.runtime === 'node' && sig.path?.startsWith('/') === true && !/^Require stack:/.test(lines[sig.index + 1] ?? '')
      ? { ...sig, kind: 'exec-error' }
      : sig;
  const single: LogSignature[] = [];
  lines.forEach((line, index) => {
    const found = matchLine(line, index) ?? tracedFailure(lines, index);
    if (found === undefined) return;
    const sig = entryScript(found);
    // A crash shape owns its line; an error level adds nothing to it.
    if (taken.has(index) && sig.kind === 'error-log') return;
    single.push(sig);
  });
  // A specific line signature replaces the crash shape on the same line but keeps its context lines;
  // a connection failure is kept beside the crash (it names the endpoint, the crash stays decisive).
  const replaces = (s: LogSignature): boolean => s.kind !== 'dependency-unreachable';
  const merged = single.map((s) => {
    const crash = crashes.find((c) => c.index === s.index);
    if (crash === undefined || !replaces(s)) return s;
    const runtime = s.runtime ?? crash.runtime;
    return { ...s, related: crash.related, ...(runtime !== undefined ? { runtime } : {}) };
  });
  const rest = crashes.filter((c) => !single.some((s) => s.index === c.index && replaces(s)));
  return [...rest, ...merged].sort((a, b) => a.index - b.index).map((s) => withShellCommand(s, lines));
}

/**
 * In a shell trace (`set -x`), `iptables: Chain already exists.` right after `+ iptables -t nat -N …`
 * is that command's failure, however plain its words: a program's message prefixed with its own
 * name, printed within a few lines of the trace line that ran it. It decides when nothing more
 * specific does, so it is quoted whole even when a long dump follows it (istio-init's iptables-save).
 */
function tracedFailure(lines: readonly string[], index: number): LogSignature | undefined {
  const line = cut(lines[index] ?? '').trim();
  const m = /^([\w.-]+)(?: v\d[\w.]*(?: \(\w+\))?)?: (?=\S)/.exec(line);
  if (m?.[1] === undefined) return undefined;
  for (let i = index - 1; i >= 0 && i >= index - 3; i--) {
    const traced = /^\++ (\S+)/.exec((lines[i] ?? '').trim())?.[1];
    if (traced === undefined) continue;
    return traced === m[1] || traced.endsWith(`/${m[1]}`) ? { kind: 'error-log', index, related: [], text: line } : undefined;
  }
  return undefined;
}

/** How far back a `+ command` line still explains an error line (its output may run a few lines). */
const TRACE_WINDOW = 30;

/**
 * In a shell trace (`set -x`) the failing command is the last `+ …` line before the error; lines an
 * exit trap prints come after the error and are not looked at.
 */
function withShellCommand(sig: LogSignature, lines: readonly string[]): LogSignature {
  for (let i = sig.index - 1; i >= 0 && i >= sig.index - TRACE_WINDOW; i--) {
    const line = (lines[i] ?? '').trim();
    if (/^\++ \S/.test(line)) return { ...sig, command: cut(line), related: [...sig.related, i] };
  }
  return sig;
}

/** True when a signature may decide the cause: some kinds logged as a warning only explain (signature-order.ts). */
export function isDecisive(sig: LogSignature, lines: readonly string[]): boolean {
  return decidesAtWarning(sig.kind) || !isBelowError(lines[sig.index] ?? '');
}

/** Lower is stronger: the kind's place in SIGNATURE_ORDER, a fatal record just ahead of an error record. */
function strength(sig: LogSignature): number {
  return signatureRank(sig.kind) * 2 - (sig.fatal === true ? 1 : 0);
}

/** The one signature that best explains the exit (strongest kind, then the latest line), or undefined. */
export function primarySignature(sigs: readonly LogSignature[], lines: readonly string[]): LogSignature | undefined {
  let best: LogSignature | undefined;
  for (const sig of sigs) {
    if (!isDecisive(sig, lines)) continue;
    if (best === undefined || strength(sig) <= strength(best)) best = sig;
  }
  return best;
}

const RUNTIME_HINTS: readonly (readonly [RegExp, Runtime])[] = [
  [/^goroutine \d+ \[|^panic: |^fatal error: /, 'go'],
  [/^Traceback \(most recent call last\):/, 'python'],
  [/^Node\.js v\d+|node:internal\/|^\s+at .*\.(?:m|c)?js:\d+:\d+\)?$/, 'node'],
  [/^\s+at (?:java|javax|jdk|org|com|io|net|kotlin|scala)\.[\w$.]+\(|^Exception in thread "|:: Spring Boot ::/, 'jvm'],
  [/^thread '[^']*' panicked at /, 'rust'],
  [/^Unhandled [eE]xception[.:] System\./, 'dotnet'],
];

/** The runtime the log shows, when it shows one (used for findings: Go/JVM/Node memory settings). */
export function detectRuntime(lines: readonly string[], sigs: readonly LogSignature[]): Runtime | undefined {
  const fromSig = sigs.find((s) => s.runtime !== undefined)?.runtime;
  if (fromSig !== undefined) return fromSig;
  for (const line of lines) for (const [pattern, runtime] of RUNTIME_HINTS) if (pattern.test(line)) return runtime;
  return undefined;
}
