/**
 * The heap cap a JVM (-Xmx) or V8 (--max-old-space-size) is given, and where the pod spec sets it:
 * an env var the runtime reads, or the container's command/args. The last flag wins, as the JVM and
 * Node.js read them.
 */
import type { ContainerFacts } from './evidence.ts';

export interface HeapFlag {
  runtime: 'jvm' | 'node';
  /** As written, e.g. `-Xmx2g`, `--max-old-space-size=4096`. */
  flag: string;
  bytes: number;
  /** The env var that carries it, or `args`/`command`. */
  where: { env: string; value: string } | { argv: 'args' | 'command'; index: number };
}

const JVM_ENV = ['JAVA_TOOL_OPTIONS', 'JAVA_OPTS', '_JAVA_OPTIONS', 'JDK_JAVA_OPTIONS', 'KAFKA_HEAP_OPTS', 'ES_JAVA_OPTS', 'JVM_OPTS', 'CATALINA_OPTS'];
const UNIT: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

function parse(text: string): { runtime: 'jvm' | 'node'; flag: string; bytes: number } | undefined {
  const xmx = [...text.matchAll(/-Xmx(\d+)([kKmMgG]?)\b/g)].at(-1);
  if (xmx !== undefined) return { runtime: 'jvm', flag: xmx[0], bytes: Number(xmx[1]) * (UNIT[(xmx[2] ?? '').toLowerCase()] ?? 1) };
  const v8 = [...text.matchAll(/--max-old-space-size=(\d+)/g)].at(-1);
  if (v8 !== undefined) return { runtime: 'node', flag: v8[0], bytes: Number(v8[1]) * 1024 ** 2 };
  return undefined;
}

/** The heap flag the container is started with, and where it is set. */
export function heapFlag(c: ContainerFacts): HeapFlag | undefined {
  for (const part of ['args', 'command'] as const) {
    const list = c[part];
    for (let i = list.length - 1; i >= 0; i--) {
      const found = parse(list[i] ?? '');
      if (found !== undefined) return { ...found, where: { argv: part, index: i } };
    }
  }
  for (const name of ['NODE_OPTIONS', ...JVM_ENV]) {
    const e = c.env.find((x) => x.name === name);
    const value = e?.from.kind === 'value' ? (e.from.value ?? '') : '';
    const found = parse(value);
    if (found !== undefined) return { ...found, where: { env: name, value } };
  }
  return undefined;
}
