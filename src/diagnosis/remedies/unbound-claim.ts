/**
 * A claim the scheduler says is unbound, decided by what the claim asks for and the StorageClasses the
 * cluster has (both read only for this cause: src/diagnosis/claim-query.ts):
 * - a class that does not exist → the claim recreated with one that does: a claim's storageClassName
 *   cannot be changed, an unbound claim holds no data, and a pod not yet scheduled does not keep it
 *   from being deleted (the pvc-protection controller counts only pods with a node, so its finalizer
 *   goes at once); the class is read as the volume controller reads it (src/kube/storage-facts.ts);
 * - no class asked for and no default class → one class marked default, which Kubernetes 1.28 and
 *   later also give to claims made before it (retroactive default StorageClass assignment,
 *   https://kubernetes.io/docs/concepts/storage/persistent-volumes/#retroactive-default-storageclass-assignment);
 * - no class asked for though a default exists → the claim predates it on an older cluster: recreated,
 *   it gets the default.
 * Otherwise (a class that exists: its provisioner; `""`: a volume made for it; no class at all; the
 * claim or the classes not read) the claim's events decide, and the check stays first.
 */
import type { Clues } from '../clues.ts';
import type { ClaimFacts, StorageClassFacts } from '../cluster-facts.ts';
import type { Remedy } from '../document.ts';
import { shq } from '../shell.ts';
import { ns, type Workload } from './workload.ts';

const DEFAULT_ANNOTATION = '{"metadata":{"annotations":{"storageclass.kubernetes.io/is-default-class":"true"}}}';

/** The class to use: the default, else the only one, else the one the reader picks of those listed (`$CLASS`). */
function chosen(classes: readonly StorageClassFacts[], purpose: string): { name: string; arg: string; read: string[] } {
  const pick = classes.find((c) => c.isDefault) ?? (classes.length === 1 ? classes[0] : undefined);
  if (pick !== undefined) return { name: pick.name, arg: shq(pick.name), read: [] };
  return { name: '$CLASS', arg: '"$CLASS"', read: [`read -r -p ${shq(`StorageClass ${purpose} (${classes.map((c) => c.name).join(', ')}): `)} CLASS`] };
}

/**
 * Delete and create the claim again from its own manifest, its class changed from `from` to `to` when
 * given (in the annotation too when that names it). `replace --force` reads the manifest, deletes the
 * claim, waits until it is gone and creates it without its resourceVersion; the API server gives it a
 * new uid and drops its status, and its labels, annotations (a Helm release's ownership among them)
 * and owner references stay. The pod waits for the claim by name: the scheduler retries it when the
 * claim changes, so the pod is not recreated.
 */
function recreate(w: Workload, claim: ClaimFacts, change?: { from: string; to: string }): string {
  const edits =
    change === undefined
      ? []
      : [
          `s/storageClassName: ${change.from}$/storageClassName: ${change.to}/`,
          ...(claim.classAnnotated === true ? [`s/storage-class: ${change.from}$/storage-class: ${change.to}/`] : []),
        ];
  const edit = edits.length === 0 ? '' : ` | sed "${edits.join(';')}"`;
  return `kubectl get pvc ${shq(claim.name)} ${ns(w)} -o yaml${edit} | kubectl replace --force -f -`;
}

/** What the claim and the classes decide, without the check; `unbound` are the pod's unbound claims (the same class may fail several). */
function decided(claim: ClaimFacts, unbound: readonly ClaimFacts[], classes: readonly StorageClassFacts[], w: Workload): Remedy | undefined {
  const asked = claim.storageClassName;
  if (asked !== undefined && asked !== '' && classes.length > 0 && !classes.some((c) => c.name === asked)) {
    const same = unbound.filter((c) => c.storageClassName === asked);
    const names = same.map((c) => c.name).join(', ');
    const to = chosen(classes, `for ${names}`);
    return {
      kind: 'remedy',
      title: `Recreate claim${same.length > 1 ? 's' : ''} ${names} with a StorageClass that exists: ${asked} does not, and a claim's class cannot be changed (set it where the claim is made too)`,
      commands: [...to.read, ...same.map((c) => recreate(w, c, { from: asked, to: to.name }))],
    };
  }
  if (asked !== undefined || classes.length === 0) return undefined;
  if (!classes.some((c) => c.isDefault)) {
    const to = chosen(classes, 'to make the default');
    return {
      kind: 'remedy',
      title: `Mark a StorageClass default: claim ${claim.name} asks for none and the cluster has no default (Kubernetes 1.28+ then gives it to the claim)`,
      commands: [...to.read, `kubectl patch storageclass ${to.arg} -p ${shq(DEFAULT_ANNOTATION)}`],
    };
  }
  return {
    kind: 'remedy',
    title: `Recreate claim ${claim.name}: it asks for no class and was made before the default existed, so it never got one`,
    commands: [recreate(w, claim)],
  };
}

/** The check's title: what the evidence leaves to the claim's events. */
function checkTitle(claim: ClaimFacts | undefined, classes: readonly StorageClassFacts[] | undefined, name: string | undefined): string {
  const which = claim?.name ?? name;
  const asked = claim?.storageClassName;
  const found = asked === undefined || asked === '' ? undefined : classes?.find((c) => c.name === asked);
  if (found !== undefined)
    return `StorageClass ${found.name} exists: whether its provisioner ${found.provisioner} runs decides; the claim's events say why it made no volume`;
  if (asked === '') return `Claim ${which} asks for no class (storageClassName ""): only a PersistentVolume made for it binds it`;
  if (claim !== undefined && classes?.length === 0)
    return `The cluster has no StorageClass and claim ${which} asks for none: a provisioner with a default class, or a PersistentVolume for it`;
  return `The claim${which === undefined ? '' : ` ${which}`}'s events decide why it is unbound: no StorageClass, one with no provisioner, or no volume to bind`;
}

/** The steps for an unbound claim: the change the claim and the classes decide, then the claim's events. */
export function unboundClaimSteps(clues: Clues, w: Workload, claimName: string | undefined): Remedy[] {
  const storage = clues.evidence.storage;
  const classes = storage?.classes;
  const unbound = (storage?.claims ?? []).filter((c) => c.missing !== true && c.phase !== 'Bound');
  const usable = unbound.find((c) => c.name === claimName) ?? unbound[0];
  const change = usable === undefined || classes === undefined ? undefined : decided(usable, unbound, classes, w);
  const name = usable?.name ?? claimName;
  return [
    ...(change === undefined ? [] : [change]),
    {
      kind: 'diagnostic',
      title: change === undefined ? checkTitle(usable, classes, claimName) : `If that is not it: the claim's events say why it is unbound`,
      commands: [name === undefined ? `kubectl get pvc ${ns(w)}` : `kubectl describe pvc ${shq(name)} ${ns(w)}`, 'kubectl get storageclass'],
    },
  ];
}
