/**
 * OOM remedies: tell a leak from an undersized limit, then raise the limit
 * (×2, rounded) or fit the runtime's heap to the limit (Node --max-old-space-size, JVM
 * MaxRAMPercentage, Go GOMEMLIMIT).
 */
import type { Clues } from '../clues.ts';
import type { Remedy } from '../document.ts';
import type { Runtime } from '../log-signature-types.ts';
import { doubledLimit, formatMemory, parseMemory, toMiB } from '../quantity.ts';
import { shq } from '../shell.ts';
import type { Fix } from '../verdict.ts';
import { setFirst } from './user-values.ts';
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
          ? [setFirst(['MEMORY_LIMIT'], 'the measured peak plus headroom (e.g. 1.5× it, such as 768Mi)'), ...setMemory(w, '"$MEMORY_LIMIT"', undefined)]
          : setMemory(w, formatMemory(doubledLimit(base)), undefined)),
      ],
    });
  }
  return out;
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
 * Go GOMEMLIMIT at 90%. Existing flags in NODE_OPTIONS / JAVA_TOOL_OPTIONS are kept.
 */
function heapCommands(clues: Clues, w: Workload, runtime: Runtime | undefined, limitBytes: number | undefined): Remedy | undefined {
  if (limitBytes === undefined) return undefined;
  const mib = toMiB(limitBytes);
  const set = (name: string, value: string): string[] =>
    w.patchable && !w.init
      ? [`kubectl set env ${w.ref} ${ns(w)} -c ${shq(w.container)} ${shq(`${name}=${value}`)}`]
      : patchContainer(w, { env: [{ name, value }] });
  switch (runtime) {
    case 'node': {
      const value = withFlag(envValue(clues, 'NODE_OPTIONS'), /^--max-old-space-size=/, `--max-old-space-size=${Math.floor(mib * 0.75)}`);
      return {
        title: `Size the V8 heap to the ${formatMemory(limitBytes)} limit (75%, leaving room for buffers and native memory)`,
        commands: set('NODE_OPTIONS', value),
      };
    }
    case 'jvm': {
      const value = withFlag(envValue(clues, 'JAVA_TOOL_OPTIONS'), /^-XX:MaxRAMPercentage=|^-Xmx/, '-XX:MaxRAMPercentage=75.0');
      return { title: `Size the JVM heap from the ${formatMemory(limitBytes)} limit (the default is 25% of it)`, commands: set('JAVA_TOOL_OPTIONS', value) };
    }
    case 'go':
      return {
        title: `Tell the Go runtime its budget (GOMEMLIMIT, 90% of ${formatMemory(limitBytes)})`,
        commands: set('GOMEMLIMIT', `${Math.floor(mib * 0.9)}MiB`),
      };
    default:
      return undefined;
  }
}

/** The heap cap the runtime already has, in bytes, when the options state one. */
function currentHeap(clues: Clues, runtime: Runtime | undefined): number | undefined {
  const node = /--max-old-space-size=(\d+)/.exec(envValue(clues, 'NODE_OPTIONS'))?.[1];
  if (runtime === 'node' && node !== undefined) return Number(node) * 1024 ** 2;
  return undefined;
}

export function runtimeHeapRemedies(clues: Clues, w: Workload, runtime: Runtime | undefined): Remedy[] {
  const limit = clues.container?.resources.limits.memory;
  const bytes = limit === undefined ? undefined : parseMemory(limit);
  const raised = bytes === undefined ? undefined : doubledLimit(bytes);
  const out: Remedy[] = [];
  const current = currentHeap(clues, runtime);
  // A heap already sized near the limit would shrink if fitted to it: fit it to the raised limit instead.
  const fitTo = bytes !== undefined && current !== undefined && current >= bytes * 0.75 ? raised : bytes;
  const heap = heapCommands(clues, w, runtime, fitTo);
  out.push({
    title: 'If the heap really needs more: raise the container limit with it, then find what grows',
    commands:
      raised === undefined
        ? [setFirst(['MEMORY_LIMIT'], 'the new limit (e.g. 1Gi)'), ...setMemory(w, '"$MEMORY_LIMIT"', undefined)]
        : setMemory(w, formatMemory(raised), undefined),
  });
  if (heap !== undefined) out.splice(fitTo === bytes ? 0 : 1, 0, heap);
  out.push(leakOrLimit(clues, w, limit));
  return out;
}

/** Go: GOMEMLIMIT makes the GC work before the kernel kills (Go 1.19+); offered after an OOM kill. */
export function goMemLimitRemedy(clues: Clues, w: Workload): Remedy | undefined {
  if (clues.runtime !== 'go') return undefined;
  if (clues.container?.env.some((e) => e.name === 'GOMEMLIMIT') === true) return undefined;
  return heapCommands(clues, w, 'go', parseMemory(clues.container?.resources.limits.memory ?? ''));
}

/** -Xmx / --max-old-space-size at or above the limit: the fix is that flag, set to 75% of the limit where it is written. */
export function heapFlagRemedies(clues: Clues, w: Workload, fix: Extract<Fix, { kind: 'heap-flag' }>): Remedy[] {
  const mib = Math.floor(toMiB(fix.limitBytes) * 0.75);
  const next = fix.flag.runtime === 'jvm' ? `-Xmx${mib}m` : `--max-old-space-size=${mib}`;
  const where = fix.flag.where;
  const c = clues.container;
  let commands: string[];
  if ('env' in where) {
    const value = where.value.replace(fix.flag.flag, next);
    commands =
      w.patchable && !w.init
        ? [`kubectl set env ${w.ref} ${ns(w)} -c ${shq(w.container)} ${shq(`${where.env}=${value}`)}`]
        : patchContainer(w, { env: [{ name: where.env, value }] });
  } else {
    const list = [...(c?.[where.argv] ?? [])];
    list[where.index] = (list[where.index] ?? '').replace(fix.flag.flag, next);
    commands = patchContainer(w, { [where.argv]: list });
  }
  return [
    {
      title: `Set ${fix.flag.flag} below the ${formatMemory(fix.limitBytes)} limit: ${next} (75%, leaving room for ${fix.flag.runtime === 'jvm' ? 'metaspace, threads and buffers' : 'buffers and native memory'})`,
      commands,
    },
    ...memoryLimitRemedies(clues, w),
  ];
}
