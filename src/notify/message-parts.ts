/**
 * What every renderer says, decided once: the title, the key facts, the links and the escalation list.
 * Renderers only choose the format (Block Kit, HTML, terminal text).
 */
import type { DiagnosisDocument } from '../diagnosis/document.ts';
import { incidentDuration, oneLine, safeHttpUrl } from './text.ts';

export interface Fact {
  label: string;
  value: string;
}

/** `payments/payment-svc-7b9f6d-xk2p: OOMKilled (exit 137)` */
export function alertTitle(doc: DiagnosisDocument): string {
  return oneLine(`${doc.target.namespace}/${doc.target.pod}: ${doc.cause.title}`);
}

export function statusWord(doc: DiagnosisDocument): 'FIRING' | 'RESOLVED' {
  return doc.status === 'resolved' ? 'RESOLVED' : 'FIRING';
}

/** "Resolved after 47m" or "Resolved" when the alert carries no usable end time. */
export function resolvedLine(doc: DiagnosisDocument): string {
  const took = incidentDuration(doc.alert.startsAt, doc.alert.endsAt);
  return took === undefined ? 'Resolved' : `Resolved after ${took}`;
}

export function keyFacts(doc: DiagnosisDocument): Fact[] {
  const t = doc.target;
  const facts: Fact[] = [
    { label: 'Namespace', value: t.namespace },
    { label: 'Pod', value: t.pod },
    { label: 'Container', value: t.container },
  ];
  if (t.owner !== undefined) facts.push({ label: 'Owner', value: `${t.owner.kind}/${t.owner.name}` });
  if (t.image !== undefined && t.image !== '') facts.push({ label: 'Image', value: t.image });
  if (t.node !== undefined && t.node !== '') facts.push({ label: 'Node', value: t.node });
  if (t.restarts !== undefined) facts.push({ label: 'Restarts', value: String(t.restarts) });
  facts.push({ label: 'Alert', value: doc.alert.name });
  return facts.map((f) => ({ label: f.label, value: oneLine(f.value) }));
}

/** A label value inside an Alertmanager matcher: `"` and `\` escaped as in its matcher syntax. */
function matcherValue(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * Alertmanager's "new silence" form, pre-filled for this pod's alert. Uses the alert's own labels
 * when present so the silence matches exactly what fired.
 */
export function silenceUrl(doc: DiagnosisDocument, externalURL: string): string | undefined {
  const base = safeHttpUrl(externalURL);
  if (base === undefined) return undefined;
  const labels = doc.alert.labels;
  const matchers = [
    `alertname=${matcherValue(labels['alertname'] ?? doc.alert.name)}`,
    `namespace=${matcherValue(labels['namespace'] ?? doc.target.namespace)}`,
    `pod=${matcherValue(labels['pod'] ?? doc.target.pod)}`,
  ];
  return `${base.replace(/\/+$/, '')}/#/silences/new?filter=${encodeURIComponent(`{${matchers.join(', ')}}`)}`;
}

export interface Link {
  text: string;
  url: string;
}

export function links(doc: DiagnosisDocument, externalURL: string): Link[] {
  const out: Link[] = [];
  const source = safeHttpUrl(doc.alert.generatorURL);
  if (source !== undefined) out.push({ text: 'Alert source', url: source });
  const silence = silenceUrl(doc, externalURL);
  if (silence !== undefined && doc.status === 'firing') out.push({ text: 'Silence', url: silence });
  return out;
}

/** Shell-quotes a name for a copy-paste command; Kubernetes names are safe, labels may not be. */
function q(value: string): string {
  return /^[A-Za-z0-9._/:@-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

export interface EscalationStep {
  text: string;
  command?: string;
}

/**
 * "When to escalate": what to collect before asking for help, with this pod's names
 * filled in so each line can be pasted as is.
 */
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
