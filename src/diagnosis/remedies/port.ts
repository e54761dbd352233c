/**
 * Remedies for a port the app cannot bind (rules/app-rules.ts portBind): below 1024 as non-root, the
 * sysctl that lets it; already in use, the container to move when the pod spec shows which one holds
 * the port, else the check of which containers declare it (containers of a pod share one network
 * namespace).
 */
import type { Clues } from '../clues.ts';
import type { Remedy } from '../document.ts';
import { shq } from '../shell.ts';
import type { Fix } from '../verdict.ts';
import { ns, patchContainer, replaceSteps, rollback, type Workload } from './workload.ts';

export function portRemedies(clues: Clues, w: Workload, fix: Extract<Fix, { kind: 'port' }>): Remedy[] {
  const port = fix.port === undefined ? 'its port' : `port ${fix.port}`;
  if (fix.problem === 'privileged') {
    return [
      {
        kind: 'remedy',
        title: `Let non-root processes bind ${port}: the net.ipv4.ip_unprivileged_port_start sysctl (safe, Kubernetes 1.22+)`,
        commands: patchContainer(w, {}, { securityContext: { sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] } }),
      },
      {
        kind: 'remedy',
        title: `Or make the app listen on 8080 (its port setting) and point the Service's targetPort there`,
        commands: [`kubectl get services ${ns(w)} -o wide`],
      },
    ];
  }
  const check: Remedy = {
    kind: 'diagnostic',
    title: `See which containers of the pod declare ${port} (they share one network namespace)`,
    commands: [
      `kubectl get pod ${shq(clues.podName)} ${ns(w)} -o jsonpath=${shq('{range .spec.containers[*]}{.name}{" "}{.ports[*].containerPort}{"\\n"}{end}')}`,
    ],
  };
  const taken = fix.port === undefined ? undefined : portHolder(clues, fix.port);
  if (fix.port !== undefined && taken !== undefined) {
    const free = freePort(clues, fix.port);
    const back = rollback(w);
    return [
      {
        kind: 'remedy',
        title: `Move ${taken.move} off ${fix.port}: ${taken.why}`,
        commands: replaceSteps(w, `set ${taken.move}'s port to ${free} (its setting and containerPort)`),
      },
      // The pod spec already answered which container holds the port: no check of it follows.
      ...(back.length === 0
        ? []
        : [{ kind: 'remedy' as const, title: `If the latest rollout made ${taken.other} listen on ${fix.port}: roll back, then fix forward`, commands: back }]),
    ];
  }
  return [
    check,
    {
      kind: 'remedy',
      title: 'Give one listener another port, or stop the second start of the app (an entrypoint that starts it twice)',
      commands: rollback(w),
    },
  ];
}

/**
 * Which container of the pod holds `port` besides the failing one, as the pod spec shows it: another
 * container that declares it (that one moves: it took the port the app has, k0rdent/kof#604), or,
 * when none declares any port, another container of the same image, which listens where the image
 * does (kubernetes/kubernetes#36348; the failing one moves). Undefined when the spec shows neither:
 * then the second listener may be the app itself, started twice, and the check decides.
 */
function portHolder(clues: Clues, port: number): { move: string; other: string; why: string } | undefined {
  const self = clues.container;
  if (self === undefined) return undefined;
  const others = [...(clues.pod?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always'), ...(clues.pod?.containers ?? [])].filter(
    (c) => c.name !== self.name,
  );
  const declares = others.find((c) => c.ports.some((p) => p.containerPort === port));
  if (declares !== undefined) return { move: declares.name, other: declares.name, why: `${self.name} listens there too` };
  const repo = (image: string): string => image.replace(/@.*$/, '').replace(/:[^:/]+$/, '');
  const twin = others.find((c) => c.ports.length === 0 && repo(c.image) === repo(self.image));
  if (twin === undefined || self.ports.length > 0) return undefined;
  return { move: self.name, other: twin.name, why: `${twin.name}, the same image, listens there` };
}

/** The first port above `port` that no container of the pod declares; above 1023, which a non-root process may bind. */
function freePort(clues: Clues, port: number): number {
  const declared = new Set([...(clues.pod?.initContainers ?? []), ...(clues.pod?.containers ?? [])].flatMap((c) => c.ports.map((p) => p.containerPort)));
  let free = port < 1024 ? 8080 : port + 1;
  while (declared.has(free)) free++;
  return free;
}
