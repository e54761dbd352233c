/**
 * Timestamps as the evidence carries them. The client deserializes API times into `Date`, but objects
 * loaded from raw JSON (fixtures, the demo) keep the wire's RFC 3339 strings, so both are accepted.
 */

/** RFC 3339 in UTC, without the `.000` that `toISOString` adds to whole seconds (kubectl's form). */
export function isoTime(value: Date | string | undefined | null): string | undefined {
  if (value === undefined || value === null) return undefined;
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return undefined;
  return date.toISOString().replace('.000Z', 'Z');
}

/** Milliseconds since the epoch, or undefined when absent or unparseable. */
export function epochMs(value: Date | string | undefined | null): number | undefined {
  const iso = isoTime(value);
  return iso === undefined ? undefined : Date.parse(iso);
}
