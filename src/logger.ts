/**
 * The process logger: JSON lines on standard output (what log collectors in a cluster expect), with
 * every secret-bearing path censored, so a logged config, sink spec or request never leaks a token.
 */
import { type Logger, pino } from 'pino';
import { SECRET_PATHS } from './config/config.ts';

export const CENSOR = '[REDACTED]';

/**
 * `*.field` paths (a sink's secret field under any top-level key) are censored here, before pino
 * writes the line: given to pino's `redact`, a path starting with `*` runs its redactor on every
 * field of every line (the message too), parsing each path again per field: about 45 KiB of garbage
 * per alert in a storm, for lines that hold no sink spec. The other paths name their top-level key,
 * so pino's redactor runs only on lines that have that key, and they stay with pino.
 */
const ANY_KEY_FIELDS = SECRET_PATHS.filter((p) => /^\*\.[^.*[\]]+$/.test(p)).map((p) => p.slice(2));
const NAMED_PATHS = SECRET_PATHS.filter((p) => !/^\*\.[^.*[\]]+$/.test(p));

/** `value` with every secret field it holds censored, a copy (same prototype and properties); itself when it holds none. */
function censorFields(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const held = ANY_KEY_FIELDS.filter((f) => Object.hasOwn(value, f));
  if (held.length === 0) return value;
  // Descriptors, not a spread: an Error keeps its message, stack and cause for pino's err serializer;
  // an accessor (V8's `stack`) is read on the original, where its internal slot is.
  const descriptors = Object.getOwnPropertyDescriptors(value);
  for (const [key, d] of Object.entries(descriptors)) {
    if (d.get !== undefined)
      descriptors[key] = { value: (value as Record<string, unknown>)[key], enumerable: d.enumerable ?? false, writable: true, configurable: true };
  }
  const copy = Object.create(Object.getPrototypeOf(value), descriptors) as Record<string, unknown>;
  for (const f of held) copy[f] = CENSOR;
  return copy;
}

/** A line's fields (or a child logger's bindings) with `*.field` censored; the same object when nothing is. */
export function censorAnyKey<T extends Record<string, unknown>>(fields: T): T {
  let out: T | undefined;
  for (const key in fields) {
    if (!Object.hasOwn(fields, key)) continue;
    const value = fields[key];
    const censored = censorFields(value);
    if (censored === value) continue;
    out ??= { ...fields };
    out[key] = censored as T[typeof key];
  }
  return out ?? fields;
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const logger = pino(
    {
      level,
      base: { service: 'crashtriage' },
      redact: { paths: NAMED_PATHS, censor: CENSOR },
      formatters: { log: censorAnyKey },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
  // pino gives a child no bindings formatter of its own, so a child's bindings are censored here; every
  // child (Fastify's per request, and theirs) inherits this `child` from the root.
  const pinoChild = logger.child;
  logger.child = function child(this: Logger, bindings, options) {
    return pinoChild.call(this, censorAnyKey(bindings), options);
  } as Logger['child'];
  return logger;
}
