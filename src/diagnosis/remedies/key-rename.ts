/**
 * The reference to a missing key, renamed to the key the object has (near-key.ts): a JSON patch of the
 * pod template's env entry that first tests the key it replaces, so it never rewrites an entry someone
 * changed since. No value is read or printed: the key's name is what decides.
 */
import type { Clues } from '../clues.ts';
import type { Remedy } from '../document.ts';
import type { MissingObject } from '../kube-messages.ts';
import { containerPointer, jsonPatch, replaceSteps, type Workload } from './workload.ts';

export function renameKeyRemedy(clues: Clues, w: Workload, m: MissingObject & { key: string }, near: string): Remedy {
  const kindName = m.object === 'secret' ? 'Secret' : 'ConfigMap';
  const ref = m.object === 'secret' ? 'secretKeyRef' : 'configMapKeyRef';
  const index = (clues.container?.env ?? []).findIndex((e) => e.from.kind === ref && e.from.name === m.name && e.from.key === m.key);
  const env = clues.container?.env[index]?.name;
  const title = `Reference key ${near} (${kindName} ${m.name} has it) instead of ${m.key}${env === undefined ? '' : ` in env ${env}`}`;
  if (index < 0 || !w.patchable) {
    return {
      kind: 'remedy',
      title,
      commands: replaceSteps(w, `in container ${w.container}, change key: ${m.key} to key: ${near} where it reads ${kindName} ${m.name}`),
    };
  }
  const path = `${containerPointer(w)}/env/${index}/valueFrom/${ref}/key`;
  const patch = [
    { op: 'test', path, value: m.key },
    { op: 'replace', path, value: near },
  ];
  return {
    kind: 'remedy',
    title,
    commands: [jsonPatch(w, patch)],
  };
}
