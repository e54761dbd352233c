/**
 * Sub-causes of application crashes about what its image holds: a module or library the image lacks
 * (or a mount hides). It answers under a generic exit, and under the dynamic loader's exit 127, with
 * its own proof line and a fix plan that carries the names from the evidence. (The other application
 * sub-causes a log line proves describe themselves in sub-causes/.)
 */
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
