/**
 * Remedies for a ConfigMap or Secret mounted over a directory the image fills (rules/log-rules.ts
 * missingFile, rules/app-rules.ts missingCode): mount each key as its own file with subPath, so the
 * image's other files in the directory stay visible. With the keys known (the volume's items) and a
 * patchable owner, a JSON patch that tests the mount it replaces; otherwise the manifest snippet.
 * Note from the Kubernetes docs: a subPath mount does not receive later updates of the ConfigMap.
 * https://kubernetes.io/docs/concepts/storage/volumes/#using-subpath
 */
import type { Clues } from '../clues.ts';
import type { Remedy } from '../document.ts';
import type { Fix } from '../verdict.ts';
import { listKeysCommand } from './object-keys.ts';
import { containerPointer, jsonPatch, replaceSteps, type Workload } from './workload.ts';

export function mountHidesRemedies(clues: Clues, w: Workload, fix: Extract<Fix, { kind: 'mount-hides-files' }>): Remedy[] {
  const kind = fix.object.kind === 'secret' ? 'Secret' : 'ConfigMap';
  const keys = clues.pod?.volumes.find((v) => v.name === fix.volume)?.sources[0]?.keys ?? [];
  const index = clues.container?.volumeMounts.findIndex((m) => m.name === fix.volume && m.mountPath === fix.mountPath) ?? -1;
  const base = fix.mountPath.replace(/\/$/, '');
  const mounts = (keys.length > 0 ? keys : ['KEY']).map((k) => ({ name: fix.volume, mountPath: `${base}/${k}`, subPath: k }));
  const snippet = [
    `# volumeMounts of ${w.container}, instead of ${fix.mountPath}${keys.length > 0 ? '' : ' (KEY: each key listed above)'}:`,
    ...mounts.flatMap((m) => [`#   - name: ${m.name}`, `#     mountPath: ${m.mountPath}`, `#     subPath: ${m.subPath}`]),
  ];
  const listKeys = listKeysCommand(fix.object.kind, fix.object.name, w.namespace);
  const title = `Mount each key of ${kind} ${fix.object.name} with subPath, so the image's other files in ${fix.mountPath} stay visible`;
  const caveat = `# subPath mounts miss later edits of the ${kind}: restart after one`;
  if (keys.length > 0 && w.patchable && index >= 0) {
    const path = `${containerPointer(w)}/volumeMounts`;
    const patch = [
      { op: 'test', path: `${path}/${index}/mountPath`, value: fix.mountPath },
      { op: 'remove', path: `${path}/${index}` },
      ...mounts.map((m, i) => ({ op: 'add', path: `${path}/${index + i}`, value: m })),
    ];
    return [
      {
        kind: 'remedy',
        title,
        commands: [...snippet, jsonPatch(w, patch), caveat],
      },
    ];
  }
  return [
    {
      kind: 'remedy',
      title,
      commands: [listKeys, ...snippet, ...replaceSteps(w, 'the volumeMounts as above'), caveat],
    },
  ];
}
