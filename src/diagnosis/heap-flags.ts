/**
 * The heap cap a JVM or V8 is given, and where the pod spec sets it: an env var the runtime reads,
 * or the container's command/args. The JVM's cap is -Xmx when set; otherwise MaxRAMPercentage
 * (default 25) of MaxRAM when set, else of the container's memory limit (JDK 10+ and 8u191+ read the
 * cgroup limit). InitialRAMPercentage and -Xms size the heap committed at start, never above the cap.
 * V8's is --max-old-space-size. The last flag wins, as the JVM and Node.js read them.
 */
import type { ContainerFacts } from './evidence.ts';
import { formatMemory, toMiB } from './quantity.ts';

export interface HeapFlag {
  runtime: 'jvm' | 'node';
  /** The flags that set the cap, as written: `-Xmx2g`, `-XX:MaxRAMPercentage=100`, `--max-old-space-size=4096`. */
  flag: string;
  /** The heap cap those flags give, in bytes. */
  bytes: number;
  /** The env var that carries it, or `args`/`command`. */
  where: { env: string; value: string } | { argv: 'args' | 'command'; index: number };
}

const JVM_ENV = ['JAVA_TOOL_OPTIONS', 'JAVA_OPTS', '_JAVA_OPTIONS', 'JDK_JAVA_OPTIONS', 'KAFKA_HEAP_OPTS', 'ES_JAVA_OPTS', 'JVM_OPTS', 'CATALINA_OPTS'];
const UNIT: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };
const MI = 1024 ** 2;

const XMX = /-Xmx(\d+)([kKmMgGtT]?)(?![\w.])/g;
const XMS = /-Xms(\d+)([kKmMgGtT]?)(?![\w.])/g;
const MAX_RAM = /-XX:MaxRAM=(\d+)([kKmMgGtT]?)(?![\w.])/g;
const MAX_RAM_PCT = /-XX:MaxRAMPercentage=(\d+(?:\.\d+)?)(?![\w.])/g;
const INITIAL_RAM_PCT = /-XX:InitialRAMPercentage=(\d+(?:\.\d+)?)(?![\w.])/g;
const V8_OLD_SPACE = /--max-old-space-size=(\d+)(?![\w.])/g;

const bytesOf = (n: string | undefined, unit: string | undefined): number => Number(n) * (UNIT[(unit ?? '').toLowerCase()] ?? 1);
const size = (m: RegExpMatchArray): number => bytesOf(m[1], m[2]);
const last = (text: string, pattern: RegExp): RegExpMatchArray | undefined => [...text.matchAll(pattern)].at(-1);

function parse(text: string, limitBytes: number | undefined): { runtime: 'jvm' | 'node'; flag: string; bytes: number } | undefined {
  const xmx = last(text, XMX);
  if (xmx !== undefined) return { runtime: 'jvm', flag: xmx[0], bytes: size(xmx) };
  const maxRam = last(text, MAX_RAM);
  const pct = last(text, MAX_RAM_PCT);
  const ram = maxRam === undefined ? limitBytes : size(maxRam);
  if ((maxRam !== undefined || pct !== undefined) && ram !== undefined) {
    const flag = [maxRam?.[0], pct?.[0]].filter((f) => f !== undefined).join(' ');
    return { runtime: 'jvm', flag, bytes: (ram * Number(pct?.[1] ?? 25)) / 100 };
  }
  const v8 = last(text, V8_OLD_SPACE);
  if (v8 !== undefined) return { runtime: 'node', flag: v8[0], bytes: Number(v8[1]) * MI };
  return undefined;
}

/** The heap flag the container is started with, and where it is set; percentages are of `limitBytes`. */
export function heapFlag(c: ContainerFacts, limitBytes?: number): HeapFlag | undefined {
  for (const part of ['args', 'command'] as const) {
    const list = c[part];
    for (let i = list.length - 1; i >= 0; i--) {
      const found = parse(list[i] ?? '', limitBytes);
      if (found !== undefined) return { ...found, where: { argv: part, index: i } };
    }
  }
  for (const name of ['NODE_OPTIONS', ...JVM_ENV]) {
    const e = c.env.find((x) => x.name === name);
    const value = e?.from.kind === 'value' ? (e.from.value ?? '') : '';
    const found = parse(value, limitBytes);
    if (found !== undefined) return { ...found, where: { env: name, value } };
  }
  return undefined;
}

/** The share of the limit a heap may take and still leave room for metaspace, threads and native memory. */
export const HEAP_SHARE = 0.75;
/** A heap this close to the limit leaves no room for metaspace, threads, buffers and native memory. */
const NO_ROOM_SHARE = 0.9;

/** True when the heap cap leaves the rest of the process no room under the limit. */
export function leavesNoRoom(flag: HeapFlag, limitBytes: number): boolean {
  return flag.bytes >= limitBytes * NO_ROOM_SHARE;
}

/** True for a cap in bytes (-Xmx, --max-old-space-size); a percentage of RAM follows the limit. */
export function isAbsoluteCap(flag: HeapFlag): boolean {
  return /^-Xmx|^--max-old-space-size/.test(flag.flag);
}

/** `-XX:MaxRAMPercentage=100 in env KAFKA_HEAP_OPTS gives the heap all of the 1Gi limit`, for the proof. */
export function describeHeapFlag(flag: HeapFlag, limit: string, limitBytes: number): string {
  const where = 'env' in flag.where ? `env ${flag.where.env}` : flag.where.argv;
  if (isAbsoluteCap(flag) || flag.bytes > limitBytes)
    return `${flag.flag} in ${where} is not below the ${limit} limit: the heap alone may outgrow the container`;
  const share = flag.bytes >= limitBytes ? 'all' : `${Math.round((flag.bytes / limitBytes) * 100)}% (${formatMemory(flag.bytes)})`;
  const left = limitBytes - flag.bytes;
  return `${flag.flag} in ${where} gives the heap ${share} of the ${limit} limit, leaving ${left <= 0 ? 'no room' : `only ${formatMemory(left)}`} for metaspace, threads and buffers`;
}

/**
 * The same options with the heap fitted to `limitBytes` (HEAP_SHARE of it), every other flag kept:
 * -Xmx and --max-old-space-size set to it, MaxRAMPercentage set to it, MaxRAM dropped (the JVM then
 * reads the container's limit), and -Xms / InitialRAMPercentage lowered to it when above (an initial
 * heap above the cap stops the JVM from starting).
 */
export function fitHeapOptions(text: string, runtime: 'jvm' | 'node', limitBytes: number): string {
  const mib = Math.floor(toMiB(limitBytes) * HEAP_SHARE);
  if (runtime === 'node') return text.replace(V8_OLD_SPACE, `--max-old-space-size=${mib}`);
  const percent = `${(HEAP_SHARE * 100).toFixed(1)}`;
  const capBytes = mib * MI;
  let out = text;
  if (last(text, XMX) !== undefined) out = out.replace(XMX, `-Xmx${mib}m`);
  else {
    out = out.replace(MAX_RAM_PCT, (m, p: string) => (Number(p) > HEAP_SHARE * 100 ? `-XX:MaxRAMPercentage=${percent}` : m));
    out = out
      .replace(MAX_RAM, '')
      .replace(/\s{2,}/g, ' ')
      .trim();
  }
  out = out.replace(INITIAL_RAM_PCT, (m, p: string) => (Number(p) > HEAP_SHARE * 100 ? `-XX:InitialRAMPercentage=${percent}` : m));
  return out.replace(XMS, (m, n: string, unit: string) => (bytesOf(n, unit) > capBytes ? `-Xms${mib}m` : m));
}
