/** Webhook payloads shaped exactly as Alertmanager 0.25+ sends them (notify/webhook Message). */
import type { WebhookAlert, WebhookPayload } from '../../src/http/alertmanager-payload.ts';

export function crashLoopAlert(overrides: Partial<WebhookAlert> & { labels?: Record<string, string> } = {}): WebhookAlert {
  const labels = {
    alertname: 'KubePodCrashLooping',
    namespace: 'payments',
    pod: 'payment-svc-7b9f6d-xk2p',
    container: 'payment-svc',
    reason: 'CrashLoopBackOff',
    severity: 'warning',
    job: 'kube-state-metrics',
    uid: '6b1c3f0e-9a43-4a8e-8d7f-2f3c1a9e5b10',
    ...overrides.labels,
  };
  return {
    status: 'firing',
    annotations: {
      summary: 'Pod is crash looping.',
      description: `Pod ${labels.namespace}/${labels.pod} (${labels.container}) is in waiting state (reason: "CrashLoopBackOff").`,
      runbook_url: 'https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping',
    },
    startsAt: '2026-11-25T10:14:03.512Z',
    endsAt: '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus.monitoring.svc:9090/graph?g0.expr=max_over_time%28kube_pod_container_status_waiting_reason%29&g0.tab=1',
    fingerprint: 'a3f1c2d4e5b6a7c8',
    ...overrides,
    labels,
  };
}

export function webhookPayload(alerts: WebhookAlert[] = [crashLoopAlert()], overrides: Partial<WebhookPayload> = {}): WebhookPayload {
  return {
    receiver: 'crashtriage',
    status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    alerts,
    groupLabels: { namespace: 'payments', pod: 'payment-svc-7b9f6d-xk2p' },
    commonLabels: { alertname: 'KubePodCrashLooping', namespace: 'payments' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager.monitoring.svc:9093',
    version: '4',
    groupKey: '{}/{severity=~"warning|critical"}:{namespace="payments", pod="payment-svc-7b9f6d-xk2p"}',
    truncatedAlerts: 0,
    ...overrides,
  };
}
