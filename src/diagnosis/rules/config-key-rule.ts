/**
 * A key missing from a config file that a ConfigMap or Secret volume provides: a Python `KeyError` on
 * a dict loaded from a file (`config["database"]`, log-crash-lines.ts) while the container mounts one.
 * The file's content is never read (crashtriage may not get ConfigMaps or Secrets): the object is named
 * from the pod spec's volume. Without such a mount the file comes from the image or a path the spec
 * does not show, and the KeyError stays the program's crash.
 */
import type { Clues } from '../clues.ts';
import { logLines } from '../crash-verdict.ts';
import { exitedWith } from '../signals.ts';
import { generic } from './log-rules.ts';
import { type Rule, statusLine, who } from './rule.ts';

/** The objects every pod gets for its service account's CA: never the app's config. */
const CLUSTER_CA = new Set(['kube-root-ca.crt', 'openshift-service-ca.crt']);
const CONFIG_FILE = /\.(?:ya?ml|json|toml|ini|cfg|conf|properties)$/i;
const CERT_FILE = /\.(?:crt|pem|key|p12|pfx|jks|cer)$/i;
const CONFIG_NAME = /conf|cfg|settings/i;

interface ConfigMount {
  mountPath: string;
  volume: string;
  object: { kind: 'configmap' | 'secret'; name: string };
  /** The object's key that holds the file, when the spec says (a subPath or the volume's items). */
  file?: string;
  /** How sure the spec makes it that this mount is the config file: the command line's file, a config file name, the app's name, a config name. */
  rank: number;
}

/**
 * The file of `mountPath` that the command line names (`-c config/config.yaml`, `--config=/etc/x/app.yml`):
 * absolute under the mount, relative with the mount's last directory, or the subPath mount itself.
 */
function fileInArgs(clues: Clues, mountPath: string, subPath: string | undefined): string | undefined {
  const words = [...(clues.container?.command ?? []), ...(clues.container?.args ?? [])].flatMap((a) => a.split(/[\s=]+/));
  const dir = mountPath.replace(/\/$/, '');
  for (const word of words.map((w) => w.replace(/^\.\//, ''))) {
    if (!CONFIG_FILE.test(word)) continue;
    if (subPath !== undefined) {
      if (word === dir || dir.endsWith(`/${word}`)) return subPath.split('/')[0];
      continue;
    }
    const rest = word.startsWith('/') ? (word.startsWith(`${dir}/`) ? word.slice(dir.length + 1) : undefined) : relativeTo(dir, word);
    if (rest !== undefined && !rest.includes('/')) return rest;
  }
  return undefined;
}

/** `config/config.yaml` against `/root/cerberus/config`: `config.yaml` (the working directory is not in the spec, its last directory is). */
function relativeTo(dir: string, word: string): string | undefined {
  const slash = word.lastIndexOf('/');
  if (slash < 0) return undefined;
  return dir.endsWith(`/${word.slice(0, slash)}`) ? word.slice(slash + 1) : undefined;
}

/** The ConfigMap and Secret mounts of the container that may hold its config file, likeliest first. */
export function configMounts(clues: Clues): ConfigMount[] {
  const out: ConfigMount[] = [];
  for (const m of clues.container?.volumeMounts ?? []) {
    if (m.mountPath.startsWith('/var/run/secrets/kubernetes.io/')) continue;
    const volume = clues.pod?.volumes.find((v) => v.name === m.name);
    for (const s of volume?.sources ?? []) {
      if (CLUSTER_CA.has(s.name)) continue;
      const keys = m.subPath === undefined ? s.keys : [m.subPath.split('/')[0] ?? m.subPath];
      if (keys.length > 0 && keys.every((k) => CERT_FILE.test(k))) continue;
      const inArgs = fileInArgs(clues, m.mountPath, m.subPath);
      const file = inArgs ?? keys.find((k) => CONFIG_FILE.test(k)) ?? (keys.length === 1 ? keys[0] : undefined);
      const names = `${s.name} ${m.name} ${m.mountPath}`;
      // The app's own object (cerberus-config for container cerberus) before another config (kube-config).
      const own = clues.containerName !== '' && names.includes(clues.containerName);
      out.push({
        mountPath: m.mountPath,
        volume: m.name,
        object: { kind: s.kind === 'secret' ? 'secret' : 'configmap', name: s.name },
        ...(file === undefined ? {} : { file }),
        rank: inArgs !== undefined ? 0 : file !== undefined && CONFIG_FILE.test(file) ? 1 : own ? 2 : CONFIG_NAME.test(names) ? 3 : 4,
      });
    }
  }
  return out.sort((a, b) => a.rank - b.rank);
}

export const configFileKey: Rule = {
  id: 'log-config-file-key',
  places: ['log-cause'],
  detect(clues) {
    const sig = clues.primary;
    const key = sig?.kind === 'crash' ? sig.configKey : undefined;
    if (sig === undefined || key === undefined || !generic(clues)) return [];
    const mounts = configMounts(clues);
    const mount = mounts[0];
    if (mount === undefined) return [];
    const kind = mount.object.kind === 'secret' ? 'Secret' : 'ConfigMap';
    const file = mount.file === undefined ? `the config file under ${mount.mountPath}` : mount.file;
    const t = clues.termination;
    const others = mounts.length - 1;
    return [
      {
        id: 'missing-config',
        detail: 'config-file-key',
        place: 'log-cause',
        // Two or more config mounts and no command line naming the file: the spec does not say which one the app loaded.
        confidence: others === 0 || mount.rank === 0 ? 'high' : 'medium',
        title: `Missing ${key} in ${kind} ${mount.object.name}`,
        summary: `${who(clues)} ${t === undefined ? 'stops' : exitedWith(t.exitCode)} because ${file} from ${kind} ${mount.object.name} has no ${key} (${sig.text}).`,
        evidence: [
          ...statusLine(clues),
          ...logLines(clues, sig),
          {
            source: 'spec',
            text: `${mount.mountPath} is volume ${mount.volume} from ${kind} ${mount.object.name}${mount.file === undefined ? '' : ` (${mount.file})`}${others === 0 ? '' : ` (${others} other ConfigMap/Secret mount${others === 1 ? '' : 's'} in the container)`}`,
          },
        ],
        fix: {
          kind: 'config-file-key',
          key,
          object: mount.object,
          volume: mount.volume,
          mountPath: mount.mountPath,
          ...(mount.file === undefined ? {} : { file: mount.file }),
        },
      },
    ];
  },
};
