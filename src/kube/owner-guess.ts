/**
 * The workload an alert's pod most likely belongs to, from the alert's labels alone, so that the
 * owner's reads can start beside the pod read instead of after it. Pure: a guess is only a head
 * start, confirmed against the pod's ownerReferences when the pod arrives (workload-source.ts).
 *
 * In order of trust:
 * 1. the owner labels a rule may carry: kube-state-metrics' `kube_pod_owner` (`owner_kind`,
 *    `owner_name`: https://github.com/kubernetes/kube-state-metrics/blob/main/docs/metrics/workload/pod-metrics.md)
 *    or kubernetes-mixin's `namespace_workload_pod:kube_pod_owner:relabel` (`workload`,
 *    `workload_type`: https://github.com/kubernetes-monitoring/kubernetes-mixin/blob/master/rules/apps.libsonnet);
 * 2. the names the controllers give their pods: a Deployment's ReplicaSet is
 *    `<deployment>-<pod-template-hash>` and its pods `<replicaset>-<5 chars>`, a StatefulSet's pods
 *    `<statefulset>-<ordinal>`, a DaemonSet's and a Job's `<name>-<5 chars>` (a CronJob's Job is
 *    `<cronjob>-<scheduled time in minutes>`). The hash and the 5 characters come from
 *    apimachinery's `rand.SafeEncodeString` / `rand.String` alphabet, which has no vowels and no
 *    0, 1 or 3 (https://github.com/kubernetes/apimachinery/blob/master/pkg/util/rand/rand.go), so
 *    `node-exporter-5xk2v` is a DaemonSet's or Job's pod, not a Deployment `node`'s.
 */
import type { WorkloadRef } from '../incidents/workload.ts';
import { invalidLabelProblems, targetFromLabels } from './target.ts';

/** The kinds whose pods' names follow a convention, and which the workload source reads. */
export type GuessedKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Job';

export interface OwnerGuess {
  namespace: string;
  /** Most likely first; two when the name alone cannot tell a DaemonSet's pod from a Job's. */
  owners: WorkloadRef[];
}

const SAFE = '[bcdfghjklmnpqrstvwxz2456789]';
/** A pod-template-hash is a uint32 in decimal, safe-encoded: up to 10 characters, in practice 6 or more. */
const TEMPLATE_HASH = new RegExp(`^${SAFE}{6,10}$`);
/** A CronJob's Job: the scheduled time in minutes since the epoch (8 digits since 1989), which a hash of 6 to 10 safe characters almost never is. */
const CRONJOB_POD = new RegExp(`^(.+-[0-9]{8,})-${SAFE}{5}$`);
const DEPLOYMENT_POD = new RegExp(`^(.+)-(${SAFE}{6,10})-${SAFE}{5}$`);
const GENERATED_POD = new RegExp(`^(.+)-${SAFE}{5}$`);
const ORDINAL_POD = /^(.+)-(?:0|[1-9][0-9]*)$/;

const KIND_OF_OWNER: Readonly<Record<string, true>> = { StatefulSet: true, DaemonSet: true, Job: true };

const MIXIN_KINDS: Readonly<Record<string, GuessedKind>> = {
  deployment: 'Deployment',
  statefulset: 'StatefulSet',
  daemonset: 'DaemonSet',
  job: 'Job',
};

/** Undefined when the labels name no pod (nothing is read for it then). */
export function guessOwner(labels: Readonly<Record<string, string>>): OwnerGuess | undefined {
  const target = targetFromLabels(labels);
  const { namespace, pod } = target;
  // A label that is no Kubernetes name is never put in an API path (target.ts).
  if (namespace === undefined || pod === undefined || invalidLabelProblems(target).length > 0) return undefined;
  const label = (name: string): string | undefined => {
    const value = (labels[`exported_${name}`] ?? labels[name])?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const owners =
    fromOwnerLabels(label('owner_kind'), label('owner_name'), label('label_pod_template_hash')) ??
    fromMixinLabels(label('workload_type'), label('workload')) ??
    ownersFromPodName(pod).map(({ kind, name }) => ({ kind, name }));
  return { namespace, owners: owners.filter((o) => OBJECT_NAME.test(o.name)) };
}

/** A DNS-1123 subdomain, what every workload's name is: anything else from a label is not asked for. */
const OBJECT_NAME = /^(?=.{1,253}$)[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;

/** `kube_pod_owner`: the direct owner; a ReplicaSet stands for its Deployment when its name carries the hash. */
function fromOwnerLabels(kind: string | undefined, name: string | undefined, hash: string | undefined): WorkloadRef[] | undefined {
  if (kind === undefined || name === undefined) return undefined;
  if (kind === '<none>') return [];
  if (kind === 'ReplicaSet') {
    const cut = name.lastIndexOf('-');
    const suffix = name.slice(cut + 1);
    const matches = hash === undefined ? TEMPLATE_HASH.test(suffix) : suffix === hash;
    return cut > 0 && matches ? [{ kind: 'Deployment', name: name.slice(0, cut) }] : [];
  }
  return kind in KIND_OF_OWNER ? [{ kind, name }] : [];
}

/** The mixin's workload names the Deployment itself (not its ReplicaSet) and, for a Job's pod, the Job. */
function fromMixinLabels(type: string | undefined, name: string | undefined): WorkloadRef[] | undefined {
  const kind = type === undefined ? undefined : MIXIN_KINDS[type];
  return kind === undefined || name === undefined ? undefined : [{ kind, name }];
}

/**
 * The workloads a pod's name alone makes likely (rule 2 above), with a Deployment's pod-template-hash
 * (the pod's `pod-template-hash` label, the same as its ReplicaSet's name suffix).
 */
export function ownersFromPodName(pod: string): (WorkloadRef & { templateHash?: string })[] {
  const job = CRONJOB_POD.exec(pod);
  if (job?.[1] !== undefined) return [{ kind: 'Job', name: job[1] }];
  const deployment = DEPLOYMENT_POD.exec(pod);
  if (deployment?.[1] !== undefined && deployment[2] !== undefined) return [{ kind: 'Deployment', name: deployment[1], templateHash: deployment[2] }];
  const generated = GENERATED_POD.exec(pod);
  if (generated?.[1] !== undefined) {
    return [
      { kind: 'DaemonSet', name: generated[1] },
      { kind: 'Job', name: generated[1] },
    ];
  }
  const ordinal = ORDINAL_POD.exec(pod);
  if (ordinal?.[1] !== undefined) return [{ kind: 'StatefulSet', name: ordinal[1] }];
  return [];
}
