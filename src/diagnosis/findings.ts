/**
 * Hygiene findings beyond the cause (what prevents the next crash loop): unpinned images, no
 * memory limit, liveness without startupProbe on a slow starter, probe ports no container port
 * matches, runtime memory settings that ignore the limit, restartPolicy/owner mismatch, restart count.
 */
import type { Clues } from './clues.ts';
import type { CauseId, Finding } from './document.ts';
import type { ContainerFacts, ProbeFacts } from './evidence.ts';
import { heapFlag, leavesNoRoom } from './heap-flags.ts';
import { formatMemory, parseMemory } from './quantity.ts';

const JVM_IMAGE = /openjdk|temurin|jre|jdk|java|corretto|zulu|liberica|spring|tomcat|jetty|wildfly|keycloak/i;

function envValue(c: ContainerFacts, name: string): string | undefined {
  const e = c.env.find((x) => x.name === name);
  return e?.from.kind === 'value' ? e.from.value : undefined;
}

function probePorts(c: ContainerFacts): Finding[] {
  if (c.ports.length === 0) return []; // undeclared ports are legal; nothing to compare against
  const out: Finding[] = [];
  const entries = Object.entries(c.probes) as [string, ProbeFacts | undefined][];
  for (const [kind, p] of entries) {
    if (p === undefined || p.handler.kind === 'exec') continue;
    const port = p.handler.port;
    const ok = typeof port === 'number' ? c.ports.some((x) => x.containerPort === port) : c.ports.some((x) => x.name === port);
    if (!ok) {
      const declared = c.ports.map((x) => (x.name === undefined ? String(x.containerPort) : `${x.name}/${x.containerPort}`)).join(', ');
      out.push({
        id: 'probe-port-mismatch',
        text: `${kind} probe port ${String(port)} matches no container port (declared: ${declared})${typeof port === 'string' ? ': a named port that does not exist makes the probe fail' : ''}.`,
      });
    }
  }
  return out;
}

function runtimeMemory(clues: Clues, c: ContainerFacts, limitBytes: number | undefined, cause: CauseId): Finding[] {
  const out: Finding[] = [];
  const argv = [...c.command, ...c.args].join(' ');
  const javaOpts = ['JAVA_TOOL_OPTIONS', 'JAVA_OPTS', '_JAVA_OPTIONS', 'JDK_JAVA_OPTIONS'].map((n) => envValue(c, n) ?? '').join(' ');
  const jvm = clues.runtime === 'jvm' || /\bjava\b/.test(argv) || JVM_IMAGE.test(c.image) || javaOpts.trim() !== '';
  const heap = heapFlag(c, limitBytes);
  if (jvm && limitBytes !== undefined) {
    if (heap?.runtime === 'jvm' && leavesNoRoom(heap, limitBytes))
      out.push({
        id: 'jvm-heap-over-limit',
        text: `${heap.flag} ${heap.bytes >= limitBytes ? `is not below the ${formatMemory(limitBytes)} memory limit: the heap alone can exceed it` : `leaves no room under the ${formatMemory(limitBytes)} memory limit for metaspace, threads and buffers`}; use -XX:MaxRAMPercentage=75.0 instead.`,
      });
    else if (heap === undefined)
      out.push({
        id: 'jvm-heap-default',
        text: 'JVM without -XX:MaxRAMPercentage or -Xmx: the heap defaults to 25% of the container limit; set -XX:MaxRAMPercentage=75.0.',
      });
  }
  if (heap?.runtime === 'node' && limitBytes !== undefined && heap.bytes >= limitBytes)
    out.push({
      id: 'node-heap-over-limit',
      text: `${heap.flag} (MiB) is not below the ${formatMemory(limitBytes)} limit: V8 will grow past it and be OOM-killed.`,
    });
  const goLimit = envValue(c, 'GOMEMLIMIT');
  const goBytes = goLimit === undefined ? undefined : parseMemory(goLimit.replace(/B$/, ''));
  if (goBytes !== undefined && limitBytes !== undefined && goBytes >= limitBytes)
    out.push({ id: 'go-memlimit-over-limit', text: `GOMEMLIMIT=${goLimit ?? ''} is not below the ${formatMemory(limitBytes)} limit.` });
  if (clues.runtime === 'go' && goLimit === undefined && limitBytes !== undefined && (cause === 'oom-killed' || cause === 'runtime-oom'))
    out.push({
      id: 'go-memlimit-unset',
      text: `Go program without GOMEMLIMIT: the GC does not know the ${formatMemory(limitBytes)} limit; set GOMEMLIMIT to about 90% of it.`,
    });
  return out;
}

export function findingsFor(clues: Clues, cause: CauseId): Finding[] {
  const c = clues.container;
  if (c === undefined) return [];
  const out: Finding[] = [];
  if (c.imageDigest === undefined && (c.imageTag === 'latest' || c.imageTag === undefined))
    out.push({ id: 'image-latest', text: `Image ${c.image} uses the latest tag (or none): pin a version so rollbacks are deterministic.` });
  const limit = c.resources.limits.memory;
  if (limit === undefined) out.push({ id: 'no-memory-limit', text: `Container ${c.name} has no memory limit: nothing bounds it until the node runs short.` });
  const slow = cause === 'liveness-probe' || clues.runtime === 'jvm';
  if (c.probes.liveness !== undefined && c.probes.startup === undefined && slow)
    out.push({ id: 'no-startup-probe', text: 'Liveness probe without a startupProbe on a slow starter: the probe can kill it before it is ready.' });
  out.push(...probePorts(c));
  out.push(...runtimeMemory(clues, c, limit === undefined ? undefined : parseMemory(limit), cause));
  const owner = clues.pod?.owner;
  if (owner?.kind === 'Job' && clues.pod?.restartPolicy === 'OnFailure' && c.restartCount > 0)
    out.push({
      id: 'job-restart-on-failure',
      text: `Job ${owner.name} uses restartPolicy OnFailure: failures restart in place (a crash loop until backoffLimit) and the old logs are lost; Never keeps each failed pod.`,
    });
  if (owner === undefined && clues.pod?.restartPolicy === 'Always' && cause === 'exit-zero')
    out.push({ id: 'restart-policy', text: 'A bare pod with restartPolicy Always runs a task that completes: use a Job, or restartPolicy Never.' });
  return out;
}
