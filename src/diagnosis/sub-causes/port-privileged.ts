/**
 * A port below 1024 bound without root or the capability to (Node.js `listen EACCES`, Go `bind:
 * permission denied`, nginx, Apache, Java): the fix is the sysctl that lets non-root processes bind
 * it, or a port above 1023.
 */
import type { Clues } from '../clues.ts';
import type { EvidenceLine, Remedy } from '../document.ts';
import { ns, patchContainer, type Workload } from '../remedies/workload.ts';
import { appVerdict } from '../rules/app-verdict.ts';
import { type SubCauseMatch, subCause } from './sub-cause.ts';

/** Binding a port below 1024 as non-root: Node.js `listen EACCES … :80`, Go `bind: permission denied`, nginx, Apache. */
const PRIVILEGED_BIND: readonly RegExp[] = [
  /listen EACCES:? (?:permission denied )?\S*?:(\d+)/,
  /listen tcp\S* \S*:(\d+): bind: permission denied/,
  /bind\(\) to \S*:(\d+) failed \(13: Permission denied\)/,
  /Permission denied: AH00072: make_sock: could not bind to address \S*:(\d+)/,
  /(?:SocketException|BindException): Permission denied.*?:(\d+)/,
  /could not bind to (?:address|port) \S*?:?(\d+).*Permission denied/i,
];

const privilegedBind = (line: string): SubCauseMatch | undefined => {
  for (const p of PRIVILEGED_BIND) {
    const port = Number(p.exec(line)?.[1]);
    if (port > 0 && port < 1024) return { text: line, port };
  }
  return undefined;
};

/** The plan: the port, when the line names it. */
interface PortPlan {
  port?: number;
}

export const portPrivileged = subCause({
  id: 'port-privileged',
  signature: {
    ranksAfter: 'service-link-collision',
    place: 'log-cause',
    decidesAtWarning: true,
    means: 'binding a port below 1024 without the privilege; `port` holds it',
  },
  matcher: privilegedBind,
  rule: 'app-port-privileged',
  detect(clues, sig, fix) {
    const port = sig.port;
    const c = clues.container;
    const spec: EvidenceLine[] = [];
    const user = c?.securityContext?.runAsUser ?? clues.pod?.securityContext?.runAsUser;
    spec.push({
      source: 'spec',
      text: `securityContext: runAsUser ${user ?? 'not set'}, runAsNonRoot ${String(c?.securityContext?.runAsNonRoot ?? clues.pod?.securityContext?.runAsNonRoot ?? false)}`,
    });
    return [
      appVerdict(
        clues,
        'port-privileged',
        `Cannot bind port ${port ?? ''} as non-root`,
        `it binds port ${port ?? ''} (below 1024) without root or the capability to do so`,
        sig,
        spec,
        fix(port === undefined ? {} : { port }),
      ),
    ];
  },
  remedies(_clues: Clues, w: Workload, fix: PortPlan): Remedy[] {
    const port = fix.port === undefined ? 'its port' : `port ${fix.port}`;
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
  },
  words: 'it may not bind a port below 1024',
});
