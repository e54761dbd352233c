/** Evidence wording shared by the rules: terminations, events with counts, probes, durations. */
import type { Terminated } from './clues.ts';
import type { EventFacts, ProbeFacts } from './evidence.ts';
import { describeExit } from './signals.ts';

/** kubectl's HumanDuration shape: 45s, 3m20s, 47m, 5h12m, 3d. */
export function humanDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

/** `Last state: Terminated, reason OOMKilled, exit 137 (SIGKILL), ran 34s`. */
export function describeTermination(t: Terminated, current: boolean): string {
  const parts = [`${current ? 'State' : 'Last state'}: Terminated`];
  if (t.reason !== undefined) parts.push(`reason ${t.reason}`);
  parts.push(describeExit(t.exitCode));
  // The runtime's own signal record, when the exit code does not show it (exit 1 after SIGKILL).
  if (t.signal !== undefined && t.exitCode !== 128 + t.signal)
    parts.push(`signal ${t.signal}${t.signalName === undefined ? '' : ` (${t.signalName})`} recorded by the runtime`);
  if (t.runSeconds !== undefined) parts.push(`ran ${humanDuration(t.runSeconds)}`);
  if (t.finishedAt !== undefined) parts.push(`finished ${t.finishedAt}`);
  const head = parts.join(', ');
  return t.message !== undefined && t.message !== '' ? `${head}: ${t.message.trim()}` : head;
}

/** `Warning Unhealthy: Liveness probe failed: … (x12 over 10m)` as kubectl describe prints counts. */
export function describeEvent(e: EventFacts): string {
  const first = e.firstTimestamp === undefined ? undefined : Date.parse(e.firstTimestamp);
  const last = e.lastTimestamp === undefined ? undefined : Date.parse(e.lastTimestamp);
  let count = '';
  if (e.count > 1) {
    const over = first !== undefined && last !== undefined && last >= first ? ` over ${humanDuration((last - first) / 1000)}` : '';
    count = ` (x${e.count}${over})`;
  }
  return `${e.type} ${e.reason}: ${withoutPodUid(e.message.trim())}${count}`;
}

/**
 * The kubelet names pods as `name_namespace(uid)` (format.Pod:
 * https://github.com/kubernetes/kubernetes/blob/master/pkg/kubelet/util/format/pod.go); in a message
 * about one pod the 36-character uid is noise, so `web-7d4b9-x2kqp_default(6b1c…)` reads `web-7d4b9-x2kqp`.
 */
export function withoutPodUid(message: string): string {
  return message.replace(
    /\b([a-z0-9](?:[-a-z0-9.]*[a-z0-9])?)_[a-z0-9](?:[-a-z0-9]*[a-z0-9])?\([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\)/g,
    '$1',
  );
}

/** `GET :8080/healthz`, `TCP :5432`, `exec [cat /tmp/healthy]`, `gRPC :9090`. */
export function describeHandler(p: ProbeFacts): string {
  const h = p.handler;
  switch (h.kind) {
    case 'http':
      return `${h.scheme === 'HTTPS' ? 'HTTPS ' : ''}GET :${h.port}${h.path}`;
    case 'tcp':
      return `TCP :${h.port}`;
    case 'grpc':
      return `gRPC :${h.port}${h.service === undefined ? '' : ` (${h.service})`}`;
    case 'exec':
      return `exec [${h.command.join(' ')}]`;
    /* v8 ignore start -- exhaustive: unreachable while the union is covered */
    default: {
      const never: never = h;
      return never;
    }
    /* v8 ignore stop */
  }
}

/** Earliest kill after start: first check at initialDelay, then failureThreshold failures a period apart. */
export function killWindowSeconds(p: ProbeFacts): number {
  return p.initialDelaySeconds + p.failureThreshold * p.periodSeconds;
}

/** `liveness probe GET :8080/healthz starts at 5s and kills after 3×10s`. */
export function describeProbe(kind: string, p: ProbeFacts): string {
  return `${kind} probe ${describeHandler(p)} starts at ${p.initialDelaySeconds}s and kills after ${p.failureThreshold}×${p.periodSeconds}s (timeout ${p.timeoutSeconds}s)`;
}
