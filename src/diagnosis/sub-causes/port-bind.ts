/**
 * The listening port is already in use (EADDRINUSE in Node.js, Go, CPython, Java, Spring Boot, nginx):
 * containers of a pod share one network namespace, so another container of the pod (or the app
 * itself, started twice) holds it. The fix moves the container the pod spec shows holds it, else
 * the check of which containers declare it decides.
 */
import type { Clues } from '../clues.ts';
import type { EvidenceLine, Remedy } from '../document.ts';
import { ns, replaceSteps, rollback, type Workload } from '../remedies/workload.ts';
import { appVerdict } from '../rules/app-verdict.ts';
import { shq } from '../shell.ts';
import { type SubCauseMatch, subCause } from './sub-cause.ts';

/** The port is taken: Node.js EADDRINUSE, Go, CPython errno 98, Java BindException, Spring Boot. */
const PORT_IN_USE: readonly RegExp[] = [
  /EADDRINUSE:? address already in use \S*?:(\d+)/,
  /listen tcp\S* \S*?:(\d+): bind: address already in use/,
  /Port (\d+) (?:was|is) already in use/,
  /bind\(\) to \S*:(\d+) failed \(98: Address (?:already )?in use\)/,
  /[Aa]ddress already in use.*?:(\d+)\b/,
];

const portInUse = (line: string): SubCauseMatch | undefined => {
  if (!/address already in use|EADDRINUSE|already in use/i.test(line) || !/port|address|bind|listen/i.test(line)) return undefined;
  for (const p of PORT_IN_USE) {
    const port = Number(p.exec(line)?.[1]);
    if (port > 0) return { text: line, port };
  }
  if (/EADDRINUSE|Address already in use|address already in use/.test(line)) return { text: line };
  return undefined;
};

/** The plan: the port, when the line names it. */
interface PortPlan {
  port?: number;
}

export const portBind = subCause({
  id: 'port-bind',
  signature: {
    ranksAfter: 'port-privileged',
    place: 'log-cause',
    decidesAtWarning: true,
    means: 'the listening port is taken (EADDRINUSE); `port` holds it',
  },
  matcher: portInUse,
  rule: 'app-port-bind',
  detect(clues, sig, fix) {
    const port = sig.port;
    const c = clues.container;
    const spec: EvidenceLine[] = [];
    const others = (clues.pod?.containers ?? []).filter((o) => o.name !== c?.name && o.ports.some((p) => p.containerPort === port));
    spec.push({
      source: 'spec',
      text:
        others.length > 0
          ? `container ${others.map((o) => o.name).join(', ')} in the same pod also declares port ${port ?? ''}`
          : `containers in a pod share one network namespace: another process in the pod (or the app itself, started twice) holds ${port === undefined ? 'the port' : `port ${port}`}`,
    });
    return [
      appVerdict(
        clues,
        'port-bind',
        `Port ${port ?? ''} already in use`.replace('  ', ' '),
        `${port === undefined ? 'its port' : `port ${port}`} is already taken when it starts listening`,
        sig,
        spec,
        fix(port === undefined ? {} : { port }),
      ),
    ];
  },
  remedies(clues: Clues, w: Workload, fix: PortPlan): Remedy[] {
    const port = fix.port === undefined ? 'its port' : `port ${fix.port}`;
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
          : [
              {
                kind: 'remedy' as const,
                title: `If the latest rollout made ${taken.other} listen on ${fix.port}: roll back, then fix forward`,
                commands: back,
              },
            ]),
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
  },
  words: 'its port is already in use',
});

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
