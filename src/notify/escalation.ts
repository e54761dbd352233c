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

export function escalationSteps(doc: DiagnosisDocument): EscalationStep[] {
  const { namespace, pod, container, owner } = doc.target;
  const ns = q(namespace);
  const p = q(pod);
  const workload = owner === undefined ? `pod/${p}` : `${q(owner.kind.toLowerCase())}/${q(owner.name)}`;
  return [
    { text: 'Full pod description', command: `kubectl describe pod ${p} -n ${ns}` },
    { text: 'Logs from the previous container', command: `kubectl logs ${p} -n ${ns} -c ${q(container)} --previous` },
    { text: 'Namespace events', command: `kubectl get events -n ${ns} --sort-by=.metadata.creationTimestamp` },
    {
      text: 'Node resource pressure',
      command: `kubectl top node && kubectl describe node "$(kubectl get pod ${p} -n ${ns} -o jsonpath='{.spec.nodeName}')"`,
    },
    { text: 'Kubernetes version', command: 'kubectl version' },
    { text: 'The workload manifest (remove secrets before sharing)', command: `kubectl get ${workload} -n ${ns} -o yaml` },
    { text: 'Whether the issue is consistent or intermittent' },
    { text: 'Whether the same image works in a different namespace or cluster' },
  ];
}
