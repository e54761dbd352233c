/**
 * Liveness and startup probe kills: `Killing` "Container app failed liveness
 * probe, will be restarted" and `Unhealthy` "Liveness probe failed: …"
 * (https://github.com/kubernetes/kubernetes/blob/master/pkg/kubelet/prober/prober.go). They outrank
 * exit codes: the kubelet's SIGTERM gives 143, its SIGKILL after the grace period 137, and an app that
 * handles SIGTERM may exit 0 or 1. Readiness failures never kill and are ignored here.
 */
import type { Clues } from '../clues.ts';
import { describeProbe, humanDuration, killWindowSeconds } from '../describe.ts';
import type { EvidenceLine } from '../document.ts';
import type { EventFacts, ProbeFacts } from '../evidence.ts';
import { type ProbeEvent, parseProbeEvent } from '../kube-messages.ts';
import { eventLine, type Rule, statusLine, who } from './rule.ts';

type Killer = 'liveness' | 'startup';

function parsed(clues: Clues): { e: EventFacts; p: ProbeEvent }[] {
  return clues.recent.flatMap((e) => {
    const p = parseProbeEvent(e.reason, e.message);
    if (p === undefined || p.probe === 'readiness') return [];
    // Killing without a fieldPath still names its container in the message.
    if (p.kill && clues.containerName !== '' && !e.message.startsWith(`Container ${clues.containerName} `)) return [];
    return [{ e, p }];
  });
}

function explain(failure: ProbeEvent | undefined, probe: ProbeFacts | undefined, ranSeconds: number | undefined): string {
  const early = probe !== undefined && ranSeconds !== undefined && ranSeconds <= killWindowSeconds(probe) + probe.periodSeconds;
  if (failure === undefined) return early ? 'the probe kills it before the app is ready' : 'the probe keeps failing';
  const kind = failure.failure;
  switch (kind) {
    case 'status':
      return failure.status === 404
        ? 'the probe path answers 404, so the probe checks a path the app does not serve'
        : `the app answers its probe with HTTP ${failure.status ?? '?'}, reporting itself unhealthy`;
    case 'refused':
      return early
        ? 'nothing listens on the probe port when the probe starts: the app is still starting (or listens on another port)'
        : 'nothing listens on the probe port';
    case 'timeout':
      return `the probe endpoint does not answer within timeoutSeconds=${probe?.timeoutSeconds ?? 1}`;
    case 'exec':
      return 'the probe command fails';
    case 'other':
      return early ? 'the probe kills it before the app is ready' : 'the probe keeps failing';
    /* v8 ignore start -- exhaustive: unreachable while the union is covered */
    default: {
      const never: never = kind;
      return never;
    }
    /* v8 ignore stop */
  }
}

/** The port the log says the app listens on: `Listening on :3000`, `started on port(s): 8080`, `running on http://0.0.0.0:8000`. */
export function listeningPort(lines: readonly string[]): number | undefined {
  const pattern =
    /\b(?:listen(?:ing|s)?|running|started|serving|bound|available|accepting connections)\b[^\n]*?(?:port\(?s?\)?[:=\s]+|https?:\/\/[^\s/:]*:|\[[^\]]*\]:|\s:|0\.0\.0\.0:|localhost:|address[=:]\s*"?[^\s":]*:)(\d{2,5})\b/i;
  for (let i = lines.length - 1; i >= 0; i--) {
    const port = Number(pattern.exec(lines[i] ?? '')?.[1]);
    if (port > 0 && port < 65536) return port;
  }
  return undefined;
}

/** The probe checks a port that neither a declared container port nor the log's listening address matches. */
function portMismatch(clues: Clues, probe: ProbeFacts | undefined): { probePort: number | string; listen?: number; text: string } | undefined {
  const h = probe?.handler;
  if (h === undefined || h.kind === 'exec') return undefined;
  const ports = clues.container?.ports ?? [];
  const listen = listeningPort(clues.log?.lines ?? []);
  // With the log silent, a container that declares one port listens there (as for a numeric port below).
  const only = ports.length === 1 ? ports[0]?.containerPort : undefined;
  if (typeof h.port === 'string') {
    if (ports.some((p) => p.name === h.port)) return undefined;
    const to = listen ?? only;
    return {
      probePort: h.port,
      ...(to === undefined ? {} : { listen: to }),
      text: `probe port ${h.port} names no container port (declared: ${ports.map((p) => p.name ?? p.containerPort).join(', ') || 'none'})`,
    };
  }
  if (listen !== undefined && listen !== h.port)
    return { probePort: h.port, listen, text: `the probe checks port ${h.port}; the log says the app listens on ${listen}` };
  if (listen === undefined && ports.length > 0 && !ports.some((p) => p.containerPort === h.port)) {
    return {
      probePort: h.port,
      ...(only === undefined ? {} : { listen: only }),
      text: `the probe checks port ${h.port}; the container declares ${ports.map((p) => p.containerPort).join(', ')}`,
    };
  }
  return undefined;
}

export const probeKill: Rule = {
  id: 'probe-kill',
  places: ['probe-kill', 'probe-failures'],
  detect(clues) {
    const t = clues.termination;
    if (t?.reason === 'OOMKilled') return [];
    const found = parsed(clues);
    const kill = found.find((f) => f.p.kill);
    const first = kill ?? found[0];
    if (first === undefined) return [];
    const killer: Killer = first.p.probe === 'startup' ? 'startup' : 'liveness';
    const failing = found.find((f) => !f.p.kill && f.p.probe === killer);
    const probe = clues.container?.probes[killer];
    const signalExit = t !== undefined && (t.exitCode === 137 || t.exitCode === 143 || t.signal === 9 || t.signal === 15);
    const enough = failing !== undefined && failing.e.count >= (probe?.failureThreshold ?? 3);
    // The Killing event may have expired (events live an hour) while the Unhealthy ones recur.
    // Unhealthy alone decides when the exit is the kubelet's signal, or a clean exit 0 (an app that
    // handles SIGTERM) after at least failureThreshold failures and a restart.
    const handledTerm = t?.exitCode === 0 && enough && (clues.container?.restartCount ?? 0) > 0;
    if (kill === undefined && (failing === undefined || !(signalExit || handledTerm))) return [];
    const ran = t?.runSeconds;
    const proof: EvidenceLine[] = [...statusLine(clues)];
    if (kill !== undefined) proof.push(eventLine(kill.e));
    if (failing !== undefined) proof.push(eventLine(failing.e));
    if (kill === undefined && failing !== undefined && enough)
      proof.push({
        source: 'events',
        text: `no Killing event (expired or not kept), but ${failing.e.count} ${killer} failures reach failureThreshold=${probe?.failureThreshold ?? 3} and the container restarted`,
      });
    if (probe !== undefined) {
      const ranText = ran === undefined ? '' : `; the container ran ${humanDuration(ran)} before it was killed`;
      proof.push({ source: 'spec', text: `${describeProbe(killer, probe)}${ranText}` });
    }
    if (killer === 'liveness' && clues.container?.probes.startup === undefined && probe !== undefined)
      proof.push({ source: 'spec', text: 'no startupProbe: the liveness probe runs from the first seconds of every start' });
    const mismatch = failing?.p.failure === 'refused' || failing?.p.failure === 'timeout' || failing === undefined ? portMismatch(clues, probe) : undefined;
    if (mismatch !== undefined) proof.push({ source: 'spec', text: mismatch.text });
    const why =
      mismatch === undefined
        ? explain(failing?.p, probe, ran)
        : `it checks port ${mismatch.probePort}, where the app does not listen${mismatch.listen === undefined ? '' : ` (it listens on ${mismatch.listen})`}`;
    return [
      {
        id: 'liveness-probe',
        ...(mismatch === undefined ? {} : { detail: 'probe-port-mismatch' as const }),
        place: kill !== undefined ? 'probe-kill' : 'probe-failures',
        // A startup probe kill has its own fix: a longer startup window, not a different liveness probe.
        ...(killer === 'startup' ? { detail: 'startup-probe' as const } : {}),
        confidence: kill !== undefined || enough ? 'high' : 'medium',
        title: `Killed by its ${killer} probe${t === undefined ? '' : ` (exit ${t.exitCode})`}`,
        summary: `The kubelet restarts ${who(clues)} because its ${killer} probe fails: ${why}.`,
        evidence: proof,
        fix: {
          kind: 'probe',
          probe: killer,
          failure: failing?.p.failure ?? 'other',
          ...(failing?.p.status === undefined ? {} : { status: failing.p.status }),
          ...(mismatch?.listen === undefined ? {} : { listenPort: mismatch.listen }),
        },
      },
    ];
  },
};
