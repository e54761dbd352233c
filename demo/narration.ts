/**
 * The demo's own words around the diagnoses: what is running, one heading per workload, and how to
 * try crashtriage for real afterwards. Pure text; run.ts writes it.
 */
import type { WebhookAlert } from '../src/http/alertmanager-payload.ts';
import type { Paint } from './style.ts';
import type { DemoWorkload } from './workloads.ts';

export interface IntroFacts {
  workloads: number;
  clusterUrl: string;
  serviceUrl: string;
  /** The user-visible sinks the service delivers to. */
  sinks: readonly string[];
}

export function intro(f: IntroFacts, paint: Paint): string {
  const toConsole = f.sinks.length === 1 && f.sinks[0] === 'console';
  const destination = toConsole
    ? 'this terminal (the console sink: no Slack or email configured)'
    : `${f.sinks.join(', ')} (from your environment), and a one-line result here`;
  return [
    paint('bold', 'crashtriage demo') + paint('dim', ' · no cluster, no network: everything below runs on 127.0.0.1'),
    '',
    `  ${paint('dim', 'simulated cluster ')}  ${f.workloads} crash-looping workloads behind a Kubernetes API at ${f.clusterUrl}`,
    `  ${paint('dim', 'crashtriage       ')}  the real service, listening on ${f.serviceUrl} (POST /alerts with a bearer token)`,
    `  ${paint('dim', 'diagnoses go to   ')}  ${destination}`,
    '',
    'Sending each workload\'s alert to crashtriage as Alertmanager would (webhook v4, one group per pod).',
    'For each one, crashtriage reads the pod, its events and the previous container\'s log from the API,',
    'names the cause and delivers the diagnosis:',
    '',
  ].join('\n') + '\n';
}

/** The banner before each workload's diagnosis. */
export function workloadHeading(index: number, total: number, w: DemoWorkload, alert: WebhookAlert, paint: Paint): string {
  const title = ` ${index + 1}/${total}  ${w.namespace}/${w.pod} `;
  const rule = '━'.repeat(Math.max(4, 100 - title.length - 4));
  return [
    paint('bold', `━━━${title}${rule}`),
    paint('dim', `alert ${alert.labels['alertname'] ?? ''} (reason ${w.waitingReason}) · scenario: ${w.description}`),
    '',
  ].join('\n') + '\n';
}

export function outro(paint: Paint): string {
  return [
    '',
    paint('bold', 'Try it for real'),
    '  Diagnose a crash-looping pod in your current kubectl context:',
    `    ${paint('cyan', 'npx crashtriage diagnose -n NAMESPACE POD')}`,
    '  Run the service for your Alertmanager (README "Wiring Alertmanager"; Slack or email by env vars):',
    `    ${paint('cyan', 'WEBHOOK_TOKEN=$(openssl rand -hex 32) npm start')}`,
    '  Send this demo\'s diagnoses to Slack instead of the terminal:',
    `    ${paint('cyan', 'SLACK_WEBHOOK_URL=https://hooks.slack.com/services/… npm run demo')}`,
    '',
  ].join('\n');
}
