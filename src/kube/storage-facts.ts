/**
 * The claims an unbound-claim pod mounts and the cluster's StorageClasses, read only when the
 * scheduler says a claim is unbound (src/diagnosis/claim-query.ts): a `get` per claim and one
 * cluster-wide `list storageclasses`, in parallel. A claim's 404 is a fact (it does not exist); any
 * other failure is a problem, and the diagnosis then keeps the claim's events first.
 */
import type { V1PersistentVolumeClaim, V1StorageClass } from '@kubernetes/client-node';
import type { ClaimFacts, StorageClassFacts, StorageFacts } from '../diagnosis/cluster-facts.ts';
import type { Problem } from '../diagnosis/evidence.ts';
import { classifyKubeError, type KubeReadError } from './kube-error.ts';
import { problemFromError, type ReadContext } from './problems.ts';
import type { KubeReader } from './reader.ts';

/** The annotation that marks the default class; the beta one is still honoured by the admission plugin. */
const DEFAULT_CLASS = ['storageclass.kubernetes.io/is-default-class', 'storageclass.beta.kubernetes.io/is-default-class'];

/** The claim's class as the volume controller reads it: this annotation first, then spec.storageClassName. */
const BETA_CLASS = 'volume.beta.kubernetes.io/storage-class';

export function claimFacts(claim: V1PersistentVolumeClaim): ClaimFacts {
  const facts: ClaimFacts = { name: claim.metadata?.name ?? '' };
  if (claim.status?.phase !== undefined) facts.phase = claim.status.phase;
  const annotated = claim.metadata?.annotations?.[BETA_CLASS];
  if (annotated !== undefined) {
    facts.storageClassName = annotated;
    facts.classAnnotated = true;
  } else if (claim.spec?.storageClassName !== undefined && claim.spec.storageClassName !== null) facts.storageClassName = claim.spec.storageClassName;
  return facts;
}

export function storageClassFacts(c: V1StorageClass): StorageClassFacts {
  const annotations = c.metadata?.annotations ?? {};
  return { name: c.metadata?.name ?? '', provisioner: c.provisioner, isDefault: DEFAULT_CLASS.some((a) => annotations[a] === 'true') };
}

type Read<T> = { ok: true; value: T } | { ok: false; error: KubeReadError };
const read = <T>(p: Promise<T>): Promise<Read<T>> =>
  p.then(
    (value) => ({ ok: true as const, value }),
    (err: unknown) => ({ ok: false as const, error: classifyKubeError(err, 0) }),
  );

export async function readStorage(kube: KubeReader, names: readonly string[], ctx: ReadContext): Promise<{ storage?: StorageFacts; problems: Problem[] }> {
  const [claims, classes] = await Promise.all([Promise.all(names.map((name) => read(kube.readClaim(ctx.namespace, name)))), read(kube.listStorageClasses())]);
  const problems: Problem[] = [];
  const facts: ClaimFacts[] = [];
  claims.forEach((c, i) => {
    if (c.ok) facts.push(claimFacts(c.value));
    else if (c.error.kind === 'not-found') facts.push({ name: names[i] ?? '', missing: true });
    else problems.push(problemFromError('storage', c.error, ctx));
  });
  if (!classes.ok) problems.push(problemFromError('storage', classes.error, { ...ctx, clusterWide: true }));
  if (facts.length === 0) return { problems };
  return { storage: { claims: facts, ...(classes.ok ? { classes: classes.value.map(storageClassFacts) } : {}) }, problems };
}
