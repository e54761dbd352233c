/**
 * Which pod and container an alert is about, from its labels. kube-state-metrics series carry
 * `namespace`, `pod`, `container`, `uid` and, on waiting-reason series, `reason` (docs/architecture.md
 * "The alerts it takes"). When Prometheus scraped kube-state-metrics without `honor_labels`, its own target
 * labels win and the series' labels are renamed `exported_namespace`, `exported_pod`, …; those then
 * name the pod, so they are preferred.
 */
import type { ContainerFacts, PodFacts, Problem } from '../diagnosis/evidence.ts';

export interface KubeTarget {
  namespace?: string;
  pod?: string;
  container?: string;
  /** The `reason` label of waiting-reason alerts, e.g. `CrashLoopBackOff`. */
  alertReason?: string;
  /** The pod's uid when the alert carries it (KubePodCrashLooping does). */
  uid?: string;
}

export function targetFromLabels(labels: Readonly<Record<string, string>>): KubeTarget {
  const label = (name: string): string | undefined => {
    const value = labels[`exported_${name}`] ?? labels[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  const target: KubeTarget = {};
  const namespace = label('namespace');
  const pod = label('pod');
  const container = label('container');
  const reason = label('reason');
  const uid = label('uid');
  if (namespace !== undefined) target.namespace = namespace;
  if (pod !== undefined) target.pod = pod;
  if (container !== undefined) target.container = container;
  if (reason !== undefined) target.alertReason = reason;
  if (uid !== undefined) target.uid = uid;
  return target;
}

/** The `missing-label` problem when the labels cannot name a pod; undefined when they can. */
export function missingLabelProblem(target: KubeTarget): Problem | undefined {
  const missing = [target.namespace === undefined ? 'namespace' : undefined, target.pod === undefined ? 'pod' : undefined].filter(
    (m): m is string => m !== undefined,
  );
  if (missing.length === 0) return undefined;
  return {
    source: 'target',
    kind: 'missing-label',
    message: `the alert has no ${missing.join(' or ')} label, so no pod could be read; route alerts that carry namespace and pod labels`,
  };
}

/**
 * Kubernetes object names (https://kubernetes.io/docs/concepts/overview/working-with-objects/names/):
 * a namespace and a container name are DNS-1123 labels, a pod name a DNS-1123 subdomain. A label
 * value becomes a path segment of the API URL, so `.`, `..` or a `/` would read something else
 * (the namespace, `/api/v1`, every namespace's events): anything that is not a name is not asked for.
 */
const DNS1123_LABEL = /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;

const NAME_RULES = [
  { label: 'namespace', what: 'namespace name', rule: DNS1123_LABEL, says: 'a DNS-1123 label: lowercase letters, digits and "-", at most 63 characters' },
  { label: 'pod', what: 'pod name', rule: DNS1123_SUBDOMAIN, says: 'a DNS-1123 subdomain: lowercase letters, digits, "-" and ".", at most 253 characters' },
  { label: 'container', what: 'container name', rule: DNS1123_LABEL, says: 'a DNS-1123 label: lowercase letters, digits and "-", at most 63 characters' },
] as const;

/** One `invalid-label` problem per label that is not a Kubernetes name; empty when all are. */
export function invalidLabelProblems(target: KubeTarget): Problem[] {
  return NAME_RULES.flatMap(({ label, what, rule, says }) => {
    const value = target[label];
    if (value === undefined || rule.test(value)) return [];
    const shown = JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value);
    return [
      {
        source: 'target' as const,
        kind: 'invalid-label' as const,
        message: `label ${label} is not a valid ${what} (${shown}; a ${what} is ${says}), so nothing was read from the Kubernetes API`,
      },
    ];
  });
}

/**
 * Waiting reasons that mean the container cannot run (https://github.com/kubernetes/kubernetes/blob/master/pkg/kubelet/images/types.go,
 * kuberuntime/kuberuntime_container.go), as opposed to the normal
 * `ContainerCreating` / `PodInitializing`.
 */
export const CRASH_WAITING_REASONS: ReadonlySet<string> = new Set([
  'CrashLoopBackOff',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
]);

/**
 * The failing container of a pod when the alert names none (stock KubePodNotReady). Init containers
 * count: a crash-looping init container keeps the pod in `Init:CrashLoopBackOff`. Order: waiting with
 * a crash reason, then most restarts, then last terminated non-zero, then not ready; ties keep spec
 * order (init containers first, as they run first).
 */
export function selectFailingContainer(pod: PodFacts): ContainerFacts | undefined {
  const all = [...pod.initContainers, ...pod.containers];
  const score = (c: ContainerFacts): number[] => [
    c.state?.kind === 'waiting' && CRASH_WAITING_REASONS.has(c.state.reason) ? 1 : 0,
    c.restartCount,
    (c.state?.kind === 'terminated' && c.state.exitCode !== 0) || (c.lastState?.kind === 'terminated' && c.lastState.exitCode !== 0) ? 1 : 0,
    // A finished init container reports ready=false on some versions; only unready app containers count.
    !c.ready && !c.init ? 1 : 0,
  ];
  let best: { container: ContainerFacts; score: number[] } | undefined;
  for (const container of all) {
    const s = score(container);
    if (best === undefined || compare(s, best.score) > 0) best = { container, score: s };
  }
  if (best === undefined) return undefined;
  return best.score.some((v) => v > 0) ? best.container : pod.containers[0];
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
