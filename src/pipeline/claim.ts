/**
 * Stage 1, claim: the request's pods are claimed (concurrent requests about one pod take turns) and
 * each alert is sorted by what its pod remembers (alert-folding.ts): folded into another alert's
 * message (neither read nor sent), resolved from the remembered firing document, or read afresh.
 */
import type { FastifyBaseLogger } from 'fastify';
import { keptLabels } from '../alertmanager/document.ts';
import type { WebhookAlert } from '../alertmanager/payload.ts';
import type { DiagnosisDocument } from '../diagnosis/document.ts';
import { decideFold, leadFirst, type PodAlerts, podStateKey } from '../incidents/alert-folding.ts';
import type { StateStore } from '../state/store.ts';
import { type Claimed, claimKeys, type Pending, releaseAll } from './request.ts';

export interface ClaimedPods {
  pods: Claimed<PodAlerts>;
  /** Each alert's pod state key (absent for an alert that names no pod). */
  podKeyOf: Map<WebhookAlert, string | undefined>;
  /** The alerts to read from the cluster, leads first. */
  toRead: WebhookAlert[];
  /** Resolved alerts answered with their firing document (the pod is often gone by then). */
  fromMemory: { alert: WebhookAlert; item: Pending }[];
}

export async function claimPods(
  alerts: readonly WebhookAlert[],
  store: StateStore<PodAlerts>,
  clusterLabel: string,
  log: FastifyBaseLogger,
): Promise<ClaimedPods> {
  const ordered = leadFirst(alerts);
  const podKeyOf = new Map(ordered.map((a) => [a, podStateKey(a.labels, clusterLabel)]));
  const pods = await claimKeys(store, podKeyOf.values());
  const toRead: WebhookAlert[] = [];
  const fromMemory: ClaimedPods['fromMemory'] = [];
  try {
    sortAlerts();
  } catch (err) {
    await releaseAll(pods);
    throw err;
  }
  return { pods, podKeyOf, toRead, fromMemory };

  function sortAlerts(): void {
    for (const alert of ordered) {
      const podKey = podKeyOf.get(alert);
      if (podKey === undefined) {
        // Without a pod there is nothing to fold on: every such alert speaks for itself.
        toRead.push(alert);
        continue;
      }
      const decision = decideFold(pods.states.get(podKey), alert);
      pods.states.set(podKey, decision.next);
      if (decision.claim.kind === 'delivered') {
        log.info(
          { fingerprint: alert.fingerprint, alertname: alert.labels['alertname'] },
          'resend: this resolve was delivered (the pod state says so); not read or sent again',
        );
      } else if (decision.claim.kind === 'folded') {
        log.info(
          { fingerprint: alert.fingerprint, alertname: alert.labels['alertname'], into: decision.claim.into },
          'alert folded into the message of another alert for the same pod',
        );
      } else if (alert.status === 'resolved' && decision.claim.firing !== undefined) {
        fromMemory.push({ alert, item: { document: resolvedFrom(decision.claim.firing, alert), podKey } });
      } else {
        toRead.push(alert);
      }
    }
  }
}

/** The resolved message reuses the firing diagnosis: the pod is often gone by the time it resolves. */
function resolvedFrom(firing: DiagnosisDocument, alert: WebhookAlert): DiagnosisDocument {
  return {
    ...firing,
    status: 'resolved',
    alert: {
      ...firing.alert,
      labels: keptLabels(alert.labels),
      annotations: keptLabels(alert.annotations),
      ...(alert.endsAt !== '' ? { endsAt: alert.endsAt } : {}),
    },
  };
}
