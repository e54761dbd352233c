/**
 * Remedies for pods that were ended: deletion and its grace period, evictions, pods ended by a
 * deadline or their node (pods that never start are in ./pod-setup.ts; a SIGKILL under node pressure
 * is in ./signal.ts). Names come from the
 * evidence; node checks use `kubectl debug node/…` with the sysadmin profile and `chroot /host`, so
 * they read the node's own kernel log and disks.
 */
import type { Clues } from '../clues.ts';
import type { Remedy } from '../document.ts';
import { parseMemory } from '../quantity.ts';
import { shq } from '../shell.ts';
import type { Fix } from '../verdict.ts';
import { CLEANUP, onNode, readableNode } from './node.ts';
import { podSelector } from './verify.ts';
import { ns, patchContainer, replaceSteps, type Workload } from './workload.ts';

function nodeChecks(clues: Clues, kernel: boolean): Remedy[] {
  const node = readableNode(clues);
  if (node === undefined) return [];
  return [
    {
      kind: 'diagnostic',
      title: kernel
        ? `Read node ${node}'s conditions and its kernel log ("Out of memory: Killed process …" names what the kernel killed)`
        : `Read node ${node}'s conditions and allocated resources`,
      commands: [`kubectl describe node ${shq(node)}`, ...(kernel ? [onNode(node, 'dmesg -T'), CLEANUP] : [])],
    },
  ];
}

function pods(w: Workload, clues: Clues): string {
  const selector = w.bare ? undefined : podSelector(clues.pod?.labels ?? {});
  return selector === undefined ? `kubectl get pod ${shq(clues.podName)} ${ns(w)} -o wide` : `kubectl get pods ${ns(w)} -l ${shq(selector)} -o wide`;
}

/**
 * Who the pod's `DisruptionTarget` condition (Kubernetes 1.26+) says ended it, in words. Reasons from
 * the Kubernetes docs, "Pod disruption conditions"
 * (https://kubernetes.io/docs/concepts/workloads/pods/disruptions/#pod-disruption-conditions).
 */
const DISRUPTED_BY: Readonly<Record<string, string>> = {
  EvictionByEvictionAPI: 'Evicted through the Eviction API (a node drain or an autoscaler)',
  PreemptionByScheduler: 'Preempted by the scheduler to make room for a pod of higher priority',
  DeletionByTaintManager: 'Deleted by the taint manager (its node has a NoExecute taint the pod does not tolerate)',
  DeletionByPodGC: 'Deleted by the pod garbage collector (its node is gone)',
  TerminationByKubelet: 'Ended by the kubelet (a node shutdown or node-pressure eviction)',
};

function disruptedBy(clues: Clues): string | undefined {
  const c = clues.pod?.conditions.find((x) => x.type === 'DisruptionTarget' && x.status === 'True');
  if (c === undefined) return undefined;
  return DISRUPTED_BY[c.reason ?? ''] ?? `Ended as its DisruptionTarget condition says (${c.reason ?? 'no reason'})`;
}

/** The replacement's checks: the rollout's status (it waits for the replacement to be available), then the workload's pods. */
export function replacementChecks(clues: Clues, w: Workload): string[] {
  return [...(w.rolls ? [`kubectl rollout status ${w.ref} ${ns(w)} --timeout=5m`] : []), pods(w, clues)];
}

/**
 * A pod stopped by its deletion: nothing to change to it. When its DisruptionTarget condition says
 * who ended it (a drain, the scheduler, the taint manager), the first step says so and confirms the
 * replacement runs. Otherwise a rollout, a scale-down and a `kubectl delete` look the same from the
 * pod: whether the owner has a revision newer than the pod's decides (the incident, which reads the
 * owner's revisions, says "a rollout replaced it" when it does: src/incidents/deleted-by-rollout.ts).
 */
export function podDeletedRemedies(clues: Clues, w: Workload): Remedy[] {
  const by = disruptedBy(clues);
  if (by !== undefined) return [{ kind: 'no-change', title: `${by}: nothing to change; confirm its replacement runs`, commands: replacementChecks(clues, w) }];
  const rs = clues.pod?.controllerRef?.kind === 'ReplicaSet' ? clues.pod.controllerRef.name : undefined;
  return [
    {
      kind: 'diagnostic',
      title: w.rolls
        ? `Who deleted it decides: a revision of ${w.ref} newer than this pod's means a rollout replaced it (nothing to change); none, a scale-down or a kubectl delete`
        : 'Nothing to change if the deletion was expected (a scale-down, a kubectl delete): confirm the replacement runs',
      commands: [
        ...(w.rolls ? [`kubectl rollout history ${w.ref} ${ns(w)}`] : []),
        ...(rs === undefined
          ? []
          : [`kubectl get replicaset ${shq(rs)} ${ns(w)} -o jsonpath=${shq('{.metadata.annotations.deployment\\.kubernetes\\.io/revision}{"\\n"}')}`]),
        pods(w, clues),
      ],
    },
  ];
}

export function gracePeriodRemedies(w: Workload, seconds: number): Remedy[] {
  const longer = Math.max(60, seconds * 2);
  const path = w.bare ? '.spec' : '.spec.template.spec';
  return [
    {
      kind: 'remedy',
      title: `Handle SIGTERM: exit within ${seconds}s of it (a shell entrypoint must exec the program, or the signal never reaches it)`,
      commands: [
        `kubectl get ${w.ref} ${ns(w)} -o jsonpath=${shq(`{${path}.containers[?(@.name=="${w.container}")].command}{" "}{${path}.containers[?(@.name=="${w.container}")].args}`)}`,
        '# in a shell entrypoint: exec "$@" (or exec the binary) as the last line, so the program is PID 1 and gets SIGTERM',
      ],
    },
    {
      kind: 'remedy',
      title: `Or give the shutdown longer: terminationGracePeriodSeconds ${seconds} → ${longer} (preStop hooks count against it)`,
      commands: patchContainer(w, {}, { terminationGracePeriodSeconds: longer }),
    },
  ];
}

export function evictionRemedies(clues: Clues, w: Workload, fix: Extract<Fix, { kind: 'eviction' }>): Remedy[] {
  const e = fix.eviction;
  const node = readableNode(clues);
  const mine = e.containers.find((c) => c.name === w.container) ?? e.containers[0];
  const out: Remedy[] = [];
  if (e.kind === 'memory-pressure') {
    // A request above the container's own limit would be refused by the API server: cap it there.
    const limit = clues.pod?.containers.find((c) => c.name === mine?.name)?.resources.limits.memory;
    const usage = mine === undefined ? undefined : (parseMemory(mine.usage) ?? 0) > (parseMemory(limit ?? '') ?? Number.POSITIVE_INFINITY) ? limit : mine.usage;
    out.push({
      kind: 'remedy',
      title:
        mine === undefined
          ? 'Request the memory the containers use: the kubelet evicts first the pods furthest above their requests'
          : `Request the memory ${mine.name} uses (${mine.usage}): the kubelet evicts first the pods furthest above their requests`,
      commands:
        mine === undefined
          ? [`kubectl top pod ${shq(clues.podName)} ${ns(w)} --containers`]
          : patchContainer({ ...w, container: mine.name }, { resources: { requests: { memory: usage ?? mine.usage } } }),
    });
  } else if (e.kind === 'disk-pressure' || e.kind === 'ephemeral-storage-limit') {
    out.push({
      kind: 'remedy',
      title:
        e.kind === 'ephemeral-storage-limit'
          ? 'Write less to local storage (logs to stdout, caches to a sized volume), or raise the ephemeral-storage limit'
          : `Request the local storage the containers use${mine === undefined ? '' : ` (${mine.name}: ${mine.usage})`}, and find what fills the node's disk`,
      commands: [
        ...(mine === undefined ? [] : patchContainer({ ...w, container: mine.name }, { resources: { requests: { 'ephemeral-storage': mine.usage } } })),
        ...(node === undefined || e.kind === 'ephemeral-storage-limit' ? [] : [onNode(node, 'df -h /var/lib/kubelet /var/lib/containerd /var/log'), CLEANUP]),
      ],
    });
  } else {
    out.push({
      kind: 'diagnostic',
      title: "Find the process that forks without end (the node ran out of PIDs); a pod-level limit is the kubelet's podPidsLimit",
      commands: node === undefined ? [] : [onNode(node, 'ps -e -o pid,ppid,comm'), CLEANUP],
    });
  }
  out.push(...nodeChecks(clues, false));
  out.push({
    kind: 'remedy',
    title: 'An evicted pod stays as a Failed record; delete it once read (its controller has made a new one)',
    commands: [pods(w, clues), `kubectl delete pod ${shq(clues.podName)} ${ns(w)}`],
  });
  return out;
}

export function deadlineRemedies(w: Workload, seconds: number | undefined): Remedy[] {
  const longer = seconds === undefined ? undefined : seconds * 2;
  return [
    {
      kind: 'remedy',
      title: `Make the run finish within activeDeadlineSeconds${seconds === undefined ? '' : `=${seconds}`}, or raise it${longer === undefined ? '' : ` (e.g. ${longer})`}`,
      commands:
        longer === undefined
          ? [`kubectl get ${w.ref} ${ns(w)} -o yaml | grep -n activeDeadlineSeconds`]
          : w.patchable
            ? patchContainer(w, {}, { activeDeadlineSeconds: longer })
            : replaceSteps(w, `set activeDeadlineSeconds: ${longer} in ${w.bare ? 'spec' : 'spec.template.spec'}`),
    },
  ];
}

/**
 * A pod its node ended (lost, shut down): a Failed pod never runs again, and its ReplicaSet or Job
 * replaces it, so what is left to change is the Failed record, deleted first. Not for a bare pod
 * (nothing replaces it), a StatefulSet (its controller deletes and recreates the pod itself) or a pod
 * not Failed (on a lost node it may still run: deleting it could start a second copy).
 */
export function nodeGoneRemedies(clues: Clues, w: Workload, how: Extract<Fix, { kind: 'node-gone' }>['how']): Remedy[] {
  const node = readableNode(clues);
  const leftover = clues.pod?.phase === 'Failed' && !w.bare && w.kind !== 'StatefulSet' && (how === 'lost' || how === 'shutdown');
  const replacer = w.kind === 'Deployment' ? `deployment ${w.name}'s ReplicaSet` : `${w.kind} ${w.name}`;
  const remove: Remedy = leftover
    ? {
        kind: 'remedy',
        title: `Delete the Failed pod left behind: ${replacer} replaces it (a Failed pod never runs again)`,
        commands: [`kubectl delete pod ${shq(clues.podName)} ${ns(w)}`],
      }
    : { kind: 'remedy', title: 'Delete the leftover Failed pod once read', commands: [`kubectl delete pod ${shq(clues.podName)} ${ns(w)}`] };
  const check: Remedy = {
    kind: 'diagnostic',
    title:
      how === 'other'
        ? 'Read why the pod was ended, and its node'
        : how === 'lost' && node !== undefined
          ? `Whether node ${node} comes back decides the rest: if it is gone for good, remove it (kubectl delete node)`
          : `Check node ${node ?? ''} and that the replacement pod runs elsewhere`.replace('  ', ' '),
    commands: [...(node === undefined ? [] : [`kubectl get node ${shq(node)}`, `kubectl describe node ${shq(node)}`]), pods(w, clues)],
  };
  const budget: Remedy[] =
    how === 'shutdown' && w.rolls
      ? [
          {
            kind: 'remedy',
            title: `A PodDisruptionBudget for ${w.ref} keeps replicas up when nodes are drained before they shut down (a shutdown without a drain ignores it)`,
            commands: [
              `kubectl create poddisruptionbudget ${shq(w.name)} ${ns(w)} --selector=${shq(podSelector(clues.pod?.labels ?? {}) ?? `app=${w.name}`)} --min-available=1`,
            ],
          },
        ]
      : [];
  return leftover ? [remove, check, ...budget] : [check, ...budget, remove];
}
