/**
 * Missing configuration remedies: confirm what is missing (every object the pod references, not only the
 * one the kubelet names), create it with its real name and keys in the form its use needs, or fix the
 * reference. Values come from shell variables the user sets: we never read or invent secret values.
 */
import type { Clues } from '../clues.ts';
import type { Remedy } from '../document.ts';
import type { MissingObject } from '../kube-messages.ts';
import { shq } from '../shell.ts';
import { renameKeyRemedy } from './key-rename.ts';
import { listKeysCommand } from './object-keys.ts';
import { mountTooHighRemedy } from './relative-path.ts';
import { isSecretValue, setInShell } from './user-values.ts';
import { debugCopy, ns, patchContainer, replaceSteps, restart, setEnv, type Workload } from './workload.ts';

/** How the pod spec uses one ConfigMap or Secret: env keys, envFrom, files in volumes. */
interface Reference {
  object: 'configmap' | 'secret';
  name: string;
  optional: boolean;
  /** Keys read into env vars, with the variable that reads each. */
  envKeys: Map<string, string>;
  /** Keys mounted as files (volume items or subPath mounts). */
  fileKeys: Set<string>;
  /** Read whole through envFrom. */
  envFrom: boolean;
  /** Mounted whole (no items): one file per key, under these paths. */
  wholeAt: string[];
}

/** Every ConfigMap and Secret the container references, in spec order. */
function references(clues: Clues): Reference[] {
  const c = clues.container;
  const out = new Map<string, Reference>();
  const ref = (object: Reference['object'], name: string, optional: boolean): Reference => {
    const id = `${object}/${name}`;
    const found = out.get(id) ?? { object, name, optional, envKeys: new Map(), fileKeys: new Set(), envFrom: false, wholeAt: [] };
    found.optional &&= optional;
    out.set(id, found);
    return found;
  };
  for (const e of c?.env ?? []) {
    const f = e.from;
    if (f.kind === 'secretKeyRef' || f.kind === 'configMapKeyRef')
      ref(f.kind === 'secretKeyRef' ? 'secret' : 'configmap', f.name, f.optional).envKeys.set(f.key, e.name);
  }
  for (const e of c?.envFrom ?? []) ref(e.kind === 'secret' ? 'secret' : 'configmap', e.name, e.optional).envFrom = true;
  for (const m of c?.volumeMounts ?? []) {
    const v = clues.pod?.volumes.find((x) => x.name === m.name);
    for (const s of v?.sources ?? []) {
      const r = ref(s.kind === 'secret' ? 'secret' : 'configmap', s.name, s.optional);
      if (m.subPath !== undefined) r.fileKeys.add(m.subPath.split('/')[0] ?? m.subPath);
      else if (s.keys.length > 0) for (const k of s.keys) r.fileKeys.add(k);
      else r.wholeAt.push(m.mountPath);
    }
  }
  return [...out.values()];
}

/** A shell variable name for a value the user supplies: the env var that reads it, else the key in capitals. */
function shellVar(key: string, env: string | undefined): string {
  const name = (env ?? key).toUpperCase().replace(/[^A-Z0-9_]/g, '_');
  return /^[A-Z_]/.test(name) ? name : `V_${name}`;
}

/** `--from-literal=KEY="$VAR"`: the value comes from the user's shell, never from us. */
function literal(key: string, variable: string): string {
  return `--from-literal=${shq(`${key}=`)}"$${variable}"`;
}

/**
 * `kubectl create configmap|secret generic` for one reference, in the form its use needs:
 * --from-env-file for envFrom, --from-file for mounted keys and whole-volume mounts, --from-literal
 * with a shell variable for env keys. kubectl refuses --from-env-file beside the other two.
 */
function createCommands(r: Reference, w: Workload): string[] {
  const kind = r.object === 'secret' ? 'secret generic' : 'configmap';
  const head = `kubectl create ${kind} ${shq(r.name)} ${ns(w)}`;
  const vars = [...r.envKeys].map(([key, env]) => shellVar(key, env));
  if (r.envFrom) {
    const also = [...r.envKeys.keys(), ...r.fileKeys];
    return [
      `# ${r.name}.env: the KEY=value lines the container reads through envFrom${also.length === 0 ? '' : `, including ${also.join(', ')}`}`,
      `${head} --from-env-file=${shq(`./${r.name}.env`)}`,
    ];
  }
  const sources = [
    ...[...r.fileKeys].map((k) => `--from-file=${shq(`${k}=./${k}`)}`),
    ...(r.wholeAt.length === 0 ? [] : [`--from-file=${shq(`./${r.name}/`)}`]),
    ...[...r.envKeys].map(([key, env]) => literal(key, shellVar(key, env))),
  ];
  const notes = [
    ...(vars.length === 0 ? [] : [setInShell(vars, isSecretValue([...r.envKeys.keys(), ...vars], r.object === 'secret'))]),
    ...(r.fileKeys.size === 0 ? [] : [`# ${[...r.fileKeys].map((k) => `./${k}`).join(', ')}: the files the app reads`]),
    ...(r.wholeAt.length === 0 ? [] : [`# ./${r.name}/: one file per key the app reads from ${r.wholeAt.join(', ')}`]),
  ];
  return [...notes, `${head} ${sources.length === 0 ? `--from-env-file=${shq(`./${r.name}.env`)}` : sources.join(' ')}`];
}

const FILE_KEY = /\.[a-z0-9]+$/i;

export function missingObjectRemedies(clues: Clues, w: Workload, m: MissingObject & { near?: string }): Remedy[] {
  const kindWord = m.object === 'secret' ? 'secret' : 'configmap';
  const kindName = m.object === 'secret' ? 'Secret' : 'ConfigMap';
  const namespace = m.namespace ?? w.namespace;
  const where = `-n ${shq(namespace)}`;
  const all = references(clues);
  if (m.key !== undefined) {
    const env = all.find((r) => r.object === m.object && r.name === m.name)?.envKeys.get(m.key);
    const variable = shellVar(m.key, env);
    const file = FILE_KEY.test(m.key);
    const field = m.object === 'secret' ? 'stringData' : 'data';
    const listKeys: Remedy = {
      kind: 'diagnostic',
      title: `See which keys ${kindName} ${m.name} has (a typo in the key is common)`,
      commands: [listKeysCommand(m.object, m.name, namespace)],
    };
    const addKey: Remedy = {
      kind: 'remedy',
      title: `${m.near === undefined ? 'Add' : 'Or add'} key ${m.key} to ${m.name}`,
      commands: [
        file ? `# ./${m.key}: the file the app reads` : setInShell([variable], isSecretValue([m.key, variable], m.object === 'secret')),
        `kubectl patch ${kindWord} ${shq(m.name)} ${where} --type merge -p "$(jq -n --arg v ${file ? `"$(cat ${shq(`./${m.key}`)})"` : `"$${variable}"`} ${shq(`{${field}: {${JSON.stringify(m.key)}: $v}}`)})"`,
        ...restart(w),
      ],
    };
    // The key is named and the fix is to the object or the reference: the change comes first, the list
    // of keys after it; when the evidence proves a near key, renaming the reference is the change.
    if (m.near !== undefined) return [renameKeyRemedy(clues, w, { ...m, key: m.key }, m.near), addKey];
    return [addKey, listKeys];
  }
  const missing = all.find((r) => r.object === m.object && r.name === m.name) ?? {
    object: m.object,
    name: m.name,
    optional: false,
    envKeys: new Map<string, string>(),
    fileKeys: new Set<string>(),
    envFrom: false,
    wholeAt: [],
  };
  const others = all.filter((r) => r !== missing && !r.optional);
  const byKind = (object: Reference['object']) => [...new Set(others.filter((r) => r.object === object).map((r) => r.name))];
  const checks = (['configmap', 'secret'] as const).flatMap((object) => {
    const names = byKind(object);
    return names.length === 0 ? [] : [`kubectl get ${object} ${names.map(shq).join(' ')} ${ns(w)}`];
  });
  const check: Remedy = {
    kind: 'diagnostic',
    title:
      others.length === 0
        ? `If ${m.name} should exist already: see whether it is in another namespace`
        : `The kubelet names one missing object at a time: check the other ${others.length} the pod references (NotFound lines are missing)`,
    commands: [...(others.length === 0 ? [] : checks), `kubectl get ${kindWord}s -A --field-selector metadata.name=${shq(m.name)}`],
  };
  // The kubelet's message already says the object is missing here: creating it is the change, the
  // look elsewhere (another namespace, the other objects the pod references) follows it.
  return [
    {
      kind: 'remedy',
      title: `Create ${kindName} ${m.name} with the keys the pod expects`,
      commands: createCommands(missing, w),
    },
    check,
    ...others.map(
      (r): Remedy => ({
        kind: 'remedy',
        title: `If ${r.object === 'secret' ? 'Secret' : 'ConfigMap'} ${r.name} is missing too: create it`,
        commands: createCommands(r, w),
      }),
    ),
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
      kind: 'remedy',
      title: `The spec sets ${similar}, the app reads ${name}: rename it (keeping its value or reference)`,
      commands: [`kubectl get ${w.ref} ${ns(w)} -o yaml | sed ${shq(`s/- name: ${similar}$/- name: ${name}/`)} | kubectl apply -f -`],
    });
  const from = envFrom[0];
  if (from !== undefined) {
    const field = from.kind === 'secret' ? 'stringData' : 'data';
    out.push({
      kind: 'remedy',
      title: `The container takes env from ${from.kind} ${from.name}: add ${name} there`,
      commands: [
        setInShell([name], isSecretValue([name], from.kind === 'secret')),
        `kubectl patch ${from.kind.toLowerCase()} ${shq(from.name)} ${ns(w)} --type merge -p "$(jq -n --arg v "$${name}" ${shq(`{${field}: {${JSON.stringify(envKey(name, from.prefix))}: $v}}`)})"`,
        ...restart(w),
      ],
    });
  }
  if (SECRETISH.test(name)) {
    const secret = `${w.name}-env`;
    out.push({
      kind: 'remedy',
      title: `Provide ${name} from a Secret (it looks like a credential)`,
      commands: [
        setInShell([name], true),
        `kubectl create secret generic ${shq(secret)} ${ns(w)} ${literal(name, name)}`,
        ...(w.patchable && !w.init
          ? [`kubectl set env ${w.ref} ${ns(w)} -c ${shq(w.container)} --from=secret/${secret} --keys=${shq(name)}`]
          : patchContainer(w, { env: [{ name, valueFrom: { secretKeyRef: { name: secret, key: name } } }] })),
      ],
    });
  } else {
    out.push({ kind: 'remedy', title: `Set ${name} on container ${w.container}`, commands: setEnv(w, [`${name}=VALUE`]) });
  }
  return out;
}

export function missingFileRemedies(clues: Clues, w: Workload, path: string): Remedy[] {
  const file = path.split('/').pop() ?? 'config';
  const cm = `${w.name}-config`;
  const dir = path.slice(0, path.lastIndexOf('/') + 1);
  const tooHigh = path.startsWith('/') ? undefined : mountTooHighRemedy(clues, w, path);
  if (tooHigh !== undefined) return [tooHigh];
  if (!path.startsWith('/')) {
    // A relative path is resolved from the working directory, which the evidence does not show, and a
    // volume mount needs an absolute path: the directory decides where the file goes, so it comes first.
    return [
      {
        kind: 'diagnostic',
        title: `${path} is relative: the working directory (not in the evidence) decides where it goes`,
        commands: debugCopy(clues.podName, w, `pwd ; ls -la ${dir || '.'}`),
      },
      {
        kind: 'remedy',
        title: `Ship ${file} as ConfigMap ${cm}, mounted with subPath at that directory + ${path}`,
        commands: [
          `kubectl create configmap ${shq(cm)} ${ns(w)} --from-file=${shq(`${file}=./${file}`)}`,
          ...replaceSteps(w, `mount ConfigMap ${cm} in container ${w.container} with subPath: ${file} at the working directory + /${path}`),
        ],
      },
    ];
  }
  return [
    {
      kind: 'remedy',
      title: `Mount ${path} from a new ConfigMap ${cm} (subPath: the rest of the directory stays)`,
      commands: [
        `kubectl create configmap ${shq(cm)} ${ns(w)} --from-file=${shq(`${file}=./${file}`)}`,
        ...patchContainer(
          w,
          { volumeMounts: [{ name: 'config-file', mountPath: path, subPath: file }] },
          {
            volumes: [{ name: 'config-file', configMap: { name: cm } }],
          },
        ),
      ],
    },
    {
      kind: 'diagnostic',
      title: `If the image should hold ${path}: see what its directory holds`,
      commands: debugCopy(clues.podName, w, `ls -la ${path.slice(0, path.lastIndexOf('/') + 1) || '/'}`),
    },
  ];
}
