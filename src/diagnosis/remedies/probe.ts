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
import { containerPointer, jsonPatch, ns, patchContainer, patchContainerWithVars, type Workload } from './workload.ts';

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
    out.push({
      kind: 'diagnostic',
      title: `The app answers HTTP ${fix.status ?? '5xx'}: read why before the kill, and keep dependency checks out of liveness`,
      commands: [`kubectl logs ${shq(clues.podName)} ${ns(w)} -c ${shq(w.container)} --previous --tail=100`],
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
