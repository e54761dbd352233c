/**
 * One message per crash loop. The stock rules fire KubePodCrashLooping and KubePodNotReady together
 * for one crash loop, and the default inhibitions suppress neither (DESIGN.md): the first alert for a
 * container leads, and an alert without a container label (KubePodNotReady) folds into any incident
 * of its pod. Folded alerts are neither diagnosed nor sent, firing or resolved. In memory, bounded.
 */

import type { DiagnosisDocument } from './diagnosis/document.ts';
import type { WebhookAlert } from './http/alertmanager-payload.ts';

export type Claim = { kind: 'lead'; firing?: DiagnosisDocument } | { kind: 'folded'; into: string };

interface Incident {
  lead: string;
  members: Set<string>;
  /** The lead's last firing document, reused for its resolved message. */
  firing?: DiagnosisDocument;
  touchedAt: number;
}

export interface IncidentIndex {
  claim(alert: WebhookAlert): Claim;
  remember(document: DiagnosisDocument): void;
}

const TTL_MS = 24 * 3600_000;
const MAX_INCIDENTS = 10_000;

export function createIncidentIndex(clock: () => number = Date.now): IncidentIndex {
  const incidents = new Map<string, Incident>();
  const podKey = (a: { labels: Record<string, string> }): string => `${a.labels['namespace'] ?? ''}/${a.labels['pod'] ?? ''}`;
  const keyOf = (a: { labels: Record<string, string> }): string => `${podKey(a)}/${a.labels['container'] ?? ''}`;

  const find = (alert: WebhookAlert): [string, Incident] | undefined => {
    const own = incidents.get(keyOf(alert));
    if (own !== undefined) return [keyOf(alert), own];
    for (const [key, incident] of incidents) {
      if (incident.members.has(alert.fingerprint)) return [key, incident];
    }
    if (alert.labels['container'] !== undefined) return undefined;
    const prefix = `${podKey(alert)}/`;
    for (const [key, incident] of incidents) if (key.startsWith(prefix)) return [key, incident];
    return undefined;
  };

  const expire = (now: number): void => {
    for (const [key, incident] of incidents) if (now - incident.touchedAt > TTL_MS) incidents.delete(key);
    while (incidents.size > MAX_INCIDENTS) incidents.delete(incidents.keys().next().value as string);
  };

  return {
    claim(alert) {
      const now = clock();
      expire(now);
      // Without a pod there is nothing to fold on: every such alert speaks for itself.
      if (alert.labels['pod'] === undefined) return { kind: 'lead' };
      const found = find(alert);
      if (found === undefined) {
        if (alert.status === 'resolved') return { kind: 'lead' };
        incidents.set(keyOf(alert), { lead: alert.fingerprint, members: new Set(), touchedAt: now });
        return { kind: 'lead' };
      }
      const [key, incident] = found;
      incident.touchedAt = now;
      if (incident.lead === alert.fingerprint) {
        if (alert.status === 'resolved') incidents.delete(key);
        return incident.firing === undefined ? { kind: 'lead' } : { kind: 'lead', firing: incident.firing };
      }
      if (alert.status === 'resolved') incident.members.delete(alert.fingerprint);
      else incident.members.add(alert.fingerprint);
      return { kind: 'folded', into: incident.lead };
    },
    remember(document) {
      if (document.status !== 'firing') return;
      for (const incident of incidents.values()) {
        if (incident.lead === document.alert.fingerprint) incident.firing = document;
      }
    },
  };
}

/** Leads first: alerts that name a container are more specific than those that name only a pod. */
export function leadFirst(alerts: readonly WebhookAlert[]): WebhookAlert[] {
  return [...alerts].sort((a, b) => Number(b.labels['container'] !== undefined) - Number(a.labels['container'] !== undefined));
}
