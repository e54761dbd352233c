// What the NetworkPolicies of the chart and of kustomize let crashtriage reach, evaluated on the
// rendered objects: each sink's service outside the cluster (Slack, Microsoft Teams, PagerDuty on
// 443, SMTP on 465/587), and Alertmanager's API (Slack actions' silences) only when it is asked for:
// the chart with alertmanager.url, kustomize with the component deploy/components/alertmanager-egress.
import { describe, expect, it } from 'vitest';
import { PAGERDUTY_EVENTS_URL } from '../../src/notify/pagerduty-events.ts';
import { SLACK_API_DEFAULT_URL } from '../../src/notify/sinks/slack-api.ts';
import { HELM_MAJORS, helmTemplate } from '../support/helm.ts';
import { kustomize, kustomizeOverlay, type Manifest } from '../support/manifests.ts';
import { type Destination, egressAllowed } from '../support/network-policy.ts';

const pod = { namespace: 'crashtriage', labels: { 'app.kubernetes.io/name': 'crashtriage', 'app.kubernetes.io/instance': 'crashtriage' } };
const portOf = (url: string) => Number(new URL(url).port || (new URL(url).protocol === 'https:' ? 443 : 80));
// Public addresses stand for the hosts (a NetworkPolicy sees addresses, not names).
const OUTSIDE: Record<string, Destination> = {
  'Slack Web API': { ip: '34.226.36.1', port: portOf(SLACK_API_DEFAULT_URL) },
  'Slack incoming webhook': { ip: '34.226.36.2', port: portOf('https://hooks.slack.com/services/T0/B0/x') },
  // The Workflows URL of docs/install.md (its :443 written out, as Teams shows it).
  'Microsoft Teams Workflows': { ip: '20.50.2.1', port: portOf('https://prod-12.westeurope.logic.azure.com:443/workflows/x') },
  'PagerDuty Events API': { ip: '54.244.255.1', port: portOf(PAGERDUTY_EVENTS_URL) },
  'SMTP submission (STARTTLS)': { ip: '198.51.100.7', port: 587 },
  'SMTP implicit TLS': { ip: '198.51.100.7', port: 465 },
};
const alertmanagerPod: Destination = {
  namespace: 'monitoring',
  podLabels: { 'app.kubernetes.io/name': 'alertmanager', alertmanager: 'kube-prometheus-stack-alertmanager' },
  port: 9093,
};
const grafanaPod: Destination = { namespace: 'monitoring', podLabels: { 'app.kubernetes.io/name': 'grafana' }, port: 9093 };
const ALERTMANAGER_URL = 'alertmanager.url=http://kube-prometheus-stack-alertmanager.monitoring:9093';

function withComponent(): Manifest[] {
  const { manifests, cleanup } = kustomizeOverlay(['deploy'], ['deploy/components/alertmanager-egress']);
  cleanup();
  return manifests;
}

const renderings: [string, () => Manifest[], () => Manifest[]][] = [
  ['kustomize deploy/', () => kustomize('deploy/'), withComponent],
  ...HELM_MAJORS.map((major): [string, () => Manifest[], () => Manifest[]] => [
    `the chart (Helm ${major})`,
    () => helmTemplate(major),
    () => helmTemplate(major, ['--set', ALERTMANAGER_URL]),
  ]),
];

describe.each(renderings)('%s', (_name, plain, withAlertmanager) => {
  it.each(Object.entries(OUTSIDE))('lets the pod out to %s', (_sink, to) => {
    const manifests = plain();
    expect(manifests.some((m) => m.kind === 'NetworkPolicy')).toBe(true);
    expect(egressAllowed(manifests, pod, to)).toBe(true);
  });

  it("keeps it from Alertmanager's API until asked, then lets it reach only the Alertmanager pods on 9093", () => {
    expect(egressAllowed(plain(), pod, alertmanagerPod)).toBe(false);
    const opened = withAlertmanager();
    expect(egressAllowed(opened, pod, alertmanagerPod)).toBe(true);
    expect(egressAllowed(opened, pod, grafanaPod)).toBe(false);
    expect(egressAllowed(opened, pod, { ...alertmanagerPod, port: 9094 })).toBe(false);
    expect(egressAllowed(opened, pod, { ip: '198.51.100.7', port: 9093 })).toBe(false);
  });

  it('lets nothing else out: no port 25, no arbitrary port', () => {
    const manifests = withAlertmanager();
    expect(egressAllowed(manifests, pod, { ip: '198.51.100.7', port: 25 })).toBe(false);
    expect(egressAllowed(manifests, pod, { ip: '198.51.100.7', port: 8080 })).toBe(false);
  });
});

it("the chart takes Alertmanager's port from alertmanager.url", () => {
  const opened = helmTemplate(4, ['--set', 'alertmanager.url=http://alertmanager.example.svc:19093']);
  expect(egressAllowed(opened, pod, { ...alertmanagerPod, port: 19093 })).toBe(true);
  expect(egressAllowed(opened, pod, alertmanagerPod)).toBe(false);
});
