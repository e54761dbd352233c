/**
 * The pod's controller from its ownerReferences. A Deployment's pods are owned by a ReplicaSet named
 * `<deployment>-<pod-template-hash>`; the Deployment is named by cutting that suffix, which needs no
 * extra API call (and no `get replicasets` permission). Anything else stays as written: a Job named
 * like a CronJob's (`<cronjob>-<digits>`) is kept as the Job, since guessing would name a wrong object.
 */
import type { V1ObjectMeta } from '@kubernetes/client-node';

export interface OwnerFacts {
  owner?: { kind: string; name: string };
  controllerRef?: { kind: string; name: string };
}

const POD_TEMPLATE_HASH = 'pod-template-hash';

export function ownerFacts(metadata: V1ObjectMeta | undefined): OwnerFacts {
  const ref = (metadata?.ownerReferences ?? []).find((r) => r.controller === true);
  if (ref === undefined) return {};
  const direct = { kind: ref.kind, name: ref.name };
  const hash = metadata?.labels?.[POD_TEMPLATE_HASH];
  const suffix = hash === undefined ? undefined : `-${hash}`;
  if (ref.kind === 'ReplicaSet' && suffix !== undefined && ref.name.endsWith(suffix) && ref.name.length > suffix.length) {
    return { owner: { kind: 'Deployment', name: ref.name.slice(0, -suffix.length) }, controllerRef: direct };
  }
  return { owner: direct };
}
