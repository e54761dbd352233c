/**
 * Memory history for OOM diagnoses (`oom-killed`, `runtime-oom`): read from Prometheus, decided by
 * the pure `decide`, written into the diagnosis by the pure `explainMemory`. When Prometheus cannot be
 * read, the diagnosis stays as it was and the reason goes to `problems`.
 */

import type { Diagnosis } from '../diagnosis/document.ts';
import type { ContainerFacts, Evidence, Problem, ProblemKind } from '../diagnosis/evidence.ts';
import { gatherClues } from '../diagnosis/gather-clues.ts';
import { heapFlag, isAbsoluteCap } from '../diagnosis/heap-flags.ts';
import { parseMemory } from '../diagnosis/quantity.ts';
import { decide } from './decide.ts';
import { explainMemory, type MemoryContext } from './explain.ts';
import { type PrometheusClient, PrometheusError, type PrometheusErrorKind } from './prometheus.ts';
import { readMemoryHistory } from './read.ts';

export interface MemoryHistorySource {
  /** The diagnosis with the memory verdict, or unchanged with a problem saying why not. */
  enrich(evidence: Evidence, diagnosis: Diagnosis, signal?: AbortSignal): Promise<{ diagnosis: Diagnosis; problem?: Problem; ms?: number }>;
  close(): Promise<void>;
}

const OOM_CAUSES = new Set(['oom-killed', 'runtime-oom']);
/** Owners `kubectl set resources` changes in place. */
const PATCHABLE = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController']);

const KIND: Record<PrometheusErrorKind, ProblemKind> = {
  timeout: 'timeout',
  connection: 'connection',
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  'bad-request': 'bad-request',
  'server-error': 'server-error',
  'too-large': 'other',
  'bad-response': 'other',
};

/** NODE_OPTIONS as the spec sets it (src/kube keeps the literal values of runtime memory settings). */
/** An absolute heap cap (-Xmx, --max-old-space-size); a percentage follows the limit and needs no room of its own. */
function absoluteHeap(container: ContainerFacts): { heapBytes?: number } {
  const flag = heapFlag(container);
  return flag !== undefined && isAbsoluteCap(flag) ? { heapBytes: flag.bytes } : {};
}

function nodeOptions(env: ContainerFacts['env']): { nodeOptions?: string } {
  const found = env.find((e) => e.name === 'NODE_OPTIONS');
  return found?.from.kind === 'value' && found.from.value !== undefined ? { nodeOptions: found.from.value } : {};
}

export function createMemoryHistorySource(client: PrometheusClient, options: { windowHours: number }): MemoryHistorySource {
  return {
    async enrich(evidence, diagnosis, signal) {
      const pod = evidence.pod;
      const container = evidence.container;
      if (!OOM_CAUSES.has(diagnosis.cause.id) || pod === undefined || container === undefined) return { diagnosis };
      const target = { namespace: pod.namespace, pod: pod.name, container: container.name, ...(pod.owner === undefined ? {} : { owner: pod.owner }) };
      try {
        const read = await readMemoryHistory(client, target, { end: Date.parse(evidence.now) / 1000, hours: options.windowHours }, signal);
        if (read.runs.length === 0) {
          return {
            diagnosis,
            ms: read.ms,
            problem: {
              source: 'prometheus',
              kind: 'other',
              message: `Prometheus has no container_memory_working_set_bytes for container "${container.name}" of ${pod.namespace}/${pod.name} in the last ${options.windowHours} h (is cAdvisor scraped?)`,
            },
          };
        }
        const specLimit = parseMemory(container.resources.limits.memory ?? '');
        const history = read.history.limitBytes === undefined && specLimit !== undefined ? { ...read.history, limitBytes: specLimit } : read.history;
        const verdict = decide(read.runs, history.stepSeconds, history.limitBytes);
        const runtime = gatherClues(evidence).runtime;
        const ctx: MemoryContext = {
          namespace: pod.namespace,
          pod: pod.name,
          container: container.name,
          ...(pod.owner !== undefined && PATCHABLE.has(pod.owner.kind) && !container.init
            ? { workloadRef: `${pod.owner.kind.toLowerCase()}/${pod.owner.name}` }
            : {}),
          requestEqualsLimit: container.resources.requests.memory !== undefined && container.resources.requests.memory === container.resources.limits.memory,
          ...(runtime === undefined ? {} : { runtime }),
          ...nodeOptions(container.env),
          ...absoluteHeap(container),
          windowHours: options.windowHours,
        };
        return { diagnosis: explainMemory(diagnosis, verdict, history, ctx), ms: read.ms };
      } catch (err) {
        // Whatever went wrong, the alert still goes out with today's advice.
        const kind = err instanceof PrometheusError ? KIND[err.kind] : 'other';
        return { diagnosis, problem: { source: 'prometheus', kind, message: `could not read the memory history: ${(err as Error).message}` } };
      }
    },
    close: () => client.close(),
  };
}
