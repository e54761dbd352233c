// What the NetworkPolicies of the chart and of kustomize let crashtriage reach, evaluated on the
// rendered objects. Always: cluster DNS (53 UDP/TCP in kube-system), the API server (443, 6443) and
// HTTPS 443 out (Slack, Microsoft Teams, PagerDuty, webhooks). Only when asked for, each through a
// policy of its own: SMTP 25/465/587 (the chart's email sink, the component smtp-egress), Prometheus'
// pods on 9090 (prometheus.url, prometheus-egress), Alertmanager's pods on 9093 (alertmanager.url,
// alertmanager-egress). Nothing else.
import { describe, expect, it } from 'vitest';
import { PAGERDUTY_EVENTS_URL } from '../../src/notify/pagerduty-events.ts';
import { SLACK_API_DEFAULT_URL } from '../../src/notify/sinks/slack-call.ts';
import { HELM_MAJORS, helmTemplate } from '../support/helm.ts';
import { kustomize, kustomizeOverlay, type Manifest } from '../support/manifests.ts';
import { type Destination, egressAllowed } from '../support/network-policy.ts';

const pod = { namespace: 'crashtriage', labels: { 'app.kubernetes.io/name': 'crashtriage', 'app.kubernetes.io/instance': 'crashtriage' } };
const portOf = (url: string) => Number(new URL(url).port || (new URL(url).protocol === 'https:' ? 443 : 80));
// Public addresses stand for the hosts (a NetworkPolicy sees addresses, not names).
const ALWAYS: Record<string, Destination> = {
  'cluster DNS over UDP': { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' }, port: 53, protocol: 'UDP' },
  'cluster DNS over TCP': { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' }, port: 53 },
  // The `kubernetes` Service's address and the API server's endpoint behind it (kubeadm's 6443).
  'the API server Service': { ip: '10.96.0.1', port: 443 },
  'the API server endpoint': { ip: '172.18.0.2', port: 6443 },
  'Slack Web API': { ip: '34.226.36.1', port: portOf(SLACK_API_DEFAULT_URL) },
  'Slack incoming webhook': { ip: '34.226.36.2', port: portOf('https://hooks.slack.com/services/T0/B0/x') },
  // The Workflows URL of docs/install.md (its :443 written out, as Teams shows it).
  'Microsoft Teams Workflows': { ip: '20.50.2.1', port: portOf('https://prod-12.westeurope.logic.azure.com:443/workflows/x') },
  'PagerDuty Events API': { ip: '54.244.255.1', port: portOf(PAGERDUTY_EVENTS_URL) },
  'an HTTPS webhook': { ip: '203.0.113.9', port: portOf('https://collector.example.com/crashtriage') },
};
const SMTP: Record<string, Destination> = {
  'SMTP relay (25)': { ip: '198.51.100.7', port: 25 },
  'SMTP implicit TLS (465)': { ip: '198.51.100.7', port: 465 },
  'SMTP submission with STARTTLS (587)': { ip: '198.51.100.7', port: 587 },
};
const prometheusPod: Destination = {
  namespace: 'monitoring',
  podLabels: { 'app.kubernetes.io/name': 'prometheus', prometheus: 'kube-prometheus-stack-prometheus' },
  port: 9090,
};
const alertmanagerPod: Destination = {
  namespace: 'monitoring',
  podLabels: { 'app.kubernetes.io/name': 'alertmanager', alertmanager: 'kube-prometheus-stack-alertmanager' },
  port: 9093,
};
const grafanaPod = (port: number): Destination => ({ namespace: 'monitoring', podLabels: { 'app.kubernetes.io/name': 'grafana' }, port });
// Ports no policy may open: DNS elsewhere, plain HTTP, the API ports of Prometheus and Alertmanager
// anywhere but their pods, the service's own port, an arbitrary one.
const NEVER: Record<string, Destination> = {
  'DNS outside kube-system': { ip: '8.8.8.8', port: 53, protocol: 'UDP' },
  'plain HTTP': { ip: '203.0.113.9', port: 80 },
  '9090 outside the cluster': { ip: '198.51.100.7', port: 9090 },
  '9093 outside the cluster': { ip: '198.51.100.7', port: 9093 },
  "Grafana's pods on 9090": grafanaPod(9090),
  "Grafana's pods on 9093": grafanaPod(9093),
  'port 8080': { ip: '198.51.100.7', port: 8080 },
};

type Opening = 'smtp' | 'prometheus' | 'alertmanager';
const CHART_VALUES: Record<Opening, string> = {
  smtp: 'email.smtpUrl.existingSecret=crashtriage-smtp,email.from=crashtriage@example.com,email.to[0]=oncall@example.com',
  prometheus: 'prometheus.url=http://kube-prometheus-stack-prometheus.monitoring:9090',
  alertmanager: 'alertmanager.url=http://kube-prometheus-stack-alertmanager.monitoring:9093',
};

function withComponents(openings: readonly Opening[]): Manifest[] {
  const { manifests, cleanup } = kustomizeOverlay(
    ['deploy'],
    openings.map((o) => `deploy/components/${o}-egress`),
  );
  cleanup();
  return manifests;
}

const renderings: [string, (openings: readonly Opening[]) => Manifest[]][] = [
  ['kustomize deploy/', (openings) => (openings.length === 0 ? kustomize('deploy/') : withComponents(openings))],
  ...HELM_MAJORS.map((major): [string, (openings: readonly Opening[]) => Manifest[]] => [
    `the chart (Helm ${major})`,
    (openings) => helmTemplate(major, openings.length === 0 ? [] : ['--set', openings.map((o) => CHART_VALUES[o]).join(',')]),
  ]),
];

describe.each(renderings)('%s', (_name, render) => {
  const plain = render([]);
  const everything = render(['smtp', 'prometheus', 'alertmanager']);

  it.each(Object.entries(ALWAYS))('lets the pod out to %s', (_to, to) => {
    expect(plain.some((m) => m.kind === 'NetworkPolicy')).toBe(true);
    expect(egressAllowed(plain, pod, to)).toBe(true);
  });

  it('keeps SMTP closed until email is on, then opens 25, 465 and 587', () => {
    for (const to of Object.values(SMTP)) expect(egressAllowed(plain, pod, to), JSON.stringify(to)).toBe(false);
    const opened = render(['smtp']);
    for (const to of Object.values(SMTP)) expect(egressAllowed(opened, pod, to), JSON.stringify(to)).toBe(true);
    expect(egressAllowed(opened, pod, prometheusPod)).toBe(false);
    expect(egressAllowed(opened, pod, alertmanagerPod)).toBe(false);
  });

  it("keeps Prometheus' API closed until asked, then opens only the Prometheus pods on 9090", () => {
    expect(egressAllowed(plain, pod, prometheusPod)).toBe(false);
    const opened = render(['prometheus']);
    expect(egressAllowed(opened, pod, prometheusPod)).toBe(true);
    expect(egressAllowed(opened, pod, { ...prometheusPod, port: 9091 })).toBe(false);
    expect(egressAllowed(opened, pod, grafanaPod(9090))).toBe(false);
    expect(egressAllowed(opened, pod, alertmanagerPod)).toBe(false);
  });

  it("keeps Alertmanager's API closed until asked, then opens only the Alertmanager pods on 9093", () => {
    expect(egressAllowed(plain, pod, alertmanagerPod)).toBe(false);
    const opened = render(['alertmanager']);
    expect(egressAllowed(opened, pod, alertmanagerPod)).toBe(true);
    expect(egressAllowed(opened, pod, { ...alertmanagerPod, port: 9094 })).toBe(false);
    expect(egressAllowed(opened, pod, grafanaPod(9093))).toBe(false);
    expect(egressAllowed(opened, pod, prometheusPod)).toBe(false);
  });

  it.each(Object.entries(NEVER))('with everything on, still keeps the pod from %s', (_to, to) => {
    expect(egressAllowed(everything, pod, to)).toBe(false);
  });
});

it.each([
  ['prometheus.url', 'prometheus.url=http://prometheus.example.svc:19090', prometheusPod],
  ['alertmanager.url', 'alertmanager.url=http://alertmanager.example.svc:19093', alertmanagerPod],
] as const)("the chart takes the port from %s, defaulting to the scheme's", (_value, set, to) => {
  const opened = helmTemplate(4, ['--set', set]);
  expect(egressAllowed(opened, pod, { ...to, port: Number(set.slice(set.lastIndexOf(':') + 1)) })).toBe(true);
  expect(egressAllowed(opened, pod, to)).toBe(false);
  const plainHttp = helmTemplate(4, ['--set', set.replace(/:\d+$/, '')]);
  expect(egressAllowed(plainHttp, pod, { ...to, port: 80 })).toBe(true);
});

it('the chart opens SMTP for a `type: email` sink of the settings file too, not for a webhook one', () => {
  const email = helmTemplate(4, ['--set', 'config.sinks.oncall-mail.type=email,config.sinks.oncall-mail.smtpUrl=smtps://mail.example.com:465']);
  expect(egressAllowed(email, pod, SMTP['SMTP implicit TLS (465)'] as Destination)).toBe(true);
  const webhook = helmTemplate(4, ['--set', 'config.sinks.archive.type=webhook,config.sinks.archive.url=https://collector.example.com/x']);
  expect(egressAllowed(webhook, pod, SMTP['SMTP implicit TLS (465)'] as Destination)).toBe(false);
});
