/**
 * Every command a message puts in a code block (the Fix, the other fixes, the verify steps that are
 * commands, the escalation checklist), and the checks a reader's shell would make of it:
 *
 * - static rules: no placeholder that reads like a value (`<the script>`), no `…` inside a command, no
 *   interactive `-it` piped into another program, no `which -c`, no `find -path` with a doubled slash, no prose
 *   where a program's arguments go, no read of a pod or node the evidence says is gone;
 * - `bash -n`: every line parses as shell, and so does a command a comment tells the reader to type
 *   (`# inside: ls -la /app`, `# Dockerfile…: RUN sed …`);
 * - the real kubectl runs every kubectl line against the bench case's cluster on the fake API server
 *   (bench-cluster.ts): reads must succeed, or fail with NotFound only for objects the evidence does not
 *   show to exist; writes run with `--dry-run=client` where kubectl has it (so a JSON patch's `test`,
 *   a strategic merge and `set` are applied to the real object), else reach the server's refusal to
 *   write; the interactive ones (`debug`, `run`, `exec`, `port-forward`, `auth`) are parsed by kubectl
 *   against a server that serves discovery only (kubectl.ts).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DiagnosisDocument } from '../../src/diagnosis/document.ts';
import { buildMessage } from '../../src/notify/message.ts';
import { run } from './kubectl.ts';

export interface CommandBlock {
  /** "Fix: Turn off service links", "Verify", "Escalation". */
  where: string;
  lines: string[];
}

export interface CommandFailure {
  where: string;
  line: string;
  why: string;
}

/** The message's code blocks, as the reader sees them in the thread, the email or the webhook document. */
export function messageCommandBlocks(doc: DiagnosisDocument): CommandBlock[] {
  const m = buildMessage(doc, { externalURL: 'https://alertmanager.example.com' });
  const fixes = [...(m.first.primaryFix === undefined ? [] : [m.first.primaryFix]), ...m.details.otherFixes];
  return [
    ...fixes.map((r) => ({ where: `Fix: ${r.title}`, lines: r.commands.flatMap((c) => c.split('\n')) })),
    { where: 'Verify', lines: m.details.verify.filter((v) => COMMAND_START.test(v)) },
    { where: 'Escalation', lines: m.details.escalation.flatMap((s) => (s.command === undefined ? [] : [s.command])) },
  ].filter((b) => b.lines.length > 0);
}

const COMMAND_START = /^(kubectl|docker|curl|helm|jq|crane|skopeo|git|openssl) /;

/** Programs a comment may tell the reader to type, after its `label:` (`# inside: ls -la /app`). */
const EMBEDDED =
  /^#\s[^:]*:\s+(?:RUN\s+)?((?:find|ls|which|id|echo|touch|ldd|ps|cat|od|head|grep|sed|curl|wget|git|docker|kubectl|env|stat|test|nc|nslookup|getent|python3?|node|java|sh|command|readelf|file)\b.*)$/;

/** The command a comment line asks the reader to type, if any. */
export function embeddedCommand(line: string): string | undefined {
  if (/^#\s*inside:/.test(line)) return line.replace(/^#\s*inside:\s*/, '');
  return EMBEDDED.exec(line)?.[1];
}

/** The part of a line before its unquoted `#` comment. */
export function codePart(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote !== undefined) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"') i++;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '\\') i++;
    else if (ch === '#' && (i === 0 || /\s/.test(line[i - 1] ?? ''))) return line.slice(0, i).trimEnd();
  }
  return line;
}

/** The pipeline's stages, split at unquoted `|`, `&&`, `||` and `;` (quotes and `$(…)` kept whole). */
export function stages(code: string): string[] {
  const out: string[] = [];
  let quote: string | undefined;
  let depth = 0;
  let start = 0;
  for (let i = 0; i < code.length; i++) {
    const ch = code[i];
    if (quote !== undefined) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"') i++;
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '\\') i++;
    else if (ch === '$' && code[i + 1] === '(') {
      depth++;
      i++;
    } else if (ch === ')' && depth > 0) depth--;
    else if (depth === 0 && (ch === '|' || ch === ';' || (ch === '&' && code[i + 1] === '&'))) {
      out.push(code.slice(start, i).trim());
      if (code[i + 1] === ch) i++;
      start = i + 1;
    }
  }
  out.push(code.slice(start).trim());
  return out.filter((s) => s !== '');
}

const INTERACTIVE = /\s(?:-it|-ti|--tty(?:=true)?|-i\s+-t|-t\s+-i)(?=\s|$)/;

/** The rules no parser sees. `gone`: `pod/x`, `node/y` the evidence says no longer exist. */
export function staticComplaints(line: string, gone: ReadonlySet<string>): string[] {
  const code = codePart(line);
  const why: string[] = [];
  if (/<[A-Za-z][^<>|]*>/.test(code)) why.push('a placeholder in angle brackets');
  if (code.includes('…')) why.push('an ellipsis inside the command');
  const parts = stages(code);
  if (parts.length > 1 && parts.slice(0, -1).some((p) => INTERACTIVE.test(` ${p}`))) why.push('an interactive -it piped into another program');
  if (/\bwhich\s+-c\b/.test(code)) why.push('which -c (which has no -c)');
  if (/\bwhich\s+(['"])[^'"]*\s[^'"]*\1/.test(code)) why.push('which of a quoted phrase');
  if (/-path\s+(['"])[^'"]*\/\/[^'"]*\1/.test(code)) why.push("find -path with '//' (matches nothing)");
  if (/\bldd\s+on\b|\brun the\b|\bby hand\b/.test(code)) why.push('prose where the arguments go');
  for (const object of gone) {
    const [kind, name = ''] = object.split('/');
    if (kind !== 'pod' && kind !== 'node') continue;
    const named = new RegExp(`(?:^|[\\s/])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=\\s|$|')`);
    if (/^kubectl\s/.test(code) && named.test(code)) why.push(`reads ${object}, which the evidence says is gone`);
  }
  return why;
}

export async function bashParses(line: string): Promise<string | undefined> {
  const out = await run('/bin/bash', ['-n', '-c', line], { timeoutMs: 10_000 });
  return out.code === 0 ? undefined : out.stderr.trim() || 'bash -n failed';
}

/** Verbs kubectl runs with --dry-run=client: the write is computed locally, against the server's object. */
const DRY_RUN = /^kubectl\s+(patch|set\s+\w+|create(?:\s+[\w-]+)?|delete|replace|apply|label|annotate|scale|rollout\s+undo)\b/;
/** Verbs that attach, open a session or ask the authorizer: parsed only. */
const PARSE_ONLY = /^kubectl\s+(debug|run|exec|attach|port-forward|cp|auth|wait|proxy)\b/;

/** A kubectl stage as run: `--dry-run=client` added to writes that take it, a watch (`-w`) read once. */
export function asRun(stage: string): string {
  let s = stage.replace(/\s(?:-w|--watch)(?=\s|$)/g, '');
  // `rollout status` waits for the rollout; the fake's workloads never roll out, so it waits briefly.
  if (/^kubectl\s+rollout\s+status\b/.test(s)) s = `${s.replace(/\s--timeout=\S+/, '')} --timeout=2s`;
  // `replace --force` deletes and recreates, which kubectl refuses to do as a dry run: it reaches the server's refusal instead.
  if (DRY_RUN.test(s) && !/--dry-run|--force/.test(s)) {
    const dash = s.indexOf(' -- ');
    const redirect = /\s[<>]/.exec(s);
    const at = dash >= 0 ? dash : redirect !== null ? redirect.index : s.length;
    s = `${s.slice(0, at)} --dry-run=client${s.slice(at)}`;
  }
  return s;
}

export interface Targets {
  /** The bench case's cluster (fake-kube-api.ts). */
  cluster: NodeJS.ProcessEnv;
  /** A server that serves discovery only (kubectl.ts). */
  parseOnly: NodeJS.ProcessEnv;
  kubectl: string;
  /** Kinds and names (`configmaps/x`) whose NotFound the evidence allows: not seeded from it. */
  mayBeMissing: (resource: string, name: string) => boolean;
}

/** Plausible values for the shell variables a reader sets first ($MEMORY_LIMIT, $NEW_TAG, $DB_PASSWORD). */
export function shellEnv(line: string, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const [, name] of line.matchAll(/\$\{?([A-Z_][A-Z0-9_]*)\}?/g)) {
    // A variable the target already sets ($NODE: a node of the case's cluster) keeps its value.
    if (name === undefined || name === 'PATH' || name === 'HOME' || base[name] !== undefined) continue;
    env[name] = /MEMORY|LIMIT/.test(name)
      ? '768Mi'
      : /TAG/.test(name)
        ? 'v1.2.3'
        : /PATH$/.test(name)
          ? '/healthz'
          : /SCRIPT/.test(name)
            ? '/app/start.sh'
            : `test-${name.toLowerCase()}`;
  }
  return env;
}

/** Files a command reads (`-f x.yaml`, `--from-file=k=./x`) are there, as the reader's would be. */
function provideFiles(line: string, dir: string): void {
  for (const [, path] of line.matchAll(/(?:-f |--from-file=(?:[^=\s]+=)?|--from-env-file=|\$\(cat )([\w./-]+)/g)) {
    if (path === undefined || path === '-') continue;
    const local = join(dir, path.replace(/^\.\//, ''));
    if (existsSync(local)) continue;
    if (path.endsWith('/')) {
      mkdirSync(local, { recursive: true });
      writeFileSync(join(local, 'config.yaml'), 'key: value\n');
    } else writeFileSync(local, path.endsWith('.env') ? 'KEY=value\n' : 'key: value\n');
  }
}

const NOISE = [/^Warning: /, /^I\d{4} /, /^W\d{4} /, /^Unable to use a TTY/, /^If you don't see a command prompt/, /^--profile=legacy is deprecated/];

/** What kubectl said that means the command did not run as written, for one line run in `dir`. */
export async function kubectlComplaints(line: string, targets: Targets, dir: string): Promise<string[]> {
  const code = codePart(line);
  const parseOnly = stages(code).some((s) => PARSE_ONLY.test(s));
  // Keep the original operators: rebuild from the code with each kubectl stage replaced.
  let script = code;
  for (const s of stages(code)) if (s.startsWith('kubectl ')) script = script.replace(s, asRun(s));
  script = script.replace(/(^|[\s($|&;])kubectl /g, `$1${targets.kubectl} `);
  provideFiles(code, dir);
  const env = shellEnv(code, parseOnly ? targets.parseOnly : targets.cluster);
  const out = await run('/bin/bash', ['-c', script], { env, cwd: dir, timeoutMs: 30_000 });
  if (out.timedOut) return ['timed out after 30 s'];
  const said = out.stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !NOISE.some((re) => re.test(l)));
  const why: string[] = [];
  for (const l of said) {
    // The shell's own complaints: a program that is not there, a file that is not, a syntax error.
    if (/^(?:\/bin\/)?bash: |command not found|No such file or directory|Too many levels of symbolic links/.test(l)) {
      why.push(l);
      continue;
    }
    if (/unknown (flag|command|shorthand)|See 'kubectl|invalid argument|required flag|accepts \d+ arg|must specify|panic:/.test(l)) {
      why.push(l);
      continue;
    }
    if (/timed out waiting for the condition|watch closed before/.test(l) && /\brollout\s+status\b/.test(code)) continue;
    const notFound = /^(?:error: )?[Ee]rror from server \(NotFound\): ([\w.]+) "([^"]+)" not found/.exec(l);
    if (notFound !== null) {
      if (parseOnly || targets.mayBeMissing(notFound[1] ?? '', notFound[2] ?? '')) continue;
      why.push(l);
      continue;
    }
    if (/^Error from server \(MethodNotAllowed\)|does not allow this method/.test(l)) continue; // the write reached the server
    if (parseOnly && /^Error from server \((Forbidden|NotFound)\)|^error: .*(not found|forbidden)|^no$/i.test(l)) continue;
    if (/failed to download openapi/.test(l)) continue;
    if (/^error|^Error|^E\d{4} /.test(l)) why.push(l);
  }
  return why;
}
