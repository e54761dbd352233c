/**
 * The service's Prometheus metrics, on a registry of its own (so tests can build many apps side by side).
 * Label values are bounded sets (status, outcome, resource, sink name, cause id): never a pod name.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { CRASH_LOOP_ALERTNAMES, OTHER_ROUTED_ALERTNAMES } from './alertmanager/alertnames.ts';

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * The alert names that become a metric label: the rules crashtriage ships (alerts/) and the stock
 * kubernetes-mixin alerts users route to it (https://github.com/kubernetes-monitoring/kubernetes-mixin).
 * Any other name is counted as `other`: a label value taken from the payload unchecked would let a
 * sender grow the registry without bound (one series per name).
 */
export const KNOWN_ALERTNAMES: ReadonlySet<string> = new Set([...CRASH_LOOP_ALERTNAMES, ...OTHER_ROUTED_ALERTNAMES]);

export function metricAlertname(name: string | undefined): string {
  if (name === undefined || name === '') return 'none';
  return KNOWN_ALERTNAMES.has(name) ? name : 'other';
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'crashtriage_' });
  const registers = [registry];
  return {
    registry,
    requests: new Counter({
      name: 'crashtriage_webhook_requests_total',
      help: 'Webhook requests to POST /alerts, by outcome (accepted, rejected_auth, rejected_body, retry_later, deadline, saturated, error).',
      labelNames: ['outcome'] as const,
      registers,
    }),
    stateDegraded: new Counter({
      name: 'crashtriage_state_store_degraded_total',
      help: "Claims served from this replica's memory because the shared state store (Kubernetes Leases) could not be used, by store; messages may double while it rises.",
      labelNames: ['store'] as const,
      registers,
    }),
    slackActions: new Counter({
      name: 'crashtriage_slack_actions_total',
      help: 'Clicks on the Slack message controls, by action (silence, ack, recheck) and outcome (done, duplicate, forged, not-allowed, stale, failed).',
      labelNames: ['action', 'outcome'] as const,
      registers,
    }),
    slackRefused: new Counter({
      name: 'crashtriage_slack_requests_refused_total',
      help: 'Requests to POST /slack/actions refused with 401, by reason (missing-headers, stale-timestamp, bad-signature, replayed).',
      labelNames: ['reason'] as const,
      registers,
    }),
    alertsReceived: new Counter({
      name: 'crashtriage_alerts_received_total',
      help: 'Alerts received, by alert status and alertname (a known name, else other).',
      labelNames: ['status', 'alertname'] as const,
      registers,
    }),
    processingSeconds: new Histogram({
      name: 'crashtriage_processing_duration_seconds',
      help: 'Time from receiving a webhook request to answering it (evidence, diagnosis and delivery).',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30],
      registers,
    }),
    diagnoses: new Counter({
      name: 'crashtriage_diagnoses_total',
      help: 'Diagnoses made, by cause id and confidence.',
      labelNames: ['cause', 'confidence'] as const,
      registers,
    }),
    kubeApiCalls: new Counter({
      name: 'crashtriage_kube_api_calls_total',
      help: 'Kubernetes API calls, by resource and HTTP status code (or timeout/error).',
      labelNames: ['resource', 'code'] as const,
      registers,
    }),
    kubeApiSeconds: new Histogram({
      name: 'crashtriage_kube_api_call_duration_seconds',
      help: 'Kubernetes API call latency, by resource.',
      labelNames: ['resource'] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    kubeApiLastSuccess: new Gauge({
      name: 'crashtriage_kube_api_last_success_timestamp_seconds',
      help: 'Unix time of the last successful Kubernetes API call.',
      registers,
    }),
    deliveries: new Counter({
      name: 'crashtriage_deliveries_total',
      help: 'Messages handed to sinks, by sink name and outcome (sent, duplicate, maybe_sent: no answer after the request was sent, retryable_failure, permanent_failure).',
      labelNames: ['sink', 'outcome'] as const,
      registers,
    }),
  };
}

/**
 * Creates the series the alerts in alerts/crashtriage-receiver-rules.yaml watch at zero: a counter
 * that first appears with the value 1 has no increase() in Prometheus, so the first refused message
 * or 401 after a start would never alert. (The prom-client way: a labelled counter is exported only
 * once a label set is used.)
 */
export function primeFailureSeries(metrics: Metrics, sinkNames: readonly string[], apiResources: readonly string[]): void {
  for (const outcome of ['accepted', 'rejected_auth', 'rejected_body', 'retry_later', 'deadline', 'saturated', 'error']) metrics.requests.inc({ outcome }, 0);
  for (const sink of sinkNames) {
    for (const outcome of ['sent', 'duplicate', 'maybe_sent', 'retryable_failure', 'permanent_failure']) metrics.deliveries.inc({ sink, outcome }, 0);
  }
  for (const resource of apiResources) for (const code of ['401', '403']) metrics.kubeApiCalls.inc({ resource, code }, 0);
}
