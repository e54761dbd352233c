/**
 * The silence a click asks for, as Alertmanager's v2 API takes it: matchers that cover the workload,
 * not the pod (its pods come and go with every restart of a Deployment), so that the workload's next
 * alerts are silenced and another workload's are not. Pure.
 *  - `namespace` equal, and the cluster label when the incident has one;
 *  - `pod` as a regular expression of the pod names the owner generates (Alertmanager anchors it):
 *    a Deployment's `checkout-<replicaset hash>-<5>`, a StatefulSet's `db-<ordinal>`, a DaemonSet's
 *    or Job's `name-<5>`, a CronJob's `name-<schedule time>-<5>`; a bare pod by its name;
 *  - `alertname` among the crash-loop alerts (crashtriage's own in alerts/, the kubernetes-mixin ones)
 *    and any other name the incident's alerts fired under.
 */
import { CRASH_LOOP_ALERTNAMES } from '../alertmanager/alertnames.ts';
import type { Matcher } from '../alertmanager/matchers.ts';
import type { NewSilence } from '../alertmanager/silences.ts';
import type { IncidentAct } from '../diagnosis/document.ts';
import type { WorkloadRef } from '../incidents/workload.ts';
import { workloadName } from '../incidents/workload.ts';
import type { IncidentTicket } from './button-value.ts';

export type SilenceChoice = Extract<IncidentAct, { kind: 'silence' }>['choice'];

/**
 * How long each choice silences. Alertmanager needs an end for every silence: "until resolved" ends
 * when the service finds the workload healthy (silence-watch.ts), and at the latest after a week, so
 * that a forgotten one does not hide the workload for ever.
 */
export const SILENCE_MS: Record<SilenceChoice, number> = { '1h': 3600_000, '4h': 4 * 3600_000, '24h': 24 * 3600_000, 'until-resolved': 7 * 24 * 3600_000 };

/** RE2 metacharacters (Alertmanager's regexes are Go's). */
const literal = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The owner's pod names as an (anchored) RE2 regex; undefined for a bare pod, matched by name. */
export function workloadPodRegex(workload: WorkloadRef): string | undefined {
  const name = literal(workload.name);
  switch (workload.kind) {
    case 'Pod':
      return undefined;
    case 'Deployment':
      return `${name}-[a-z0-9]+-[a-z0-9]{5}`;
    case 'StatefulSet':
      return `${name}-[0-9]+`;
    case 'CronJob':
      return `${name}-[0-9]+-[a-z0-9]{5}`;
    default:
      // ReplicaSet, DaemonSet, Job, ReplicationController and other controllers: generateName + 5.
      return `${name}-[a-z0-9]{5}`;
  }
}

export function workloadMatchers(ticket: IncidentTicket, options: { clusterLabel: string; alertnames: readonly string[] }): Matcher[] {
  const names = [...new Set([...CRASH_LOOP_ALERTNAMES, ...options.alertnames.filter((n) => n !== '')])].sort();
  const pod = workloadPodRegex(ticket.workload);
  return [
    { name: 'alertname', value: names.map(literal).join('|'), isRegex: true, isEqual: true },
    { name: 'namespace', value: ticket.namespace, isRegex: false, isEqual: true },
    pod === undefined ? { name: 'pod', value: ticket.workload.name, isRegex: false, isEqual: true } : { name: 'pod', value: pod, isRegex: true, isEqual: true },
    ...(ticket.cluster === undefined ? [] : [{ name: options.clusterLabel, value: ticket.cluster, isRegex: false, isEqual: true }]),
  ];
}

export interface SilenceRequest {
  ticket: IncidentTicket;
  choice: SilenceChoice;
  user: { id: string; name?: string };
  alertnames: readonly string[];
  clusterLabel: string;
  now: number;
}

export function workloadSilence(r: SilenceRequest): NewSilence {
  const where = `${workloadName(r.ticket.workload)} in ${r.ticket.namespace}${r.ticket.cluster === undefined ? '' : ` (cluster ${r.ticket.cluster})`}`;
  const how = r.choice === 'until-resolved' ? 'until crashtriage finds it healthy again (at most 7 days)' : `for ${r.choice}`;
  return {
    matchers: workloadMatchers(r.ticket, { clusterLabel: r.clusterLabel, alertnames: r.alertnames }),
    startsAt: new Date(r.now).toISOString(),
    endsAt: new Date(r.now + SILENCE_MS[r.choice]).toISOString(),
    createdBy: `${r.user.name ?? r.user.id} (Slack ${r.user.id})`,
    comment: `crashtriage: ${where} crash looping, silenced from Slack ${how}; incident ${r.ticket.id}`,
  };
}
