/**
 * What to collect before asking for help, when the cause is unknown or the confidence low: this
 * pod's names filled in, so each line can be pasted as is. Pure.
 */
import type { DiagnosisDocument } from '../diagnosis/document.ts';

export interface EscalationStep {
  text: string;
  command?: string;
}

/** Shell-quotes a name for a copy-paste command; Kubernetes names are safe, labels may not be. */
function q(value: string): string {
  return /^[A-Za-z0-9._/:@-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * Every command reads something that is there: a pod the API server no longer has (a 404) is
 * replaced by its events and its successors; the previous log only when the kubelet keeps a previous
 * run, the current one when the only run ended, no log for a container that never ran or that the
 * API server said has no previous run.
 */
export function escalationSteps(doc: DiagnosisDocument): EscalationStep[] {
  const { namespace, pod, container, owner } = doc.target;
  const ns = q(namespace);
  const p = q(pod);
  const workload = owner === undefined ? `pod/${p}` : `${q(owner.kind.toLowerCase())}/${q(owner.name)}`;
  const gone = doc.problems.some((x) => x.source === 'pod' && x.kind === 'not-found');
  const noPrevious = doc.problems.some((x) => x.source === 'logs' && x.kind === 'no-previous-log');
  const podSteps: EscalationStep[] = gone
    ? [
        { text: 'Events of the pod, which outlive it', command: `kubectl get events -n ${ns} --field-selector involvedObject.name=${p}` },
        { text: 'The pods that replaced it', command: `kubectl get pods -n ${ns} -o wide | grep -F ${q(pod.replace(/-[^-]+$/, '-'))}` },
      ]
    : [
        { text: 'Full pod description', command: `kubectl describe pod ${p} -n ${ns}` },
        // The previous run's log when the kubelet keeps one; the current log when the one run there was ended;
        // none when the reader's API server said there is no previous run (the container waits to restart).
        ...(doc.target.lastExit === undefined || noPrevious
          ? []
          : [
              doc.target.previousRun === false
                ? { text: 'Logs of the container', command: `kubectl logs ${p} -n ${ns} -c ${q(container)}` }
                : { text: 'Logs from the previous container', command: `kubectl logs ${p} -n ${ns} -c ${q(container)} --previous` },
            ]),
      ];
  return [
    ...podSteps,
    { text: 'Namespace events', command: `kubectl get events -n ${ns} --sort-by=.metadata.creationTimestamp` },
    ...(gone
      ? [{ text: 'Node resource pressure', command: 'kubectl top node' }]
      : [
          {
            text: 'Node resource pressure',
            command: `kubectl top node && kubectl describe node "$(kubectl get pod ${p} -n ${ns} -o jsonpath='{.spec.nodeName}')"`,
          },
        ]),
    { text: 'Kubernetes version', command: 'kubectl version' },
    ...(gone && owner === undefined
      ? []
      : [{ text: 'The workload manifest (remove secrets before sharing)', command: `kubectl get ${workload} -n ${ns} -o yaml` }]),
    { text: 'Whether the issue is consistent or intermittent' },
    { text: 'Whether the same image works in a different namespace or cluster' },
  ];
}
