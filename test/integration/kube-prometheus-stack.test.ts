// The kube-prometheus-stack path (overlays/kube-prometheus-stack/) against the chart's defaults:
// rendered with `kubectl kustomize`, checked against the operator's schemas, selected by the
// Prometheus and Alertmanager the chart renders (test/fixtures/kube-prometheus-stack/), and routed
// by amtool through the configuration the operator would generate from it.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IAlertmanager } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/Alertmanager';
import type { IPrometheus } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/Prometheus';
import type { IAlertmanagerConfig } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1alpha1/AlertmanagerConfig';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { type LabelSelector, selects } from '../../src/doctor/label-selector.ts';
import { kustomize, kustomizeOverlay, type Manifest, only, readManifests, validateManifest } from '../support/manifests.ts';
import { type MatcherStrategy, mergeAlertmanagerConfig } from '../support/operator-merge.ts';
import { findTool, runTool } from '../support/promtool.ts';

const OVERLAY = 'overlays/kube-prometheus-stack';
const chart = readManifests('test/fixtures/kube-prometheus-stack/chart-defaults.yaml');
const prometheus = only<IPrometheus>(chart, 'Prometheus');
const alertmanager = only<IAlertmanager>(chart, 'Alertmanager');
const chartConfig = parse(readFileSync('test/fixtures/kube-prometheus-stack/alertmanager.yaml', 'utf8'));
const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

let rendered: Manifest[] | undefined;
const overlay = (): Manifest[] => (rendered ??= kustomize(OVERLAY));
const ofKind = (kind: string, objects = overlay()) => objects.filter((m) => m.kind === kind);
const amc = (objects = overlay()) => only<IAlertmanagerConfig>(objects, 'AlertmanagerConfig');
const labelsOf = (m: Manifest) => m.metadata.labels ?? {};

/** An overlay of its own beside ours (so that its ../../deploy paths resolve) with other parameters. */
function renderWithParams(params: { release: string; namespace: string }): Manifest[] {
  const dir = join('overlays', `.test-${process.pid}-${params.release}`);
  mkdirSync(dir, { recursive: true });
  tempDirs.push(dir);
  for (const file of ['kustomization.yaml', 'helm-values.yaml']) writeFileSync(join(dir, file), readFileSync(join(OVERLAY, file)));
  const doc = parse(readFileSync(join(OVERLAY, 'params.yaml'), 'utf8'));
  doc.data = params;
  writeFileSync(join(dir, 'params.yaml'), stringify(doc));
  return kustomize(dir);
}

/** Our overlay with components added, rendered from an overlay outside the repository. */
function renderWithComponents(...components: string[]): Manifest[] {
  const { manifests, cleanup } = kustomizeOverlay(
    [OVERLAY],
    components.map((c) => `deploy/components/${c}`),
  );
  cleanup();
  return manifests;
}

describe('the overlay, rendered', () => {
  it('holds the base, the operator objects and the dashboard, and neither its parameters nor a Secret', () => {
    expect(overlay().map((m) => `${m.kind}/${m.metadata.name}`)).toEqual(
      expect.arrayContaining([
        'Deployment/crashtriage',
        'NetworkPolicy/crashtriage',
        'PrometheusRule/crashtriage-crashloop',
        'PrometheusRule/crashtriage-receiver',
        'ServiceMonitor/crashtriage',
        'AlertmanagerConfig/crashtriage',
        'ConfigMap/crashtriage-grafana-dashboard',
      ]),
    );
    expect(ofKind('ConfigMap').map((m) => m.metadata.name)).toEqual(['crashtriage-grafana-dashboard']);
    expect(ofKind('Secret')).toEqual([]);
  });

  it('every object is valid against the Kubernetes and prometheus-operator schemas', () => {
    for (const m of overlay()) validateManifest(m);
  });

  it('the chart Prometheus selects both PrometheusRules and the ServiceMonitor', () => {
    const rules = ofKind('PrometheusRule');
    expect(rules).toHaveLength(2);
    for (const rule of rules) expect(selects(prometheus.spec?.ruleSelector as LabelSelector, labelsOf(rule)), rule.metadata.name).toBe(true);
    expect(prometheus.spec?.ruleNamespaceSelector).toEqual({}); // every namespace
    const monitor = only(overlay(), 'ServiceMonitor');
    expect(selects(prometheus.spec?.serviceMonitorSelector as LabelSelector, labelsOf(monitor))).toBe(true);
    expect(prometheus.spec?.serviceMonitorNamespaceSelector).toEqual({});
  });

  it('without the overlay (deploy/monitoring/ alone), the chart Prometheus selects none of them', () => {
    const plain = kustomize('deploy/monitoring');
    for (const m of [...ofKind('PrometheusRule', plain), ...ofKind('ServiceMonitor', plain)]) {
      expect(selects(prometheus.spec?.ruleSelector as LabelSelector, labelsOf(m))).toBe(false);
    }
  });

  it("the AlertmanagerConfig is selected by the chart Alertmanager and lives in Alertmanager's namespace", () => {
    expect(selects(alertmanager.spec?.alertmanagerConfigSelector as LabelSelector, labelsOf(amc() as unknown as Manifest))).toBe(true);
    expect(amc().metadata?.namespace).toBe(alertmanager.metadata?.namespace);
  });

  it("the NetworkPolicy admits the release namespace, and the dashboard goes where the chart's Grafana looks", () => {
    const policy = only<INetworkPolicy>(overlay(), 'NetworkPolicy');
    expect(policy.spec?.ingress?.[0]?.from).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }]);
    const dashboard = only(overlay(), 'ConfigMap');
    expect(dashboard.metadata.namespace).toBe('monitoring');
    expect(dashboard.metadata.labels?.['grafana_dashboard']).toBe('1');
  });

  it('other parameters move the label, the AlertmanagerConfig, the NetworkPolicy and the dashboard together', () => {
    const other = renderWithParams({ release: 'prom', namespace: 'observability' });
    for (const m of other.filter((o) => o.apiVersion.startsWith('monitoring.coreos.com/'))) expect(labelsOf(m)['release'], m.kind).toBe('prom');
    expect(amc(other).metadata?.namespace).toBe('observability');
    expect(only(other, 'ConfigMap').metadata.namespace).toBe('observability');
    expect(only<INetworkPolicy>(other, 'NetworkPolicy').spec?.ingress?.[0]?.from?.[0]?.namespaceSelector?.matchLabels).toEqual({
      'kubernetes.io/metadata.name': 'observability',
    });
    // Everything else stays in crashtriage's namespace.
    expect(only(other, 'Deployment').metadata.namespace).toBe('crashtriage');
  });

  it("helm-values.yaml sets a matcher strategy the operator's schema knows; a misspelt one is refused", () => {
    const values = parse(readFileSync(join(OVERLAY, 'helm-values.yaml'), 'utf8'));
    const strategy = values.alertmanager.alertmanagerSpec.alertmanagerConfigMatcherStrategy;
    expect(strategy).toEqual({ type: 'OnNamespaceExceptForAlertmanagerNamespace' });
    const withStrategy = (type: string) =>
      ({ ...alertmanager, spec: { ...alertmanager.spec, alertmanagerConfigMatcherStrategy: { type } } }) as unknown as Manifest;
    validateManifest(withStrategy(strategy.type));
    validateManifest(withStrategy('None'));
    expect(() => validateManifest(withStrategy('OnOtherNamespaces'))).toThrow(/must be equal to one of the allowed values/);
  });
});

describe('components', () => {
  type Rule = { alert?: string; labels?: { severity?: string } };
  const crashLoopAlerts = (objects: Manifest[]): Rule[] =>
    (objects.find((m) => m.metadata.name === 'crashtriage-crashloop') as unknown as { spec: { groups: Array<{ rules: Rule[] }> } }).spec.groups
      .flatMap((g) => g.rules)
      .filter((r) => r.alert !== undefined);
  const severity = (objects: Manifest[], alert: string) => crashLoopAlerts(objects).find((r) => r.alert === alert)?.labels?.severity;

  it('shipped, every crash-loop alert is a warning, as the stock KubePodCrashLooping is', () => {
    expect(new Set(crashLoopAlerts(overlay()).map((r) => r.labels?.severity))).toEqual(new Set(['warning']));
  });

  it('page-on-fast-loops makes RestartingFast, and only it, critical', () => {
    const paged = renderWithComponents('page-on-fast-loops');
    expect(severity(paged, 'CrashtriageContainerRestartingFast')).toBe('critical');
    expect(severity(paged, 'CrashtriageContainerCrashLooping')).toBe('warning');
  });

  it('inhibit-stock-alerts adds the one inhibit rule; without it there is none', () => {
    expect(amc().spec?.inhibitRules).toBeUndefined();
    const inhibiting = amc(renderWithComponents('inhibit-stock-alerts'));
    expect(inhibiting.spec?.inhibitRules).toHaveLength(1);
    expect(inhibiting.spec?.inhibitRules?.[0]?.equal).toEqual(['cluster', 'namespace', 'pod', 'container']);
  });
});

// ---- routing, through the configuration the operator generates ----

const AMTOOL_MISSING = "amtool not found on PATH: install Debian's `prometheus-alertmanager` package (apt-get install -y prometheus-alertmanager).";

function amtool(): string {
  const path = findTool('amtool');
  if (path === undefined) throw new Error(AMTOOL_MISSING);
  return path;
}

/** The chart's default config with the docs' catch-all: the user's own receiver last among the routes. */
function userConfig() {
  const config = structuredClone(chartConfig);
  config.route.receiver = 'default';
  config.route.routes.push({ receiver: 'default' });
  config.receivers.push({ name: 'default' });
  return config;
}

function writeConfig(config: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'crashtriage-am-'));
  tempDirs.push(dir);
  const file = join(dir, 'alertmanager.yml');
  writeFileSync(file, stringify(config));
  const check = runTool(amtool(), ['check-config', file], dir);
  if (check.status !== 0) throw new Error(`amtool check-config: ${check.output}`);
  return file;
}

function routesFor(file: string, ...labels: string[]): string {
  const run = runTool(amtool(), ['config', 'routes', 'test', `--config.file=${file}`, ...labels], process.cwd());
  if (run.status !== 0) throw new Error(run.output);
  return run.stdout.trim();
}

const merged = (strategy: MatcherStrategy, base = userConfig(), object = amc()) =>
  writeConfig(mergeAlertmanagerConfig(base, object, { strategy, alertmanagerNamespace: alertmanager.metadata?.namespace ?? 'monitoring' }));

const STOCK_LOOP = ['alertname=KubePodCrashLooping', 'namespace=payments', 'pod=payment-svc-7b9f6d-xk2p', 'container=payment-svc', 'severity=warning'];
const CRASHTRIAGE = 'monitoring/crashtriage/crashtriage';

describe('amtool, on the configuration the operator generates', () => {
  it('OnNamespaceExceptForAlertmanagerNamespace: a stock KubePodCrashLooping from another namespace reaches crashtriage AND your default receiver', () => {
    expect(routesFor(merged('OnNamespaceExceptForAlertmanagerNamespace'), ...STOCK_LOOP)).toBe(`${CRASHTRIAGE},default`);
  });

  it('None: the same', () => {
    expect(routesFor(merged('None'), ...STOCK_LOOP)).toBe(`${CRASHTRIAGE},default`);
  });

  it('OnNamespace (the operator default): it never reaches crashtriage, only namespace=monitoring would', () => {
    const file = merged('OnNamespace');
    expect(routesFor(file, ...STOCK_LOOP)).toBe('default');
    expect(routesFor(file, 'alertname=KubePodCrashLooping', 'namespace=monitoring')).toBe(`${CRASHTRIAGE},default`);
  });

  it("without the catch-all, the chart's config hands the stock alert to crashtriage alone (why the docs add it)", () => {
    const base = structuredClone(chartConfig);
    expect(routesFor(merged('OnNamespaceExceptForAlertmanagerNamespace', base), ...STOCK_LOOP)).toBe(CRASHTRIAGE);
  });

  it("crashtriage's alerts about itself go to you, never to crashtriage; Watchdog still goes to null", () => {
    const file = merged('OnNamespaceExceptForAlertmanagerNamespace');
    for (const name of ['CrashtriageDeliveryRefused', 'CrashtriageWebhookUnauthorized', 'CrashtriageDown']) {
      expect(routesFor(file, `alertname=${name}`, 'namespace=crashtriage')).toBe('default');
    }
    expect(routesFor(file, 'alertname=Watchdog')).toBe('null');
  });

  it('with inhibit-stock-alerts, the generated configuration still passes amtool check-config', () => {
    const inhibiting = amc(renderWithComponents('inhibit-stock-alerts'));
    const file = merged('OnNamespaceExceptForAlertmanagerNamespace', userConfig(), inhibiting);
    const config = parse(readFileSync(file, 'utf8'));
    expect(config.inhibit_rules.at(-1).source_matchers).toEqual(['alertname=~"Crashtriage(Container.+|ImagePullBackOff|InvalidImageName)"']);
  });
});
