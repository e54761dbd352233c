/**
 * The demo's own words around the diagnoses: what is running, one heading per workload, and how to
 * try crashtriage for real afterwards. Pure text; run.ts writes it.
 */
import type { Paint } from './style.ts';
import type { DemoWorkload } from './workloads.ts';

export interface IntroFacts {
  workloads: number;
  clusterUrl: string;
  serviceUrl: string;
  /** The user-visible sinks the service delivers to. */
  sinks: readonly string[];
  /** The Prometheus stand-in serving memory history for the OOM workloads. */
  prometheusUrl?: string;
}

export function intro(f: IntroFacts, paint: Paint): string {
  const toConsole = f.sinks.length === 1 && f.sinks[0] === 'console';
  const destination = toConsole
    ? 'printed below (console sink: no Slack or email configured)'
    : `sent to ${f.sinks.join(', ')} (configured in your environment)`;
  const row = (label: string, text: string): string => `  ${paint('dim', label.padEnd(11))}  ${text}`;
  return `${[
    `${paint('bold', 'crashtriage demo')} · no cluster, no network: everything runs on 127.0.0.1`,
    '',
    row('cluster', `simulated, ${f.workloads} crash-looping workloads; Kubernetes API at ${f.clusterUrl}`),
    row('crashtriage', `the real service, listening on ${f.serviceUrl}`),
    ...(f.prometheusUrl === undefined ? [] : [row('prometheus', `stand-in, memory history of the OOM workloads, at ${f.prometheusUrl}`)]),
    row('diagnoses', destination),
    '',
    "Each workload's alert goes to POST /alerts as Alertmanager would send it (webhook v4,",
    "bearer token). crashtriage reads the pod, its events and the previous container's log",
    'from the API, names the cause and delivers the diagnosis.',
    '',
  ].join('\n')}\n`;
}

/** Fits an 80-column terminal. */
const RULE_WIDTH = 78;

/** The banner before each workload's diagnosis, and what the simulated workload is. */
export function workloadHeading(index: number, total: number, w: DemoWorkload, paint: Paint): string {
  const title = `━━━ ${index + 1}/${total}  ${w.namespace}/${w.pod} `;
  return `${[paint('bold', `${title}${'━'.repeat(Math.max(3, RULE_WIDTH - title.length))}`), paint('dim', `scenario: ${w.description}`), ''].join('\n')}\n`;
}

export function outro(paint: Paint): string {
  return [
    '',
    paint('bold', 'Try it for real'),
    '  Diagnose a crash-looping pod in your current kubectl context:',
    `    ${paint('cyan', 'npx crashtriage diagnose -n NAMESPACE POD')}`,
    '  Run the service for your Alertmanager (README "Wiring Alertmanager"; Slack or email by env vars):',
    `    ${paint('cyan', 'WEBHOOK_TOKEN=$(openssl rand -hex 32) npm start')}`,
    "  Send this demo's diagnoses to Slack instead of the terminal:",
    `    ${paint('cyan', 'SLACK_WEBHOOK_URL=https://hooks.slack.com/services/… npm run demo')}`,
    '',
  ].join('\n');
}
