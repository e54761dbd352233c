/**
 * `crashtriage doctor` against the fake Kubernetes API over TLS, serving the monitoring.coreos.com
 * objects at their REST paths. The right setup is what the repository ships: the rendered
 * kube-prometheus-stack overlay, next to the Prometheus and Alertmanager the chart renders
 * (test/fixtures/kube-prometheus-stack/) with the matcher strategy of the overlay's helm-values.yaml.
 * Each broken setup changes one thing, the way real clusters drop crashtriage's alerts.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Terminal } from '../../../src/cli/diagnose-command.ts';
import { doctorCommand } from '../../../src/cli/doctor-command.ts';
import type { Finding } from '../../../src/doctor/finding.ts';
import { type FakeKubeApi, startFakeKubeApi } from '../../support/fake-kube-api.ts';
import { MONITORING_RESOURCES } from '../../support/kube-fixtures-objects.ts';
import { kustomize, type Manifest, readManifests } from '../../support/manifests.ts';

type Obj = Manifest & { spec?: Record<string, unknown>; status?: Record<string, unknown> };

const helmValues = parse(readFileSync('overlays/kube-prometheus-stack/helm-values.yaml', 'utf8'));
const overlay = kustomize('overlays/kube-prometheus-stack') as Obj[];
const plainMonitoring = kustomize('deploy/monitoring') as Obj[];
const chart = readManifests('test/fixtures/kube-prometheus-stack/chart-defaults.yaml') as Obj[];

/** What `helm install` and the overlay leave in a cluster, with the Deployment's pod ready. */
function rightSetup(): Obj[] {
  const objects = structuredClone([...overlay, ...chart]);
  const alertmanager = objects.find((o) => o.kind === 'Alertmanager') as Obj;
  alertmanager.metadata.labels = { ...alertmanager.metadata.labels, 'app.kubernetes.io/managed-by': 'Helm' };
  alertmanager.spec = { ...alertmanager.spec, ...helmValues.alertmanager.alertmanagerSpec };
  const deployment = objects.find((o) => o.kind === 'Deployment') as Obj;
  deployment.status = { replicas: 1, readyReplicas: 1 };
  objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'monitoring', labels: { 'kubernetes.io/metadata.name': 'monitoring' } } });
  // The Namespace object of the overlay gets the label every namespace carries.
  const ns = objects.find((o) => o.kind === 'Namespace' && o.metadata.name === 'crashtriage') as Obj;
  ns.metadata.labels = { ...ns.metadata.labels, 'kubernetes.io/metadata.name': 'crashtriage' };
  return objects;
}

const find = (objects: Obj[], kind: string, name?: string) => objects.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name)) as Obj;

const apis: FakeKubeApi[] = [];
afterEach(async () => {
  for (const api of apis.splice(0)) await api.close();
});

function terminal(): Terminal & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s), isTTY: false },
    stderr: { write: (s: string) => (err += s), isTTY: false },
    env: {},
    out: () => out,
    err: () => err,
  };
}

async function doctor(objects: Obj[], options: { forbidden?: string[]; customResources?: string[]; args?: string[] } = {}) {
  const api = await startFakeKubeApi({
    objects,
    customResources: options.customResources ?? MONITORING_RESOURCES,
    ...(options.forbidden !== undefined ? { forbidden: options.forbidden } : {}),
  });
  apis.push(api);
  const json = terminal();
  const code = await doctorCommand(['--kubeconfig', api.kubeconfigPath, '-o', 'json', ...(options.args ?? [])], json);
  const text = terminal();
  await doctorCommand(['--kubeconfig', api.kubeconfigPath, ...(options.args ?? [])], text);
  const findings = (JSON.parse(json.out()) as { findings: Finding[] }).findings;
  return { code, findings, text: text.out(), api, drops: findings.filter((f) => f.verdict === 'drops') };
}

describe('crashtriage doctor', () => {
  it('passes the shipped overlay on the chart defaults with the helm-values strategy: exit 0, nothing drops', async () => {
    const { code, findings, text } = await doctor(rightSetup());
    expect(findings.filter((f) => f.verdict === 'drops' || f.verdict === 'unknown')).toEqual([]);
    expect(code).toBe(0);
    const ok = findings.filter((f) => f.verdict === 'ok').map((f) => f.subject);
    expect(ok).toEqual(
      expect.arrayContaining([
        'Deployment crashtriage/crashtriage',
        'PrometheusRule crashtriage/crashtriage-crashloop',
        'PrometheusRule crashtriage/crashtriage-receiver',
        'ServiceMonitor crashtriage/crashtriage',
        'Alertmanager monitoring/kube-prometheus-stack-alertmanager',
      ]),
    );
    expect(text).toContain('Nothing found that drops alerts.');
  });

  it('reads only, and never asks for a Secret: it names them and says how to compare them', async () => {
    const { api, findings } = await doctor(rightSetup());
    expect(api.requests.length).toBeGreaterThan(5);
    expect(api.requests.every((r) => r.method === 'GET')).toBe(true);
    expect(api.requests.some((r) => /secret/i.test(r.path))).toBe(false);
    const token = findings.find((f) => f.subject === 'webhook token');
    expect(token?.verdict).toBe('check');
    expect(token?.says).toContain('monitoring/crashtriage-webhook-token');
    expect(token?.fix.join('\n')).toContain('&& echo same || echo DIFFERENT');
    expect(findings.find((f) => f.subject.startsWith('Secrets of'))?.says).toContain('crashtriage-notify');
  });

  it('the operator default matcher strategy (OnNamespace) drops alerts from other namespaces; the fix is the Helm value', async () => {
    const objects = rightSetup();
    delete find(objects, 'Alertmanager').spec?.['alertmanagerConfigMatcherStrategy'];
    const { code, drops, text } = await doctor(objects);
    expect(code).toBe(1);
    expect(drops).toHaveLength(1);
    expect(drops[0]?.says).toContain('only alerts about pods in monitoring reach it');
    expect(drops[0]?.fix[0]).toBe(
      'helm upgrade kube-prometheus-stack prometheus-community/kube-prometheus-stack -n monitoring --reuse-values -f overlays/kube-prometheus-stack/helm-values.yaml',
    );
    expect(text).toMatch(/Drops alerts:\n {2}✗ Alertmanager monitoring\/kube-prometheus-stack-alertmanager\n/);
    expect(text).toContain('1 setting drops alerts');
  });

  it("rules and ServiceMonitor without the chart's release label are loaded by no Prometheus; the fix labels them", async () => {
    const objects = rightSetup().filter((o) => !['PrometheusRule', 'ServiceMonitor'].includes(o.kind));
    objects.push(...structuredClone(plainMonitoring.filter((o) => ['PrometheusRule', 'ServiceMonitor'].includes(o.kind))));
    const { code, drops, findings } = await doctor(objects);
    expect(code).toBe(1);
    expect(drops.map((f) => f.subject).sort()).toEqual(['PrometheusRule crashtriage/crashtriage-crashloop', 'PrometheusRule crashtriage/crashtriage-receiver']);
    expect(drops[0]?.says).toContain('its ruleSelector wants release=kube-prometheus-stack');
    expect(drops.map((f) => f.fix[0])).toContain('kubectl -n crashtriage label prometheusrule crashtriage-crashloop release=kube-prometheus-stack');
    // Not scraping crashtriage does not lose crash-loop alerts, but its own alerts go dark.
    expect(findings.find((f) => f.subject === 'ServiceMonitor crashtriage/crashtriage')?.verdict).toBe('warns');
  });

  it("with OnNamespaceExceptForAlertmanagerNamespace, an AlertmanagerConfig outside Alertmanager's namespace is still scoped: the fix moves it", async () => {
    const objects = rightSetup();
    find(objects, 'AlertmanagerConfig').metadata.namespace = 'crashtriage';
    const { drops } = await doctor(objects);
    expect(drops).toHaveLength(1);
    expect(drops[0]?.says).toContain('namespace="crashtriage"');
    expect(drops[0]?.fix[0]).toContain('set namespace: monitoring in overlays/kube-prometheus-stack/params.yaml');
  });

  it('an Alertmanager whose alertmanagerConfigSelector wants other labels never sees the AlertmanagerConfig', async () => {
    const objects = rightSetup();
    const am = find(objects, 'Alertmanager');
    am.spec = { ...am.spec, alertmanagerConfigSelector: { matchLabels: { alertmanagerConfig: 'team' } } };
    const { drops } = await doctor(objects);
    expect(drops.map((f) => f.subject)).toEqual(['AlertmanagerConfig monitoring/crashtriage']);
    expect(drops[0]?.says).toContain('its alertmanagerConfigSelector wants alertmanagerConfig=team');
    expect(drops[0]?.fix).toEqual(['kubectl -n monitoring label alertmanagerconfig crashtriage alertmanagerConfig=team']);
  });

  it("a missing namespace selector means the owner's namespace only; a namespace selector the namespace does not match is named", async () => {
    const objects = rightSetup();
    const prometheus = find(objects, 'Prometheus');
    prometheus.spec = { ...prometheus.spec, ruleNamespaceSelector: { matchLabels: { monitoring: 'enabled' } } };
    delete prometheus.spec['serviceMonitorNamespaceSelector'];
    const { drops, findings } = await doctor(objects);
    expect(drops[0]?.fix).toEqual(['kubectl label namespace crashtriage monitoring=enabled']);
    expect(findings.find((f) => f.subject === 'ServiceMonitor crashtriage/crashtriage')?.says).toContain('which means its own namespace monitoring only');
  });

  it("enforcedNamespaceLabel rewrites the alerts' namespace: drops, unless the rule is excluded", async () => {
    const objects = rightSetup();
    const prometheus = find(objects, 'Prometheus');
    prometheus.spec = { ...prometheus.spec, enforcedNamespaceLabel: 'namespace' };
    const { drops } = await doctor(objects);
    expect(drops.map((f) => f.subject)).toEqual(['PrometheusRule crashtriage/crashtriage-crashloop', 'PrometheusRule crashtriage/crashtriage-receiver']);
    expect(drops[0]?.fix[0]).toContain('excludedFromEnforcement');
    prometheus.spec['excludedFromEnforcement'] = [
      { group: 'monitoring.coreos.com', resource: 'prometheusrules', namespace: 'crashtriage', name: 'crashtriage-crashloop' },
      { group: 'monitoring.coreos.com', resource: 'prometheusrules', namespace: 'crashtriage', name: 'crashtriage-receiver' },
    ];
    expect((await doctor(objects)).drops).toEqual([]);
  });

  it('no ready pod, no Service, a webhook URL on the wrong port: each drops alerts', async () => {
    const objects = rightSetup().filter((o) => o.kind !== 'Service');
    find(objects, 'Deployment').status = { replicas: 1, readyReplicas: 0 };
    const noService = await doctor(objects);
    expect(noService.drops.map((f) => f.subject)).toEqual(['Deployment crashtriage/crashtriage', 'Service crashtriage/crashtriage']);

    const wrongPort = rightSetup();
    const hook = (find(wrongPort, 'AlertmanagerConfig').spec as { receivers: Array<{ webhookConfigs: Array<{ url: string }> }> }).receivers[0]
      ?.webhookConfigs[0];
    if (hook !== undefined) hook.url = 'http://crashtriage.crashtriage.svc:9093/alerts';
    const { drops } = await doctor(wrongPort);
    expect(drops).toHaveLength(1);
    expect(drops[0]?.says).toContain('crashtriage listens at http://crashtriage.crashtriage.svc:8080/alerts');
  });

  it('crashtriage not installed in the namespace asked about: drops, and says so', async () => {
    const { drops, code } = await doctor(rightSetup(), { args: ['-n', 'tools'] });
    expect(code).toBe(1);
    expect(drops[0]?.says).toContain('crashtriage is not installed in namespace tools');
  });

  it('missing permissions are reported, not fatal: the rest is still checked', async () => {
    const objects = rightSetup();
    delete find(objects, 'Alertmanager').spec?.['alertmanagerConfigMatcherStrategy'];
    const { code, findings } = await doctor(objects, { forbidden: ['alertmanagers', 'prometheuses'] });
    const unknown = findings.filter((f) => f.verdict === 'unknown');
    expect(unknown.map((f) => f.subject).sort()).toEqual(['Alertmanager objects', 'Prometheus objects', 'Prometheus objects']);
    expect(unknown[0]?.says).toMatch(
      /is forbidden: User ".*" cannot list resource "(alertmanagers|prometheuses)" in API group "monitoring.coreos.com" at the cluster scope/,
    );
    expect(unknown[0]?.fix[0]).toMatch(/^kubectl auth can-i list (alertmanagers|prometheuses)\.monitoring\.coreos\.com -A$/);
    expect(findings.find((f) => f.subject === 'Deployment crashtriage/crashtriage')?.verdict).toBe('ok');
    expect(code).toBe(0);
  });

  it('without prometheus-operator: one finding pointing at the hand-written route, exit 0', async () => {
    const objects = rightSetup().filter((o) => !o.apiVersion.startsWith('monitoring.coreos.com/'));
    const { code, findings } = await doctor(objects, { customResources: [] });
    expect(code).toBe(0);
    expect(findings.find((f) => f.subject === 'prometheus-operator')?.says).toContain('no prometheus-operator here');
  });

  it('usage errors and a missing kubeconfig exit 2', async () => {
    const term = terminal();
    expect(await doctorCommand(['--output', 'yaml'], term)).toBe(2);
    expect(await doctorCommand(['--kubeconfig', '/nonexistent/kubeconfig'], term)).toBe(2);
    expect(term.err()).toContain('cannot load the kubeconfig /nonexistent/kubeconfig');
    expect(await doctorCommand(['extra'], term)).toBe(2);
  });
});
