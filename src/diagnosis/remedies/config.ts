/**
 * Missing configuration remedies: confirm what is missing, create it with its
 * real name and keys (placeholder VALUE only: we never read or invent secret values), or fix the reference.
 */
import type { Clues } from '../clues.ts';
import type { Remedy } from '../document.ts';
import type { MissingObject } from '../kube-messages.ts';
import { shq } from '../shell.ts';
import { debugCopy, ns, patchContainer, restart, setEnv, type Workload } from './workload.ts';

/** Keys the pod spec expects from this object: env key refs and volume items. */
function expectedKeys(clues: Clues, m: MissingObject): string[] {
  const c = clues.container;
  const keys = new Set<string>();
  if (m.key !== undefined) keys.add(m.key);
  for (const e of c?.env ?? []) {
    const f = e.from;
    if ((f.kind === 'secretKeyRef' && m.object === 'secret') || (f.kind === 'configMapKeyRef' && m.object === 'configmap'))
      if (f.name === m.name) keys.add(f.key);
  }
  for (const v of clues.pod?.volumes ?? [])
    for (const s of v.sources) if (s.name === m.name && s.kind.toLowerCase() === m.object) for (const k of s.keys) keys.add(k);
  return [...keys];
}

const FILE_KEY = /\.[a-z0-9]+$/i;

function createCommand(clues: Clues, m: MissingObject, w: Workload): string {
  const keys = expectedKeys(clues, m);
  const kind = m.object === 'secret' ? 'secret generic' : 'configmap';
  if (keys.length === 0) return `kubectl create ${kind} ${shq(m.name)} ${ns(w)} --from-env-file=${shq(`${m.name}.env`)}  # one KEY=VALUE per line`;
  const sources = keys.map((k) => (FILE_KEY.test(k) ? `--from-file=${shq(`${k}=./${k}`)}` : `--from-literal=${shq(`${k}=VALUE`)}`));
  return `kubectl create ${kind} ${shq(m.name)} ${ns(w)} ${sources.join(' ')}`;
}

export function missingObjectRemedies(clues: Clues, w: Workload, m: MissingObject): Remedy[] {
  const kindWord = m.object === 'secret' ? 'secret' : 'configmap';
  const namespace = m.namespace ?? w.namespace;
  const where = `-n ${shq(namespace)}`;
  if (m.key !== undefined) {
    const field = m.object === 'secret' ? 'stringData' : 'data';
    const listKeys =
      m.object === 'secret'
        ? `kubectl get secret ${shq(m.name)} ${where} -o go-template=${shq('{{range $k, $v := .data}}{{$k}}{{"\\n"}}{{end}}')}`
        : `kubectl get configmap ${shq(m.name)} ${where} -o jsonpath=${shq('{.data}')}`;
    const value = FILE_KEY.test(m.key) ? `contents of ${m.key}` : 'VALUE';
    return [
      { title: `See which keys ${m.object === 'secret' ? 'Secret' : 'ConfigMap'} ${m.name} has (a typo in the key is common)`, commands: [listKeys] },
      {
        title: `Add key ${m.key} to ${m.name} (or correct the key the pod references)`,
        commands: [`kubectl patch ${kindWord} ${shq(m.name)} ${where} --type merge -p ${shq(JSON.stringify({ [field]: { [m.key]: value } }))}`, ...restart(w)],
      },
    ];
  }
  return [
    {
      title: `Confirm ${m.name} is missing here, and whether it exists in another namespace`,
      commands: [
        `kubectl get ${kindWord} ${shq(m.name)} ${ns(w)}`,
        `kubectl get ${kindWord}s -A --field-selector metadata.name=${shq(m.name)}`,
        `kubectl get ${w.ref} ${ns(w)} -o yaml | grep -n ${shq(m.name)}`,
      ],
    },
    {
      title: `Create ${m.object === 'secret' ? 'Secret' : 'ConfigMap'} ${m.name} with the keys the pod expects (real values, not these placeholders)`,
      commands: [createCommand(clues, m, w), '# the kubelet retries on its own; the pod starts once it exists'],
    },
  ];
}

/** envFrom with a prefix turns key K into variable PREFIX+K. */
function envKey(name: string, prefix: string | undefined): string {
  return prefix !== undefined && name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

const SECRETISH = /PASSWORD|PASSWD|SECRET|TOKEN|KEY|CREDENTIAL|DSN|_URL$|_URI$/;

export function missingEnvRemedies(clues: Clues, w: Workload, name: string, similar?: string): Remedy[] {
  const envFrom = clues.container?.envFrom ?? [];
  const out: Remedy[] = [];
  if (similar !== undefined)
    out.push({
      title: `The spec sets ${similar}, the app reads ${name}: rename it (keeping its value or reference)`,
      commands: [`kubectl get ${w.ref} ${ns(w)} -o yaml | sed ${shq(`s/- name: ${similar}$/- name: ${name}/`)} | kubectl apply -f -`],
    });
  const from = envFrom[0];
  if (from !== undefined) {
    const field = from.kind === 'secret' ? 'stringData' : 'data';
    out.push({
      title: `The container takes env from ${from.kind} ${from.name}: add ${name} there`,
      commands: [
        `kubectl patch ${from.kind.toLowerCase()} ${shq(from.name)} ${ns(w)} --type merge -p ${shq(JSON.stringify({ [field]: { [envKey(name, from.prefix)]: 'VALUE' } }))}`,
        ...restart(w),
      ],
    });
  }
  if (SECRETISH.test(name)) {
    const secret = `${w.name}-env`;
    out.push({
      title: `Provide ${name} from a Secret (it looks like a credential)`,
      commands: [
        `kubectl create secret generic ${shq(secret)} ${ns(w)} --from-literal=${shq(`${name}=VALUE`)}`,
        ...(w.patchable && !w.init
          ? [`kubectl set env ${w.ref} ${ns(w)} -c ${shq(w.container)} --from=secret/${secret} --keys=${shq(name)}`]
          : patchContainer(w, { env: [{ name, valueFrom: { secretKeyRef: { name: secret, key: name } } }] })),
      ],
    });
  } else {
    out.push({ title: `Set ${name} on container ${w.container}`, commands: setEnv(w, [`${name}=VALUE`]) });
  }
  return out;
}

export function missingFileRemedies(clues: Clues, w: Workload, path: string): Remedy[] {
  const file = path.split('/').pop() ?? 'config';
  const cm = `${w.name}-config`;
  return [
    {
      title: `Check whether ${path} exists in the image or should come from a ConfigMap`,
      commands: debugCopy(clues.podName, w, `ls -la ${path.slice(0, path.lastIndexOf('/') + 1) || '/'}`),
    },
    {
      title: `Ship ${path} as ConfigMap ${cm} mounted with subPath (keeps the rest of the directory from the image)`,
      commands: [
        `kubectl create configmap ${shq(cm)} ${ns(w)} --from-file=${shq(`${file}=./${file}`)}`,
        ...patchContainer(
          w,
          { volumeMounts: [{ name: 'app-config-file', mountPath: path, subPath: file, readOnly: true }] },
          {
            volumes: [{ name: 'app-config-file', configMap: { name: cm } }],
          },
        ),
      ],
    },
  ];
}
