/**
 * A relative path the program cannot open, under a ConfigMap or Secret volume mounted one directory
 * too high (krkn-chaos/krkn#338): the path's first directory is the last part of a mount
 * (`scenarios/openshift/x.yml` under a volume at `/root/kraken/scenarios`), so the working directory
 * is the mount's parent, and the path goes on into a subdirectory. A ConfigMap or Secret volume holds
 * its keys at its top (no subdirectories without `items`), so the file the path names is not there;
 * mounted at the subdirectory the path names, it is. The evidence decides it only with such a mount
 * (no subPath, no items): otherwise the working directory decides, and that check comes first.
 */
import type { Clues } from '../clues.ts';
import type { Remedy } from '../document.ts';
import { shq } from '../shell.ts';
import { ns, replaceSteps, type Workload } from './workload.ts';

export function mountTooHighRemedy(clues: Clues, w: Workload, path: string): Remedy | undefined {
  const parts = path.replace(/^\.\//, '').split('/');
  if (parts.length < 3) return undefined;
  const [top = '', ...rest] = parts;
  const mounts = clues.container?.volumeMounts ?? [];
  const index = mounts.findIndex((m) => m.subPath === undefined && m.mountPath.replace(/\/+$/, '').endsWith(`/${top}`));
  const mount = mounts[index];
  if (mount === undefined) return undefined;
  const volume = clues.pod?.volumes.find((v) => v.name === mount.name);
  const flat = volume !== undefined && (volume.kind === 'configMap' || volume.kind === 'secret') && volume.sources.every((s) => s.keys.length === 0);
  if (!flat) return undefined;
  const target = `${mount.mountPath.replace(/\/+$/, '')}/${rest.slice(0, -1).join('/')}`;
  const at = `${w.podSpecPath}/${w.init ? 'initContainers' : 'containers'}/${w.index}/volumeMounts/${index}/mountPath`;
  return {
    kind: 'remedy',
    title: `Mount ${mount.name} at ${target}: ${path} is read from there, and the volume keeps its files at its top`,
    commands: w.patchable
      ? [
          `kubectl patch ${w.kind.toLowerCase()} ${w.name} ${ns(w)} --type json -p ${shq(
            JSON.stringify([
              { op: 'test', path: at, value: mount.mountPath },
              { op: 'replace', path: at, value: target },
            ]),
          )}`,
        ]
      : replaceSteps(w, `set mountPath ${target} for volume ${mount.name}`),
  };
}
