/**
 * One message per crash loop of a container. The stock kube-prometheus rules fire
 * KubePodCrashLooping and KubePodNotReady together for one crash loop and the default inhibitions
 * suppress neither: the first alert that names a container leads, and another alert of the same pod
 * (KubePodNotReady names no container) folds into it. Folded alerts are neither diagnosed nor sent.
 * A member stays a member when it resolves, and a lead whose resolve was delivered stays as a mark
 * of it (the pod's state lives its 24 hours): Alertmanager's resend of the resolved group, reaching
 * the other replica or a restarted one, folds the member again and answers the lead's resolve as
 * delivered, instead of sending either as a resolve never seen firing (issue #25). Alertmanager
 * sends a resolve once per group (no reminders), so a resolve with the same startsAt is a resend.
 * Pure: the state of one pod comes in, the decision and the state to commit after delivery go out.
 */

import type { WebhookAlert } from '../alertmanager/payload.ts';
import type { DiagnosisDocument } from '../diagnosis/document.ts';

/** What the pipeline remembers about one pod between requests (JSON, for any state store). */
export interface PodAlerts {
  /**
   * Per container name ('' for an alert that named none): the leading alert and its last firing
   * diagnosis; once its resolve is delivered, only `resolved` (that alert's startsAt).
   */
  leads: Record<string, { fingerprint: string; firing?: DiagnosisDocument; resolved?: string }>;
  /** Folded alert fingerprint → the lead's fingerprint. */
  members: Record<string, string>;
}

/** 'delivered': a resend of a resolve already delivered, neither read nor sent again. */
export type Claim = { kind: 'lead'; firing?: DiagnosisDocument } | { kind: 'folded'; into: string } | { kind: 'delivered' };

export interface FoldDecision {
  claim: Claim;
  /** The pod's state once this alert's message is delivered. */
  next: PodAlerts | undefined;
}

type Labels = Readonly<Record<string, string>>;

/** The state key of an alert's pod, or undefined when the alert names no pod (nothing to fold on). */
export function podStateKey(labels: Labels, clusterLabel = 'cluster'): string | undefined {
  const pod = labels['pod'];
  if (pod === undefined) return undefined;
  return JSON.stringify(['pod', labels[clusterLabel] ?? '', labels['namespace'] ?? '', pod]);
}

export function decideFold(state: PodAlerts | undefined, alert: WebhookAlert): FoldDecision {
  const current: PodAlerts = state ?? { leads: {}, members: {} };
  const container = alert.labels['container'];
  // An alert that names no container leads under '' (KubePodNotReady alone): its own resend and resolve
  // find it there, or they would fold into the lead they are.
  const leadKey = container ?? '';
  const mark = current.leads[leadKey];
  const own = mark?.resolved === undefined ? mark : undefined;
  const firing = alert.status === 'firing';

  if (mark?.resolved !== undefined && mark.fingerprint === alert.fingerprint && !firing && mark.resolved === alert.startsAt) {
    return { claim: { kind: 'delivered' }, next: state };
  }
  if (own !== undefined && own.fingerprint === alert.fingerprint) {
    const claim: Claim = own.firing === undefined ? { kind: 'lead' } : { kind: 'lead', firing: own.firing };
    if (firing) return { claim, next: state };
    const leads = { ...current.leads, [leadKey]: { fingerprint: alert.fingerprint, resolved: alert.startsAt } };
    return { claim, next: { leads, members: current.members } };
  }

  const into = own?.fingerprint ?? current.members[alert.fingerprint] ?? (container === undefined ? firstLead(current) : undefined);
  const leadAlive = into !== undefined && Object.values(current.leads).some((l) => l.fingerprint === into && l.resolved === undefined);
  if (into !== undefined && (leadAlive || !firing)) {
    const members = { ...current.members, [alert.fingerprint]: into };
    return { claim: { kind: 'folded', into }, next: tidy({ leads: current.leads, members }) };
  }

  // A new lead. A resolve of an alert never seen firing (the process restarted) is sent as it is.
  if (!firing) return { claim: { kind: 'lead' }, next: state };
  const { [alert.fingerprint]: _member, ...members } = current.members;
  return { claim: { kind: 'lead' }, next: { leads: { ...current.leads, [leadKey]: { fingerprint: alert.fingerprint } }, members } };
}

/** The lead's firing diagnosis, kept so that its resolve needs no API read (the pod is often gone by then). */
export function rememberFiring(state: PodAlerts | undefined, document: DiagnosisDocument): PodAlerts | undefined {
  if (state === undefined || document.status !== 'firing') return state;
  const entry = Object.entries(state.leads).find(([, lead]) => lead.fingerprint === document.alert.fingerprint);
  if (entry === undefined) return state;
  return { ...state, leads: { ...state.leads, [entry[0]]: { fingerprint: document.alert.fingerprint, firing: document } } };
}

/** Leads first: alerts that name a container are more specific than those that name only a pod. */
export function leadFirst(alerts: readonly WebhookAlert[]): WebhookAlert[] {
  return [...alerts].sort((a, b) => Number(b.labels['container'] !== undefined) - Number(a.labels['container'] !== undefined));
}

function firstLead(state: PodAlerts): string | undefined {
  return Object.values(state.leads).find((l) => l.resolved === undefined)?.fingerprint;
}

function tidy(state: PodAlerts): PodAlerts | undefined {
  return Object.keys(state.leads).length === 0 && Object.keys(state.members).length === 0 ? undefined : state;
}
