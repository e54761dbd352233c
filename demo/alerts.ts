/**
 * The alerts Alertmanager would send for the demo workloads, as webhook v4 payloads (one group per
 * pod), with the stock kube-prometheus rules' names, labels and annotations (kubernetes-mixin
 * apps_alerts): `KubePodCrashLooping` for CrashLoopBackOff, `KubeContainerWaiting` for any other
 * waiting reason (ImagePullBackOff, CreateContainerConfigError, …).
 */
import { createHash } from 'node:crypto';
import type { WebhookAlert, WebhookPayload } from '../src/alertmanager/payload.ts';
import { UNSET_TIME } from '../src/alertmanager/payload.ts';
import type { DemoWorkload } from './workloads.ts';

const RUNBOOKS = 'https://runbooks.prometheus-operator.dev/runbooks/kubernetes';
const EXTERNAL_URL = 'http://alertmanager.monitoring.svc:9093';

export function alertFor(w: DemoWorkload, startsAt: Date): WebhookAlert {
  const crashLooping = w.waitingReason === 'CrashLoopBackOff';
  const labels: Record<string, string> = {
    alertname: crashLooping ? 'KubePodCrashLooping' : 'KubeContainerWaiting',
    namespace: w.namespace,
    pod: w.pod,
    container: w.container,
    reason: w.waitingReason,
    severity: 'warning',
    job: 'kube-state-metrics',
  };
  const uid = (w.rawPod['metadata'] as { uid?: string } | undefined)?.uid;
  if (uid !== undefined) labels['uid'] = uid;
  const annotations = crashLooping
    ? {
        summary: 'Pod is crash looping.',
        description: `Pod ${w.namespace}/${w.pod} (${w.container}) is in waiting state (reason: "CrashLoopBackOff").`,
        runbook_url: `${RUNBOOKS}/kubepodcrashlooping`,
      }
    : {
        summary: 'Pod container waiting longer than 1 hour',
        description: `pod/${w.pod} in namespace ${w.namespace} on container ${w.container} has been in waiting state for longer than 1 hour. (reason: "${w.waitingReason}").`,
        runbook_url: `${RUNBOOKS}/kubecontainerwaiting`,
      };
  return {
    status: 'firing',
    labels,
    annotations,
    startsAt: startsAt.toISOString(),
    endsAt: UNSET_TIME,
    generatorURL: `http://prometheus.monitoring.svc:9090/graph?g0.expr=kube_pod_container_status_waiting_reason%7Bnamespace%3D%22${w.namespace}%22%7D&g0.tab=1`,
    fingerprint: fingerprint(labels),
  };
}

/** One Alertmanager notification for one pod's group. */
export function payloadFor(w: DemoWorkload, startsAt: Date): WebhookPayload {
  const alert = alertFor(w, startsAt);
  return {
    receiver: 'crashtriage',
    status: 'firing',
    alerts: [alert],
    groupLabels: { namespace: w.namespace, pod: w.pod },
    commonLabels: alert.labels,
    commonAnnotations: alert.annotations,
    externalURL: EXTERNAL_URL,
    version: '4',
    groupKey: `{}/{severity=~"warning|critical"}:{namespace="${w.namespace}", pod="${w.pod}"}`,
    truncatedAlerts: 0,
  };
}

/** 16 hex digits from the sorted label set, like Alertmanager's (a 64-bit hash of the labels). */
function fingerprint(labels: Record<string, string>): string {
  const canonical = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k] ?? ''}`)
    .join('\u00ff');
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}
