/**
 * The key a missing ConfigMap or Secret key was likely meant as (`LOG_LEVEL` referenced, `log_level`
 * there), from keys the pod spec and status prove the object has. Nothing is read from the cluster:
 * Secrets are never read, and ConfigMaps are not either (docs/causes.md says why). What proves a key
 * exists:
 * - an env entry above the missing one in the same container: the kubelet resolves env entries in
 *   order and stops at the first key it cannot find (makeEnvironmentVariables in kubernetes'
 *   pkg/kubelet/kubelet_pods.go), so the ones above it were found;
 * - a key a volume of the pod mounts through `items`: containers are created only after every volume
 *   is mounted, and a non-optional item whose key is missing fails the mount;
 * - a key another container of the pod reads into its env, when that container was created.
 */
import type { Clues } from './clues.ts';
import type { ContainerFacts } from './evidence.ts';
import type { MissingObject } from './kube-messages.ts';
import { similarName } from './rules/log-rules.ts';

export interface NearKey {
  /** The key the object has. */
  key: string;
  /** Why we know it has it, for the proof line. */
  proof: string;
}

const kindName = (object: MissingObject['object']): string => (object === 'secret' ? 'Secret' : 'ConfigMap');

function envKeysOf(c: ContainerFacts, object: MissingObject['object'], name: string): { key: string; index: number }[] {
  const kind = object === 'secret' ? 'secretKeyRef' : 'configMapKeyRef';
  return c.env.flatMap((e, index) => (e.from.kind === kind && e.from.name === name && !e.from.optional ? [{ key: e.from.key, index }] : []));
}

/** The container was created (ran, or runs): its env was resolved. */
const created = (c: ContainerFacts): boolean => c.state?.kind === 'running' || c.state?.kind === 'terminated' || c.lastState?.kind === 'terminated';

/** Keys of the missing key's object that the evidence proves exist, each with its proof. */
export function knownKeys(clues: Clues, missing: MissingObject & { key: string }): NearKey[] {
  const what = `${kindName(missing.object)} ${missing.name}`;
  const out: NearKey[] = [];
  const self = clues.container;
  if (self !== undefined) {
    const refs = envKeysOf(self, missing.object, missing.name);
    const failing = refs.find((r) => r.key === missing.key)?.index;
    if (failing !== undefined)
      for (const r of refs.filter((x) => x.index < failing))
        out.push({ key: r.key, proof: `env ${self.env[r.index]?.name}, listed before it, reads key ${r.key} of ${what}, and the kubelet found that one` });
  }
  for (const v of clues.pod?.volumes ?? [])
    for (const s of v.sources)
      if ((s.kind === 'secret') === (missing.object === 'secret') && s.name === missing.name && !s.optional)
        for (const key of s.keys) out.push({ key, proof: `volume ${v.name} mounts key ${key} of ${what}` });
  for (const c of [...(clues.pod?.initContainers ?? []), ...(clues.pod?.containers ?? [])]) {
    if (c.name === self?.name || !created(c)) continue;
    for (const r of envKeysOf(c, missing.object, missing.name))
      out.push({ key: r.key, proof: `${c.init ? 'init container' : 'container'} ${c.name}, which started, reads key ${r.key} of ${what}` });
  }
  return out;
}

/** The known key the missing one is likely a typo of: the same key in another case first, else a near spelling. */
export function nearKey(clues: Clues, missing: MissingObject): NearKey | undefined {
  if (missing.key === undefined) return undefined;
  const key = missing.key;
  const known = knownKeys(clues, { ...missing, key }).filter((k) => k.key !== key);
  const sameLetters = known.find((k) => k.key.toLowerCase() === key.toLowerCase());
  if (sameLetters !== undefined) return sameLetters;
  const near = similarName(
    key,
    known.map((k) => k.key),
  );
  return known.find((k) => k.key === near);
}
