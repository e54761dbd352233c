/**
 * Shell quoting for values placed in suggested commands. Kubernetes names are DNS-1123 and pass
 * through unchanged; anything else (log-derived keys, paths, JSON) is single-quoted.
 */
const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function shq(value: string): string {
  if (value !== '' && SAFE.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
