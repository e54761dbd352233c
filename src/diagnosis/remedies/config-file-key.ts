/**
 * A key missing from the config file a ConfigMap or Secret volume provides: the file is copied out of
 * the object, the key added by the reader, and the file written back under the same object key with
 * a merge patch (the object's other keys stay). crashtriage reads neither the object nor the file: the
 * reader's kubectl does, and the value of the key is the reader's to write.
 */
import type { Remedy } from '../document.ts';
import { shq } from '../shell.ts';
import type { Fix } from '../verdict.ts';
import { listKeysCommand } from './object-keys.ts';
import { ns, restart, type Workload } from './workload.ts';

type ConfigFileKey = Extract<Fix, { kind: 'config-file-key' }>;

/** `database` or, for a nested key, `url under database`. */
function keyWords(key: string): string {
  const parts = key.split('.');
  const last = parts.pop() ?? key;
  return parts.length === 0 ? last : `${last} under ${parts.join('.')}`;
}

export function configFileKeyRemedies(w: Workload, fix: ConfigFileKey): Remedy[] {
  const { object } = fix;
  const kindName = object.kind === 'secret' ? 'Secret' : 'ConfigMap';
  const target = `${object.kind} ${shq(object.name)} ${ns(w)}`;
  const secret = object.kind === 'secret';
  const field = secret ? 'stringData' : 'data';
  const add = keyWords(fix.key);
  const listKeys: Remedy = {
    kind: 'diagnostic',
    title: `See which files ${kindName} ${object.name} holds (a file named otherwise than the app loads it, config.yml for config.yaml, is common)`,
    commands: [listKeysCommand(object.kind, object.name, w.namespace)],
  };
  if (fix.file !== undefined) {
    const local = `./${fix.file}`;
    return [
      {
        kind: 'remedy',
        // The header names the object; the commands name it again.
        title: `Add ${add} to ${fix.file}`,
        commands: [
          // jsonpath prints nothing for a key the object lacks: the reader then writes the file anew.
          `kubectl get ${target} -o jsonpath=${shq(`{.data.${fix.file.replaceAll('.', '\\.')}}`)}${secret ? ' | base64 -d' : ''} > ${shq(local)}`,
          `# ${local}: add ${add}`,
          `kubectl patch ${target} --type merge -p "$(jq -n --arg v "$(cat ${shq(local)})" ${shq(`{${field}: {${JSON.stringify(fix.file)}: $v}}`)})"`,
          ...restart(w),
        ],
      },
      listKeys,
    ];
  }
  // The volume is mounted whole and the command line does not name the file: the reader names it.
  return [
    {
      kind: 'remedy',
      title: `Add ${add} to the file under ${fix.mountPath} that the app loads (${kindName} ${object.name})`,
      commands: [
        `read -r -p ${shq(`file under ${fix.mountPath}: `)} FILE`,
        `kubectl get ${target} -o go-template="{{with index .data \\"$FILE\\"}}{{${secret ? 'base64decode .' : '.'}}}{{end}}" > "./$FILE"`,
        `# ./$FILE: add ${add}`,
        `kubectl patch ${target} --type merge -p "$(jq -n --arg k "$FILE" --arg v "$(cat "./$FILE")" ${shq(`{${field}: {($k): $v}}`)})"`,
        ...restart(w),
      ],
    },
    listKeys,
  ];
}
