/**
 * Leveled log lines at error or fatal level: JSON (zap, logrus, pino numeric 50/60, GCP `severity`,
 * ECS `log.level`, Serilog `@l`), logfmt (`level=fatal msg=…`), klog (`E0409 …`, `F0409 …`) and
 * plain text levels (`ERROR`, `FATAL`, `CRITICAL`).
 */

export interface LeveledLine {
  level: 'error' | 'fatal' | 'info';
  /** A readable rendering: the message and its error field, e.g. `failed to start: dial tcp …`. */
  message: string;
  /** JSON or logfmt: the rendering reads better than the raw line. */
  structured: boolean;
}

const FATAL = new Set(['fatal', 'panic', 'dpanic', 'critical', 'crit', 'alert', 'emerg', 'emergency']);
const ERROR = new Set(['error', 'err', 'eror', 'severe']);

function levelOf(value: unknown): LeveledLine['level'] | undefined {
  if (typeof value === 'number') return value >= 60 ? 'fatal' : value >= 50 ? 'error' : 'info'; // pino
  if (typeof value !== 'string') return undefined;
  const v = value.toLowerCase();
  return FATAL.has(v) ? 'fatal' : ERROR.has(v) ? 'error' : 'info';
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && 'message' in value && typeof value.message === 'string') return value.message;
  return undefined;
}

function fromJson(line: string): LeveledLine | undefined {
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return undefined;
  const o = obj as Record<string, unknown>;
  const level = levelOf(o['level'] ?? o['severity'] ?? o['lvl'] ?? o['log.level'] ?? o['@l'] ?? o['loglevel']);
  if (level === undefined) return undefined;
  const msg = text(o['msg']) ?? text(o['message']) ?? text(o['@m']) ?? text(o['@mt']) ?? text(o['event']) ?? '';
  const err = text(o['error']) ?? text(o['err']) ?? text(o['exception']) ?? text(o['@x']);
  return { level, message: err !== undefined && err !== msg ? `${msg}: ${err}` : msg, structured: true };
}

function fromLogfmt(line: string): LeveledLine | undefined {
  const lvl = /(?:^|\s)(?:level|lvl)=(?:"([^"]*)"|(\S+))/.exec(line);
  if (lvl === null) return undefined;
  const level = levelOf(lvl[1] ?? lvl[2]);
  if (level === undefined) return undefined;
  const msg = /(?:^|\s)msg=(?:"((?:[^"\\]|\\.)*)"|(\S+))/.exec(line);
  const err = /(?:^|\s)(?:error|err)=(?:"((?:[^"\\]|\\.)*)"|(\S+))/.exec(line);
  const m = msg?.[1] ?? msg?.[2] ?? '';
  const e = err?.[1] ?? err?.[2];
  return { level, message: e === undefined ? m : `${m}: ${e}`, structured: true };
}

/** klog header: Lmmdd hh:mm:ss.uuuuuu threadid file:line] msg */
function fromKlog(line: string): LeveledLine | undefined {
  const m = /^([IWEF])\d{4} \d{2}:\d{2}:\d{2}\.\d+\s+\d+ [^\]]+\] (.*)$/.exec(line);
  if (m === null) return undefined;
  return { level: m[1] === 'F' ? 'fatal' : m[1] === 'E' ? 'error' : 'info', message: m[2] ?? '', structured: false };
}

function fromPlain(line: string): LeveledLine | undefined {
  const m = /(?:^|[\s[|])(FATAL|CRITICAL|PANIC|ERROR|SEVERE)(?:[\]\s:|]|$)\s*(?:\d+ --- \[[^\]]*\] \S+\s*:\s*)?(.*)$/.exec(line);
  if (m === null) return undefined;
  return { level: m[1] === 'ERROR' || m[1] === 'SEVERE' ? 'error' : 'fatal', message: (m[2] ?? '').trim() || line.trim(), structured: false };
}

/** The level and message of one log line, when it has a recognisable level. */
export function parseLeveled(line: string): LeveledLine | undefined {
  const t = line.trim();
  if (t.startsWith('{')) return fromJson(t);
  return fromLogfmt(t) ?? fromKlog(t) ?? fromPlain(t);
}

/** True when the line is marked as a warning or below: such lines explain, they do not decide. */
export function isBelowError(line: string): boolean {
  const leveled = parseLeveled(line);
  if (leveled !== undefined) return leveled.level === 'info';
  return /(?:^|[\s[|"])(?:WARN(?:ING)?|INFO|DEBUG|warn(?:ing)?|info|debug)(?:[\]\s:|"]|$)/.test(line);
}
