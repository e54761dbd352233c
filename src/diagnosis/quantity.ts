/**
 * Kubernetes memory quantities (resource.Quantity): binary (Ki, Mi, Gi, Ti) and decimal (k, M, G, T)
 * suffixes, plain bytes and exponents such as 129e6.
 */
const UNITS: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
};

const MI = 1024 ** 2;
const GI = 1024 ** 3;

/** Bytes in a memory quantity, or undefined when it does not parse. */
export function parseMemory(quantity: string): number | undefined {
  const m = /^([0-9]+(?:\.[0-9]+)?)(?:e([0-9]+))?(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(quantity.trim());
  if (m === null) return undefined;
  const exponent = m[2] === undefined ? 1 : 10 ** Number(m[2]);
  return Number(m[1]) * exponent * (UNITS[m[3] ?? ''] ?? 1);
}

/** A quantity for people: whole Gi when it divides, else Mi rounded up. */
export function formatMemory(bytes: number): string {
  if (bytes >= GI && bytes % GI === 0) return `${bytes / GI}Gi`;
  return `${Math.ceil(bytes / MI)}Mi`;
}

/**
 * The limit to suggest after an OOM kill: twice the old one, rounded up to 64Mi below 1Gi and to
 * 256Mi above, so the number reads as a deliberate choice.
 */
export function doubledLimit(bytes: number): number {
  return roundedUp(bytes * 2);
}

/** A suggested size: rounded up to 64Mi below 1Gi and to 256Mi above, like doubledLimit. */
export function roundedUp(bytes: number): number {
  const step = bytes < GI ? 64 * MI : 256 * MI;
  return Math.ceil(bytes / step) * step;
}

/** Megabytes (MiB) for runtime flags such as --max-old-space-size. */
export function toMiB(bytes: number): number {
  return Math.floor(bytes / MI);
}
