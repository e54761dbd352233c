/**
 * Probe remedies: a startupProbe sized from the observed start
 * (failureThreshold × periodSeconds ≥ 2× what was seen), the right path or timeout, and the
 * quick test of removing the liveness probe.
 */
import type { Clues } from '../clues.ts';
import { killWindowSeconds } from '../describe.ts';
import type { Remedy } from '../document.ts';
import type { ProbeFacts, ProbeHandler } from '../evidence.ts';
import { shq } from '../shell.ts';
import type { Fix } from '../verdict.ts';
import { jsonVar, setFirst } from './user-values.ts';
import { containerPointer, jsonPatch, logsCommand, ns, patchContainer, patchContainerWithVars, type Workload } from './workload.ts';

/**
 * The port a new probe should check: the probe's own, unless it names a port the container does not
 * declare (the kubelet then probes port 0 and every probe fails): then the container's first port.
 */
function declaredPort(clues: Clues, port: number | string): number | string {
  const ports = clues.container?.ports ?? [];
  if (typeof port === 'number' || ports.some((p) => p.name === port)) return port;
  const first = ports[0];
  return first === undefined ? port : (first.name ?? first.containerPort);
}

/** The probe handler in pod-spec form, so a new probe checks the same thing (on a port that exists). */
function handlerSpec(clues: Clues, h: ProbeHandler): Record<string, unknown> {
  switch (h.kind) {
    case 'http':
      return { httpGet: { path: h.path, port: declaredPort(clues, h.port), ...(h.scheme === 'HTTPS' ? { scheme: 'HTTPS' } : {}) } };
    case 'tcp':
      return { tcpSocket: { port: declaredPort(clues, h.port) } };
    case 'grpc':
      return { grpc: { port: declaredPort(clues, h.port), ...(h.service === undefined ? {} : { service: h.service }) } };
    case 'exec':
      return { exec: { command: h.command } };
    /* v8 ignore start -- exhaustive: unreachable while the union is covered */
    default: {
      const never: never = h;
      return never;
    }
    /* v8 ignore stop */
  }
}

/**
 * A liveness probe the app answers with a 5xx reports the app unhealthy (often a dependency it
 * checks), and each answer counts toward a kill that a restart does not cure. What ends the loop is a
 * liveness check of the process alone, a tcpSocket on the probe's own port (the 5xx shows it answers
 * there); the HTTP check becomes the readiness probe when there is none, so an unhealthy answer takes
 * the pod out of its Service instead of killing it (Kubernetes docs, "Configure Liveness, Readiness and
 * Startup Probes"; Spring Boot reference, "Kubernetes Probes": external systems stay out of liveness).
 * Offered only when the spec holds what the events quote: an httpGet liveness probe on a port the
 * container has (a number, or a name it declares); the patch's `test` refuses a spec changed since. A
 * JSON patch, because a strategic merge would keep the httpGet beside the tcpSocket, which the API
 * server refuses (one handler per probe).
 */
export function livenessOnlyAnswers(clues: Clues, w: Workload, liveness: ProbeFacts, status: number | undefined): Remedy | undefined {
  const h = liveness.handler;
  if (!w.patchable || status === undefined || status < 500 || status > 599 || h.kind !== 'http') return undefined;
  const ports = clues.container?.ports ?? [];
  if (typeof h.port === 'string' && !ports.some((p) => p.name === h.port)) return undefined;
  const at = containerPointer(w);
  const readiness = clues.container?.probes.readiness === undefined;
  // The handler alone is swapped: the probe's timings (its initialDelaySeconds above all) stay.
  const ops: Record<string, unknown>[] = [
    { op: 'test', path: `${at}/livenessProbe/httpGet/path`, value: h.path },
    { op: 'remove', path: `${at}/livenessProbe/httpGet` },
    { op: 'add', path: `${at}/livenessProbe/tcpSocket`, value: { port: h.port } },
    ...(readiness ? [{ op: 'add', path: `${at}/readinessProbe`, value: handlerSpec(clues, h) }] : []),
  ];
  return {
    kind: 'remedy',
    title: readiness
      ? `Stop the kills: liveness checks only that port ${h.port} answers (tcpSocket); ${h.path}, answering ${status}, moves to readiness`
      : `Stop the kills: liveness checks only that port ${h.port} answers (tcpSocket), not ${h.path}, which answers ${status} (readiness stays)`,
    commands: [jsonPatch(w, ops)],
  };
}

/** failureThreshold for a window of at least twice the observed start, never below the current one. */
export function startupThreshold(observedSeconds: number, periodSeconds: number, minimum: number): number {
  return Math.max(minimum, Math.ceil((2 * observedSeconds) / periodSeconds));
}

type ProbeFix = Extract<Fix, { kind: 'probe' }>;

export function probeRemedies(clues: Clues, w: Workload, fix: ProbeFix): Remedy[] {
  const probes = clues.container?.probes;
  const liveness = probes?.liveness;
  const startup = probes?.startup;
  const ran = clues.termination?.runSeconds;
  const out: Remedy[] = [];
  const base: ProbeFacts | undefined = fix.probe === 'startup' ? startup : liveness;
  if (base === undefined)
    return [
      {
        kind: 'diagnostic',
        title: 'Read the probe configuration',
        commands: [`kubectl get ${w.ref} ${ns(w)} -o yaml | grep -n -A 12 -E ${shq('livenessProbe|startupProbe')}`],
      },
    ];

  if (fix.listenPort !== undefined && base.handler.kind !== 'exec') {
    const handler = { ...base.handler, port: fix.listenPort };
    out.push({
      kind: 'remedy',
      title: `Point the ${fix.probe} probe at port ${fix.listenPort}, where the app listens (a longer startup window would not help: the port never answers)`,
      commands: patchContainer(w, { [`${fix.probe}Probe`]: handlerSpec(clues, handler) }),
    });
    return out;
  }
  if (fix.failure === 'status' && fix.status === 404) {
    out.push({
      kind: 'remedy',
      title: 'The probe path answers 404: point the probe at the path the app serves',
      commands: [
        `kubectl port-forward ${shq(`pod/${clues.podName}`)} ${ns(w)} 18080:${String(base.handler.kind === 'http' ? base.handler.port : 8080)}`,
        '# in another shell, while it is up: curl -i localhost:18080/healthz ; curl -i localhost:18080/health',
        setFirst(['PROBE_PATH'], 'the path that answered 200'),
        ...patchContainerWithVars(w, {
          [`${fix.probe}Probe`]: {
            ...handlerSpec(clues, base.handler),
            httpGet: { path: jsonVar('PROBE_PATH'), port: declaredPort(clues, base.handler.kind === 'http' ? base.handler.port : 8080) },
          },
        }),
      ],
    });
  } else if (fix.failure === 'timeout') {
    const timeout = Math.max(5, base.timeoutSeconds * 2);
    out.push({
      kind: 'remedy',
      title: `The endpoint is slower than timeoutSeconds=${base.timeoutSeconds}: give it ${timeout}s`,
      commands: patchContainer(w, { [`${fix.probe}Probe`]: { ...handlerSpec(clues, base.handler), timeoutSeconds: timeout } }),
    });
  } else if (fix.failure === 'status') {
    const answering = fix.probe === 'liveness' ? livenessOnlyAnswers(clues, w, base, fix.status) : undefined;
    if (answering !== undefined) out.push(answering);
    const logs = logsCommand(clues, w, 100);
    if (logs.length > 0 || answering === undefined)
      out.push({
        kind: 'diagnostic',
        title:
          answering === undefined
            ? `The app answers HTTP ${fix.status ?? '5xx'}: read why before the kill, and keep dependency checks out of liveness`
            : `Read why it answered ${fix.status}: a dependency down belongs in readiness; a hung process is what liveness is for`,
        commands: logs,
      });
  }

  // Slow start: size a startup window from what was observed (the app was not healthy after `ran`).
  const observed = Math.max(ran ?? 0, killWindowSeconds(base));
  if (fix.probe === 'startup' && startup !== undefined) {
    const threshold = startupThreshold(observed, startup.periodSeconds, startup.failureThreshold + 1);
    out.push({
      kind: 'remedy',
      title: `Widen the startup window: ${threshold}×${startup.periodSeconds}s = ${threshold * startup.periodSeconds}s, at least 2× the ${observed}s it was given`,
      commands: patchContainer(w, {
        startupProbe: { ...handlerSpec(clues, startup.handler), periodSeconds: startup.periodSeconds, failureThreshold: threshold },
      }),
    });
  } else if (liveness !== undefined && startup === undefined && fix.failure !== 'status') {
    const period = liveness.periodSeconds;
    const threshold = startupThreshold(observed, period, 3);
    out.push({
      kind: 'remedy',
      title: `Add a startupProbe: ${threshold}×${period}s = ${threshold * period}s, at least 2× the ${observed}s the container ran without becoming healthy`,
      commands: patchContainer(w, { startupProbe: { ...handlerSpec(clues, liveness.handler), periodSeconds: period, failureThreshold: threshold } }),
    });
  }
  if (w.patchable && fix.probe === 'liveness') {
    out.push({
      kind: 'diagnostic',
      title: 'Quick test: remove the liveness probe; if the restarts stop, the probe was the problem (put it back afterwards)',
      commands: [jsonPatch(w, [{ op: 'remove', path: `${containerPointer(w)}/livenessProbe` }])],
    });
  }
  return out;
}
