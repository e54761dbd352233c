/**
 * OOM remedies (FIELD-GUIDE cause 2): tell a leak from an undersized limit, then raise the limit
 * (×2, rounded) or fit the runtime's heap to the limit (Node --max-old-space-size, JVM
 * MaxRAMPercentage, Go GOMEMLIMIT).
 */
import type { Clues } from '../clues.ts';
import type { Remedy } from '../document.ts';
import type { Runtime } from '../log-signature.ts';
import { doubledLimit, formatMemory, parseMemory, toMiB } from '../quantity.ts';
import { shq } from '../shell.ts';
import { ns, patchContainer, type Workload } from './workload.ts';

function leakOrLimit(clues: Clues, w: Workload, limit: string | undefined): Remedy {
  const selector = `namespace=${JSON.stringify(w.namespace)},container=${JSON.stringify(w.container)}`;
  return {
    title: 'First tell a leak from an undersized limit',
    commands: [
      `kubectl top pod ${shq(clues.podName)} ${ns(w)} --containers`,
      `# Prometheus: container_memory_working_set_bytes{${selector}}`,
      `# rising without a plateau until each kill = a leak: fix the code (a bigger limit only delays the kill);`,
      `# a plateau at or above ${limit ?? 'the usage you expect'} = the limit is too small: raise it.`,
    ],
  };
}

/** `kubectl set resources …` or a patch, raising the limit (and the request when they were equal). */
function setMemory(w: Workload, limit: string, request: string | undefined): string[] {
  const requests = request === undefined ? '' : ` --requests=memory=${request}`;
  if (w.patchable && !w.init) return [`kubectl set resources ${w.ref} ${ns(w)} -c ${shq(w.container)} --limits=memory=${limit}${requests}`];
  return patchContainer(w, { resources: { limits: { memory: limit }, ...(request === undefined ? {} : { requests: { memory: request } }) } });
}

export function memoryLimitRemedies(clues: Clues, w: Workload): Remedy[] {
  const limit = clues.container?.resources.limits.memory;
  const request = clues.container?.resources.requests.memory;
  const bytes = limit === undefined ? undefined : parseMemory(limit);
  const out: Remedy[] = [leakOrLimit(clues, w, limit)];
  if (limit !== undefined && bytes !== undefined) {
    const next = formatMemory(doubledLimit(bytes));
    const guaranteed = request !== undefined && parseMemory(request) === bytes;
    out.push({
      title: `If the limit is too small: raise it from ${limit} to ${next} (×2, rounded up; enough headroom to watch the real peak, then trim)`,
      commands: setMemory(w, next, guaranteed ? next : undefined),
    });
  } else {
    const node = clues.pod?.nodeName;
    const base = request === undefined ? undefined : parseMemory(request);
    out.push({
      title: 'Give the container a memory limit so the kernel kills it, not its neighbours',
      commands: [
        ...(node === undefined ? [] : [`kubectl describe node ${shq(node)}`, `kubectl top node ${shq(node)}`]),
        ...(base === undefined
          ? [`# set the limit from the measured peak, e.g. 1.5× it:`, ...setMemory(w, 'MEMORY', undefined)]
          : setMemory(w, formatMemory(doubledLimit(base)), undefined)),
      ],
    });
  }
  return out;
}

function heapCommands(w: Workload, runtime: Runtime | undefined, limitBytes: number | undefined): Remedy | undefined {
  if (limitBytes === undefined) return undefined;
  const mib = toMiB(limitBytes);
  const set = (assignment: string): string[] => (w.patchable && !w.init
    ? [`kubectl set env ${w.ref} ${ns(w)} -c ${shq(w.container)} ${shq(assignment)}`]
    : patchContainer(w, { env: [{ name: assignment.split('=')[0], value: assignment.split('=').slice(1).join('=') }] }));
  switch (runtime) {
    case 'node':
      return {
        title: `Size the V8 heap to the ${formatMemory(limitBytes)} limit (75%, leaving room for buffers and native memory)`,
        commands: set(`NODE_OPTIONS=--max-old-space-size=${Math.floor(mib * 0.75)} --heapsnapshot-near-heap-limit=1`),
      };
    case 'jvm':
      return {
        title: 'Size the JVM heap from the container limit (the default is only 25% of it) and keep a heap dump',
        commands: set('JAVA_TOOL_OPTIONS=-XX:MaxRAMPercentage=75.0 -XX:+HeapDumpOnOutOfMemoryError -XX:HeapDumpPath=/tmp'),
      };
    case 'go':
      return { title: 'Tell the Go runtime its budget (GOMEMLIMIT, 90% of the limit)', commands: set(`GOMEMLIMIT=${Math.floor(mib * 0.9)}MiB`) };
    default:
      return undefined;
  }
}

export function runtimeHeapRemedies(clues: Clues, w: Workload, runtime: Runtime | undefined): Remedy[] {
  const limit = clues.container?.resources.limits.memory;
  const bytes = limit === undefined ? undefined : parseMemory(limit);
  const out: Remedy[] = [];
  const heap = heapCommands(w, runtime, bytes);
  if (heap !== undefined) out.push(heap);
  out.push({
    title: 'If the heap really needs more: raise the container limit with it, then find what grows',
    commands: bytes === undefined ? setMemory(w, 'MEMORY', undefined) : setMemory(w, formatMemory(doubledLimit(bytes)), undefined),
  });
  out.push(leakOrLimit(clues, w, limit));
  return out;
}

/** Go: GOMEMLIMIT makes the GC work before the kernel kills (Go 1.19+); offered after an OOM kill. */
export function goMemLimitRemedy(clues: Clues, w: Workload): Remedy | undefined {
  if (clues.runtime !== 'go') return undefined;
  if (clues.container?.env.some((e) => e.name === 'GOMEMLIMIT') === true) return undefined;
  return heapCommands(w, 'go', parseMemory(clues.container?.resources.limits.memory ?? ''));
}
