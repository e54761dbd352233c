/**
 * OOM remedies: raise the limit (×2, rounded), give a container without one a limit from what it
 * held, or fit the runtime's heap to the limit (Node --max-old-space-size, JVM MaxRAMPercentage, Go
 * GOMEMLIMIT); then tell a leak from an undersized limit. A figure the node cannot give is no fix.
 */
import type { Clues } from '../clues.ts';
import type { Remedy } from '../document.ts';
import { fitHeapOptions, HEAP_SHARE, type HeapFlag, heapFlag } from '../heap-flags.ts';
import { kernelOomKill } from '../kernel-oom.ts';
import { killedAtStart } from '../kill-timing.ts';
import type { Runtime } from '../log-signature-types.ts';
import { doubledLimit, formatMemory, parseMemory, roundedUp, toMiB } from '../quantity.ts';
import { shq } from '../shell.ts';
import type { Fix } from '../verdict.ts';
import { readableNode } from './node.ts';
import { setFirst } from './user-values.ts';
import { ns, patchContainer, type Workload } from './workload.ts';

function leakOrLimit(clues: Clues, w: Workload, limit: string | undefined): Remedy {
  const selector = `namespace=${JSON.stringify(w.namespace)},container=${JSON.stringify(w.container)}`;
  return {
    kind: 'diagnostic',
    title: 'Then tell a leak from an undersized limit',
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

/**
 * The node's allocatable memory when the evidence read the node and `bytes` is more than it: the node
 * can never give the container that much, so a limit or request of `bytes` is no fix (#28 item 3).
 */
export function beyondNode(clues: Clues, bytes: number): string | undefined {
  const allocatable = clues.evidence.node?.allocatable.memory;
  const room = allocatable === undefined ? undefined : parseMemory(allocatable);
  return room !== undefined && bytes > room ? allocatable : undefined;
}

/** What to do when the memory it needs is more than its node has. */
function outgrowsNode(clues: Clues, needs: string, allocatable: string): Remedy {
  return {
    kind: 'diagnostic',
    title: `Node ${clues.evidence.node?.name ?? ''} has ${allocatable} allocatable, less than the ${needs} it needs: make it use less, or move it to nodes with more memory`,
    commands: [`kubectl get nodes -o custom-columns=${shq('NAME:.metadata.name,MEMORY:.status.allocatable.memory')}`],
  };
}

/**
 * Killed at its limit: the raise ends the loop now (×2, rounded: room to see the real peak), and the
 * leak question follows, since a leak only outgrows the new limit later. Killed within a minute of
 * starting, nothing had time to leak, so the question is left out.
 */
function raiseLimit(clues: Clues, w: Workload, limit: string, bytes: number, request: string | undefined): Remedy[] {
  const atStart = killedAtStart(clues);
  const leak = atStart ? [] : [leakOrLimit(clues, w, limit)];
  const nextBytes = doubledLimit(bytes);
  const next = formatMemory(nextBytes);
  const short = beyondNode(clues, nextBytes);
  if (short !== undefined) return [...leak, outgrowsNode(clues, next, short)];
  const guaranteed = request !== undefined && parseMemory(request) === bytes;
  return [
    {
      kind: 'remedy',
      title: atStart
        ? `The limit is too small for it to start: raise it from ${limit} to ${next} (×2, rounded up; enough headroom to watch the real peak, then trim)`
        : `Raise the memory limit from ${limit} to ${next} (×2, rounded up); if it climbs to ${next} too, it leaks`,
      commands: setMemory(w, next, guaranteed ? next : undefined),
    },
    ...leak,
  ];
}

/**
 * No limit: the node ran short. Without a limit nothing says what it needs, and a number from its
 * request is a guess that only moves the kill into the container: take what it held (the kernel's
 * anon-rss, +25%), else its measured peak, as limit and request, so the scheduler keeps that much for
 * it and an overrun kills it, not its neighbours.
 */
function limitFromUsage(clues: Clues, w: Workload): Remedy[] {
  const node = readableNode(clues);
  const kernel = kernelOomKill(clues);
  const selector = `namespace=${JSON.stringify(w.namespace)},container=${JSON.stringify(w.container)}`;
  const leak = killedAtStart(clues) ? [] : [leakOrLimit(clues, w, undefined)];
  const onNode: Remedy[] =
    node === undefined
      ? []
      : [
          {
            kind: 'diagnostic',
            title: `See what else uses node ${node}'s memory`,
            commands: [`kubectl describe node ${shq(node)}`, `kubectl top node ${shq(node)}`],
          },
        ];
  if (kernel === undefined)
    return [
      {
        kind: 'remedy',
        title: 'Give it a memory limit and request of its measured peak +25%, so an overrun kills it, not its neighbours',
        commands: [
          `# Prometheus: max_over_time(container_memory_working_set_bytes{${selector}}[7d])`,
          setFirst(['MEMORY_LIMIT'], 'that peak +25%'),
          ...setMemory(w, '"$MEMORY_LIMIT"', '"$MEMORY_LIMIT"'),
        ],
      },
      ...leak,
      ...onNode,
    ];
  const figureBytes = roundedUp(kernel.anonRssBytes * 1.25);
  const figure = formatMemory(figureBytes);
  const short = beyondNode(clues, figureBytes);
  if (short !== undefined) return [outgrowsNode(clues, figure, short), ...leak, ...onNode];
  return [
    {
      kind: 'remedy',
      title: `Give the container a memory limit and request above the ${formatMemory(kernel.anonRssBytes)} it held when killed: ${figure} (+25%), or make it use less; a smaller limit only moves the kill into the container`,
      commands: setMemory(w, figure, figure),
    },
    ...leak,
    ...onNode,
  ];
}

export function memoryLimitRemedies(clues: Clues, w: Workload): Remedy[] {
  const limit = clues.container?.resources.limits.memory;
  const bytes = limit === undefined ? undefined : parseMemory(limit);
  return limit !== undefined && bytes !== undefined ? raiseLimit(clues, w, limit, bytes, clues.container?.resources.requests.memory) : limitFromUsage(clues, w);
}

/** The literal value of a runtime env var (kept by src/kube for RUNTIME_ENV_VARS only). */
function envValue(clues: Clues, name: string): string {
  const e = clues.container?.env.find((x) => x.name === name);
  return e?.from.kind === 'value' ? (e.from.value ?? '') : '';
}

/** Replaces (or adds) one flag in an options string, keeping the other flags the user set. */
function withFlag(options: string, pattern: RegExp, flag: string): string {
  const kept = options.split(/\s+/).filter((o) => o !== '' && !pattern.test(o));
  return [...kept, flag].join(' ');
}

/**
 * Fits the runtime's heap to `limitBytes`: V8 --max-old-space-size at 75%, JVM MaxRAMPercentage=75,
 * Go GOMEMLIMIT at 90%. A heap flag already written (-Xmx in JAVA_OPTS, a flag in args) is changed
 * where it is, since a flag added elsewhere would not win; other flags are kept.
 */
function heapCommands(clues: Clues, w: Workload, runtime: Runtime | undefined, limitBytes: number | undefined, flag: HeapFlag | undefined): Remedy | undefined {
  if (limitBytes === undefined) return undefined;
  const mib = toMiB(limitBytes);
  const limit = formatMemory(limitBytes);
  const set = (name: string, value: string): string[] =>
    w.patchable && !w.init
      ? [`kubectl set env ${w.ref} ${ns(w)} -c ${shq(w.container)} ${shq(`${name}=${value}`)}`]
      : patchContainer(w, { env: [{ name, value }] });
  if (flag !== undefined && flag.runtime === runtime) {
    const { next, commands } = fittedHeap(clues, w, flag, limitBytes);
    const where = 'env' in flag.where ? `env ${flag.where.env}` : flag.where.argv;
    return {
      kind: 'remedy',
      title: `Size the ${runtime === 'node' ? 'V8' : 'JVM'} heap to the ${limit} limit: ${flag.flag} in ${where} becomes ${next} (75%)`,
      commands,
    };
  }
  switch (runtime) {
    case 'node': {
      const value = withFlag(envValue(clues, 'NODE_OPTIONS'), /^--max-old-space-size=/, `--max-old-space-size=${Math.floor(mib * 0.75)}`);
      return {
        kind: 'remedy',
        title: `Size the V8 heap to the ${limit} limit (75%, leaving room for buffers and native memory)`,
        commands: set('NODE_OPTIONS', value),
      };
    }
    case 'jvm': {
      const value = withFlag(envValue(clues, 'JAVA_TOOL_OPTIONS'), /^-XX:MaxRAMPercentage=|^-Xmx/, '-XX:MaxRAMPercentage=75.0');
      return { kind: 'remedy', title: `Size the JVM heap from the ${limit} limit (the default is 25% of it)`, commands: set('JAVA_TOOL_OPTIONS', value) };
    }
    case 'go':
      return {
        kind: 'remedy',
        title: `Tell the Go runtime its budget (GOMEMLIMIT, 90% of ${limit})`,
        commands: set('GOMEMLIMIT', `${Math.floor(mib * 0.9)}MiB`),
      };
    default:
      return undefined;
  }
}

export function runtimeHeapRemedies(clues: Clues, w: Workload, runtime: Runtime | undefined): Remedy[] {
  const limit = clues.container?.resources.limits.memory;
  const bytes = limit === undefined ? undefined : parseMemory(limit);
  const raised = bytes === undefined ? undefined : doubledLimit(bytes);
  const out: Remedy[] = [];
  const flag = clues.container === undefined ? undefined : heapFlag(clues.container, bytes);
  // A heap already sized near the limit would shrink if fitted to it: fit it to the raised limit instead.
  const fitTo = bytes !== undefined && flag !== undefined && flag.bytes >= bytes * HEAP_SHARE ? raised : bytes;
  const heap = heapCommands(clues, w, runtime, fitTo, flag);
  out.push({
    kind: 'remedy',
    title: 'If the heap really needs more: raise the container limit with it, then find what grows',
    commands:
      raised === undefined
        ? [setFirst(['MEMORY_LIMIT'], 'the new limit (e.g. 1Gi)'), ...setMemory(w, '"$MEMORY_LIMIT"', undefined)]
        : setMemory(w, formatMemory(raised), undefined),
  });
  if (heap !== undefined) out.splice(fitTo === bytes ? 0 : 1, 0, heap);
  if (!killedAtStart(clues)) out.push(leakOrLimit(clues, w, limit));
  return out;
}

/** Go: GOMEMLIMIT makes the GC work before the kernel kills (Go 1.19+); offered after an OOM kill. */
export function goMemLimitRemedy(clues: Clues, w: Workload): Remedy | undefined {
  if (clues.runtime !== 'go') return undefined;
  if (clues.container?.env.some((e) => e.name === 'GOMEMLIMIT') === true) return undefined;
  return heapCommands(clues, w, 'go', parseMemory(clues.container?.resources.limits.memory ?? ''), undefined);
}

/** Sets `value` in the env var or argv item where the heap flag is written. */
function rewriteWhere(clues: Clues, w: Workload, flag: HeapFlag, value: string): string[] {
  const where = flag.where;
  if ('env' in where)
    return w.patchable && !w.init
      ? [`kubectl set env ${w.ref} ${ns(w)} -c ${shq(w.container)} ${shq(`${where.env}=${value}`)}`]
      : patchContainer(w, { env: [{ name: where.env, value }] });
  const list = [...(clues.container?.[where.argv] ?? [])];
  list[where.index] = value;
  return patchContainer(w, { [where.argv]: list });
}

/** The options where the flag is written, with the heap fitted to `limitBytes` (heap-flags.ts). */
function fittedHeap(clues: Clues, w: Workload, flag: HeapFlag, limitBytes: number): { next: string; commands: string[] } {
  const where = flag.where;
  const written = 'env' in where ? where.value : (clues.container?.[where.argv][where.index] ?? '');
  const value = fitHeapOptions(written, flag.runtime, limitBytes);
  const mib = Math.floor(toMiB(limitBytes) * HEAP_SHARE);
  const next =
    flag.runtime === 'node'
      ? `--max-old-space-size=${mib}`
      : /-Xmx/.test(flag.flag)
        ? `-Xmx${mib}m`
        : /MaxRAMPercentage/.test(flag.flag)
          ? `-XX:MaxRAMPercentage=${(HEAP_SHARE * 100).toFixed(1)}`
          : `no -XX:MaxRAM (the JVM reads the ${formatMemory(limitBytes)} limit)`;
  return { next, commands: rewriteWhere(clues, w, flag, value) };
}

/** A heap flag that leaves no room under the limit: the fix is that flag, fitted to 75% of the limit where it is written. */
export function heapFlagRemedies(clues: Clues, w: Workload, fix: Extract<Fix, { kind: 'heap-flag' }>): Remedy[] {
  const { next, commands } = fittedHeap(clues, w, fix.flag, fix.limitBytes);
  const room = fix.flag.runtime === 'jvm' ? 'metaspace, threads and buffers' : 'buffers and native memory';
  return [
    {
      kind: 'remedy',
      title: `Change ${fix.flag.flag} to ${next} so the heap fits the ${formatMemory(fix.limitBytes)} limit (75%, leaving room for ${room})`,
      commands,
    },
    ...memoryLimitRemedies(clues, w),
  ];
}
