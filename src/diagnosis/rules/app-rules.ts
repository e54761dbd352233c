/**
 * Sub-causes of application crashes about what its image holds and where it listens: a module or
 * library the image lacks (or a mount hides), a port. Each rule answers only under a generic exit,
 * with its own proof line and a fix plan that carries the names from the evidence. (The service-link
 * collision, the database's refusal and a certificate describe themselves in sub-causes/.)
 */
import type { EvidenceLine } from '../document.ts';
import { appVerdict, mountOver, PROJECTED_KINDS, signature } from './app-verdict.ts';
import type { Rule } from './rule.ts';

export const missingCode: Rule = {
  id: 'app-missing-code',
  places: ['log-cause'],
  detect(clues) {
    const loader127 = clues.termination?.exitCode === 127 && clues.primary?.kind === 'missing-shared-library' ? clues.primary : undefined;
    const sig = signature(clues, 'missing-module') ?? signature(clues, 'missing-shared-library') ?? loader127;
    if (sig === undefined) return [];
    const library = sig.kind === 'missing-shared-library';
    const name = sig.path ?? (library ? 'a shared library' : 'a module');
    const hidden = name.startsWith('/') ? mountOver(clues, name) : undefined;
    const source = hidden?.volume?.sources[0];
    if (hidden?.volume !== undefined && source !== undefined && hidden.subPath === undefined && PROJECTED_KINDS.has(hidden.volume.kind)) {
      const kind = source.kind === 'secret' ? 'Secret' : 'ConfigMap';
      return [
        {
          ...appVerdict(
            clues,
            'mount-hides-files',
            `${kind} mount hides ${name}`,
            `${name} is image content under ${hidden.mountPath}, where ${kind} ${source.name} is mounted: the mount replaces the image's files there`,
            sig,
            [
              {
                source: 'spec',
                text: `volumeMounts: ${hidden.mountPath} from ${hidden.volume.kind} volume ${hidden.volume.name} (${kind} ${source.name}), no subPath`,
              },
            ],
            {
              kind: 'mount-hides-files',
              path: name,
              mountPath: hidden.mountPath,
              volume: hidden.volume.name,
              object: { kind: source.kind === 'secret' ? 'secret' : 'configmap', name: source.name },
            },
          ),
          id: 'missing-config',
        },
      ];
    }
    const image = clues.container?.image ?? 'the image';
    return [
      appVerdict(
        clues,
        library ? 'missing-shared-library' : 'missing-module',
        `${library ? 'Missing shared library' : 'Missing module'} ${name}`,
        `${name} is missing from the image (${image}): an image build problem`,
        sig,
        [{ source: 'spec', text: `image ${image}` }],
        { kind: 'image-content', what: library ? 'library' : 'module', name },
      ),
    ];
  },
};

export const portBind: Rule = {
  id: 'app-port-bind',
  places: ['log-cause'],
  detect(clues) {
    const sig = signature(clues, 'port-bind') ?? signature(clues, 'port-privileged');
    if (sig === undefined) return [];
    const privileged = sig.kind === 'port-privileged';
    const port = sig.port;
    const c = clues.container;
    const spec: EvidenceLine[] = [];
    if (privileged) {
      const user = c?.securityContext?.runAsUser ?? clues.pod?.securityContext?.runAsUser;
      spec.push({
        source: 'spec',
        text: `securityContext: runAsUser ${user ?? 'not set'}, runAsNonRoot ${String(c?.securityContext?.runAsNonRoot ?? clues.pod?.securityContext?.runAsNonRoot ?? false)}`,
      });
    } else {
      const others = (clues.pod?.containers ?? []).filter((o) => o.name !== c?.name && o.ports.some((p) => p.containerPort === port));
      spec.push({
        source: 'spec',
        text:
          others.length > 0
            ? `container ${others.map((o) => o.name).join(', ')} in the same pod also declares port ${port ?? ''}`
            : `containers in a pod share one network namespace: another process in the pod (or the app itself, started twice) holds ${port === undefined ? 'the port' : `port ${port}`}`,
      });
    }
    return [
      appVerdict(
        clues,
        privileged ? 'port-privileged' : 'port-bind',
        privileged ? `Cannot bind port ${port ?? ''} as non-root` : `Port ${port ?? ''} already in use`.replace('  ', ' '),
        privileged
          ? `it binds port ${port ?? ''} (below 1024) without root or the capability to do so`
          : `${port === undefined ? 'its port' : `port ${port}`} is already taken when it starts listening`,
        sig,
        spec,
        { kind: 'port', problem: privileged ? 'privileged' : 'in-use', ...(port === undefined ? {} : { port }) },
      ),
    ];
  },
};
