// charts/crashtriage through the real Helm 3 and Helm 4 (scripts/kube-tools.sh): lint, every rendered
// object valid against the Kubernetes and prometheus-operator schemas, the same least-privilege,
// restricted-pod and routing properties as the kustomize manifests, a schema that refuses bad values
// with a clear message, and no drift from kustomize: the chart's defaults render what
// overlays/kube-prometheus-stack/ renders, and each kustomize component matches its chart value.

import { readFileSync } from 'node:fs';
import type { IPrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import type { IAlertmanagerConfig } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1alpha1/AlertmanagerConfig';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import type { IRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { ISecret } from 'kubernetes-models/v1/Secret';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config/config.ts';
import { CHART, differences, HELM_MAJORS, helm, helmTemplate } from '../support/helm.ts';
import { helmPath, toolMissing } from '../support/kube-tools.ts';
import { kustomize, kustomizeOverlay, type Manifest, only, readManifests, validateManifest } from '../support/manifests.ts';
import { egressAllowed } from '../support/network-policy.ts';

const EVERY_OPTION = 'test/fixtures/helm/every-option.yaml';
const withoutSecrets = (list: readonly Manifest[]) => list.filter((m) => m.kind !== 'Secret');
// kustomize's base creates the namespace (with the restricted Pod Security label); a Helm release
// lives in a namespace made before it (`--create-namespace` or kubectl, README).
const withoutNamespace = (list: readonly Manifest[]) => list.filter((m) => m.kind !== 'Namespace');
const container = (list: readonly Manifest[]) => {
  const c = only<IDeployment>(list, 'Deployment').spec?.template.spec?.containers[0];
  if (c === undefined) throw new Error('Deployment has no container');
  return c;
};
const envOf = (list: readonly Manifest[]) => Object.fromEntries((container(list).env ?? []).map((e) => [e.name, e.value ?? e.valueFrom]));

it.each(HELM_MAJORS)('Helm %i is installed (scripts/kube-tools.sh)', (major) => {
  expect(helmPath(major), toolMissing(`helm ${major}`)).toBeTypeOf('string');
});

describe.each(HELM_MAJORS)('Helm %i', (major) => {
  it.each([
    ['defaults', []],
    ['every option', ['--values', EVERY_OPTION]],
  ] as const)('helm lint --strict passes with %s', (_name, args) => {
    const run = helm(major, ['lint', '--strict', CHART, ...args]);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('0 chart(s) failed');
    expect(run.stdout).not.toMatch(/\[(WARNING|ERROR)\]/);
  });

  it.each([
    ['defaults', []],
    ['every option', ['--values', EVERY_OPTION]],
    [
      'one replica in memory, no operator objects, no NetworkPolicy',
      [
        '--set',
        'replicaCount=1,stateStore=memory,serviceMonitor.enabled=false,prometheusRules.enabled=false,alertmanagerConfig.enabled=false,grafanaDashboard.enabled=false,networkPolicy.enabled=false',
      ],
    ],
  ] as const)('with %s, every rendered object is valid against its schema', (_name, args) => {
    const manifests = helmTemplate(major, args);
    expect(manifests.length).toBeGreaterThan(5);
    for (const m of manifests) validateManifest(m);
  });

  it('the defaults render what overlays/kube-prometheus-stack/ renders (no drift), plus the token Secret in both namespaces', () => {
    const chart = helmTemplate(major);
    expect(differences(withoutSecrets(chart), withoutNamespace(kustomize('overlays/kube-prometheus-stack/')))).toEqual([]);
    const secrets = chart.filter((m) => m.kind === 'Secret') as ISecret[];
    expect(secrets.map((s) => `${s.metadata?.namespace}/${s.metadata?.name}`).sort()).toEqual([
      'crashtriage/crashtriage-webhook-token',
      'monitoring/crashtriage-webhook-token',
    ]);
    const tokens = secrets.map((s) => Buffer.from(s.data?.['token'] ?? '', 'base64').toString());
    expect(tokens[0]).toMatch(/^[A-Za-z0-9]{48}$/);
    expect(tokens[1]).toBe(tokens[0]);
  });

  it.each([
    ['config-file', ['--set', 'existingConfigMap=crashtriage-config']],
    ['smtp-password-file', ['--set', 'email.passwordSecret.existingSecret=crashtriage-smtp-password']],
    ['inhibit-stock-alerts', ['--set', 'alertmanagerConfig.inhibitStockAlerts=true']],
    ['page-on-fast-loops', ['--set', 'prometheusRules.pageOnFastLoops=true']],
  ] as const)('the kustomize component %s renders what its chart value renders', (component, args) => {
    const { manifests, cleanup } = kustomizeOverlay(['overlays/kube-prometheus-stack'], [`deploy/components/${component}`]);
    cleanup();
    expect(differences(withoutSecrets(helmTemplate(major, args)), withoutNamespace(manifests))).toEqual([]);
  });

  it.each([
    ['alertmanager-egress', 'alertmanager.url=http://kube-prometheus-stack-alertmanager.monitoring:9093', ['ALERTMANAGER_URL']],
    ['prometheus-egress', 'prometheus.url=http://kube-prometheus-stack-prometheus.monitoring:9090', ['PROMETHEUS_URL']],
    [
      'smtp-egress',
      'email.smtpUrl.existingSecret=crashtriage-smtp,email.from=crashtriage@example.com,email.to[0]=oncall@example.com',
      ['SMTP_URL', 'EMAIL_FROM', 'EMAIL_TO'],
    ],
  ] as const)('the kustomize component %s renders the NetworkPolicy its chart value renders', (component, set, variables) => {
    const { manifests, cleanup } = kustomizeOverlay(['overlays/kube-prometheus-stack'], [`deploy/components/${component}`]);
    cleanup();
    const chart = helmTemplate(major, ['--set', set]);
    const policies = (list: readonly Manifest[]) => list.filter((m) => m.kind === 'NetworkPolicy');
    expect(policies(manifests)).toHaveLength(2);
    expect(differences(policies(chart), policies(manifests))).toEqual([]);
    // Everything else is the same too, but for the settings: kustomize takes them from the Secret
    // crashtriage-notify, the chart from its values (appended to the container's env).
    const found = differences(withoutSecrets(chart), withoutNamespace(manifests));
    expect(found).toHaveLength(variables.length);
    for (const [i, variable] of variables.entries()) {
      expect(found[i]).toMatch(/^Deployment crashtriage\/crashtriage\.spec\.template\.spec\.containers\.0\.env\.\d+: /);
      expect(found[i]).toContain(`chart {"name":"${variable}",`);
      expect(found[i]).toMatch(/, kustomize undefined$/);
    }
  });

  it('the drift check is live: a changed value is reported as a difference', () => {
    const changed = helmTemplate(major, ['--set', 'resources.limits.memory=256Mi,prometheusOperator.namespace=observability']);
    const found = differences(withoutSecrets(changed), withoutNamespace(kustomize('overlays/kube-prometheus-stack/')));
    expect(found).toContain('Deployment crashtriage/crashtriage.spec.template.spec.containers.0.resources.limits.memory: chart "256Mi", kustomize "192Mi"');
    expect(found).toContain('only in the chart: AlertmanagerConfig observability/crashtriage');
  });

  it('the drift check is live for the NetworkPolicies: one more port, or a policy kustomize lacks, is reported', () => {
    const base = withoutNamespace(kustomize('overlays/kube-prometheus-stack/'));
    const extraPort = helmTemplate(major, ['--set', 'networkPolicy.extraEgress[0].ports[0].port=8443']);
    expect(differences(withoutSecrets(extraPort), base)).toEqual([
      'NetworkPolicy crashtriage/crashtriage.spec.egress.2: chart {"ports":[{"port":8443}]}, kustomize undefined',
    ]);
    const withSmtp = helmTemplate(major, ['--set', 'config.sinks.mail.type=email']);
    expect(differences(withoutSecrets(withSmtp), base)).toContain('only in the chart: NetworkPolicy crashtriage/crashtriage-smtp');
  });

  it.each([
    ['two replicas without shared state', ['--set', 'stateStore=memory'], 'stateStore'],
    ['a Slack bot token without a channel', ['--set', 'slack.botToken.existingSecret=slack'], 'slack.channel'],
    ['SMTP without sender and recipients', ['--set', 'email.smtpUrl.existingSecret=smtp'], 'email.to'],
    ['a writable root filesystem', ['--set', 'securityContext.readOnlyRootFilesystem=false'], 'securityContext.readOnlyRootFilesystem'],
    ['a misspelt value (replicas for replicaCount)', ['--set', 'replicas=3'], ''],
    ['a password in the Prometheus URL', ['--set', 'prometheus.url=http://admin:pw@prometheus:9090'], 'prometheus.url'],
    ['an unknown pull policy', ['--set', 'image.pullPolicy=Sometimes'], 'image.pullPolicy'],
    ['a Secret name that is no Kubernetes name', ['--set', 'webhook.url.existingSecret=My_Hooks'], 'webhook.url.existingSecret'],
    [
      'Slack actions without Alertmanager (where the silences go)',
      ['--set', 'slack.appToken.existingSecret=s,slack.botToken.existingSecret=s,slack.channel=C1,slack.actionsAllowed[0]=U024BE7LH'],
      'alertmanager.url',
    ],
    [
      'Slack actions without anyone allowed to act',
      ['--set', 'slack.signingSecret.existingSecret=s,slack.botToken.existingSecret=s,slack.channel=C1,alertmanager.url=http://am:9093'],
      'slack.actionsAllowed',
    ],
    ['a Slack name where an id belongs', ['--set', 'slack.actionsAllowed[0]=alice'], 'slack.actionsAllowed.0'],
    ['an Alertmanager token without its URL', ['--set', 'alertmanager.bearerToken.existingSecret=am'], 'alertmanager.url'],
    ['a password in the Alertmanager URL', ['--set', 'alertmanager.url=http://admin:pw@alertmanager:9093'], 'alertmanager.url'],
    ['a PagerDuty URL without a routing key', ['--set', 'pagerduty.url=https://events.eu.pagerduty.com/v2/enqueue'], 'pagerduty.routingKey.existingSecret'],
    ['a PagerDuty severity PagerDuty does not have', ['--set', 'pagerduty.severityMap.sev1=page'], 'pagerduty.severityMap.sev1'],
  ] as const)('refuses %s, naming the value', (_name, args, path) => {
    const run = helm(major, ['template', 'crashtriage', CHART, ...args]);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain("values don't meet the specifications of the schema");
    // Helm 3 names the value `- email.to:` (`(root)` for the top level), Helm 4 `at '/email/to'` (`''`).
    const named = major === 3 ? `- ${path === '' ? '(root)' : path}: ` : `at '${path === '' ? '' : `/${path.replaceAll('.', '/')}`}'`;
    expect(run.stderr).toContain(named);
    if (path === '') expect(run.stderr).toContain('replicas');
  });
});

describe('every option (Helm 4; Helm 3 renders the same)', () => {
  const rendered = helmTemplate(4, ['--values', EVERY_OPTION], 'ops', 'sre');
  const c = container(rendered);
  const pod = only<IDeployment>(rendered, 'Deployment').spec?.template.spec;

  it('Helm 3 and Helm 4 render the same objects', () => {
    expect(helmTemplate(3, ['--values', EVERY_OPTION], 'ops', 'sre')).toEqual(rendered);
  });

  it('takes each sink from the named Secret key, the SMTP password and Prometheus token as read-only files', () => {
    const env = envOf(rendered);
    expect(env['SLACK_WEBHOOK_URL']).toEqual({ secretKeyRef: { name: 'slack', key: 'webhook' } });
    expect(env['SLACK_BOT_TOKEN']).toEqual({ secretKeyRef: { name: 'slack', key: 'bot' } });
    expect(env['SMTP_URL']).toEqual({ secretKeyRef: { name: 'smtp', key: 'url' } });
    expect(env['FORWARD_WEBHOOK_URL']).toEqual({ secretKeyRef: { name: 'forward', key: 'url' } });
    expect(env['SLACK_APP_TOKEN']).toEqual({ secretKeyRef: { name: 'slack', key: 'app' } });
    expect(env['SLACK_SIGNING_SECRET']).toEqual({ secretKeyRef: { name: 'slack', key: 'signing' } });
    expect(env['TEAMS_WEBHOOK_URL']).toEqual({ secretKeyRef: { name: 'teams', key: 'url' } });
    expect(env['PAGERDUTY_ROUTING_KEY']).toEqual({ secretKeyRef: { name: 'pagerduty', key: 'routing-key' } });
    expect(env['ALERTMANAGER_TOKEN']).toEqual({ secretKeyRef: { name: 'alertmanager-api', key: 'token' } });
    expect(env).toMatchObject({
      SLACK_ACTIONS_ALLOWED: 'U024BE7LH,S0614TZR7',
      TEAMS_RAW_CARD: 'true',
      PAGERDUTY_URL: 'https://events.eu.pagerduty.com/v2/enqueue',
      PAGERDUTY_SEVERITY_MAP: 'sev1=critical,sev2=error',
      PAGERDUTY_CHANGE_EVENTS: 'true',
      ALERTMANAGER_URL: 'http://monitoring-stack-alertmanager.observability:9093',
    });
    expect(env).toMatchObject({ SLACK_CHANNEL: '#oncall', EMAIL_FROM: 'crashtriage@example.com', EMAIL_TO: 'oncall@example.com,sre@example.com' });
    expect(env).toMatchObject({
      PROMETHEUS_URL: 'http://kube-prometheus-stack-prometheus.observability.svc:9090',
      CLUSTER_NAME: 'prod-eu-1',
      LOG_LEVEL: 'debug',
      STORM_THRESHOLD: '50',
    });
    for (const [variable, secret, key] of [
      ['SMTP_PASSWORD_FILE', 'smtp', 'password'],
      ['PROMETHEUS_BEARER_TOKEN_FILE', 'prom', 'token'],
      ['WEBHOOK_TOKEN_FILE', 'am-token', 'token'],
    ] as const) {
      const file = String(env[variable]);
      const mount = c.volumeMounts?.find((m) => file.startsWith(`${m.mountPath}/`));
      expect(mount?.readOnly, variable).toBe(true);
      const volume = pod?.volumes?.find((v) => v.name === mount?.name);
      expect(volume?.secret?.secretName, variable).toBe(secret);
      expect(volume?.secret?.items, variable).toEqual([{ key, path: file.slice((mount?.mountPath.length ?? 0) + 1) }]);
    }
    expect(c.envFrom).toBeUndefined();
    // An existing token Secret: the chart creates none.
    expect(rendered.filter((m) => m.kind === 'Secret')).toEqual([]);
  });

  it("the service's own settings loader reads what the chart renders: every sink, the Slack actions and Alertmanager, no error", () => {
    // What the Secrets would hold (made up): the loader sees the environment and files the kubelet gives the pod.
    const secrets: Record<string, string> = {
      'slack/webhook': 'https://hooks.slack.com/services/T0/B0/made-up',
      'slack/bot': 'xoxb-made-up',
      'slack/app': 'xapp-1-made-up',
      'slack/signing': 'made-up-signing-secret',
      'teams/url': 'https://prod-12.westeurope.logic.azure.com:443/workflows/made-up?sig=made-up',
      'pagerduty/routing-key': 'made-up-routing-key-0123456789ab',
      'smtp/url': 'smtp://crashtriage@mail.example.com:587',
      'smtp/password': 'made-up-password',
      'forward/url': 'https://collector.example.com/crashtriage',
      'alertmanager-api/token': 'made-up-alertmanager-token',
      'prom/token': 'made-up-prometheus-token',
      'am-token/token': 'made-up-webhook-token',
    };
    const secretValue = (name: string, key: string) => {
      const value = secrets[`${name}/${key}`];
      if (value === undefined) throw new Error(`the chart reads Secret ${name} key ${key}, which this test does not know`);
      return value;
    };
    const env: Record<string, string> = {};
    for (const e of c.env ?? []) {
      if (e.value !== undefined) env[e.name] = e.value;
      else if (e.valueFrom?.secretKeyRef !== undefined) env[e.name] = secretValue(e.valueFrom.secretKeyRef.name ?? '', e.valueFrom.secretKeyRef.key);
      else if (e.valueFrom?.fieldRef?.fieldPath === 'metadata.name') env[e.name] = 'ops-triage-0';
      else throw new Error(`env ${e.name}: a source this test does not resolve`);
    }
    // The kubelet also mounts the service account's namespace (the Lease state store's namespace).
    const files = new Map<string, string>([['/var/run/secrets/kubernetes.io/serviceaccount/namespace', 'sre']]);
    for (const mount of c.volumeMounts ?? []) {
      const volume = pod?.volumes?.find((v) => v.name === mount.name);
      for (const item of volume?.secret?.items ?? []) files.set(`${mount.mountPath}/${item.path}`, secretValue(volume?.secret?.secretName ?? '', item.key));
      const configMap = rendered.find((m) => m.kind === 'ConfigMap' && m.metadata.name === volume?.configMap?.name) as IConfigMap | undefined;
      for (const item of volume?.configMap?.items ?? []) files.set(`${mount.mountPath}/${item.path}`, configMap?.data?.[item.key] ?? '');
    }
    const readFile = (path: string) => {
      const text = files.get(path);
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      return text;
    };
    const result = loadConfig(env, readFile);
    if (!result.ok) throw new Error(`the rendered settings are refused:\n${result.errors.join('\n')}`);
    const { config } = result;
    expect(config.webhookToken).toBe('made-up-webhook-token');
    expect(config.sinks['teams']).toEqual({ type: 'teams', webhookUrl: secrets['teams/url'], raw: true });
    expect(config.sinks['pagerduty']).toMatchObject({
      type: 'pagerduty',
      routingKey: secrets['pagerduty/routing-key'],
      url: 'https://events.eu.pagerduty.com/v2/enqueue',
      severityMap: { sev1: 'critical', sev2: 'error' },
      changeEvents: true,
    });
    expect(
      Object.values(config.sinks)
        .map((sink) => sink.type)
        .sort(),
    ).toEqual(['email', 'pagerduty', 'slack', 'slack-api', 'teams', 'webhook', 'webhook']);
    expect(config.alertmanager).toEqual({ url: 'http://monitoring-stack-alertmanager.observability:9093', bearerToken: 'made-up-alertmanager-token' });
    expect(config.slackActions).toMatchObject({
      botToken: 'xoxb-made-up',
      appToken: 'xapp-1-made-up',
      signingSecret: 'made-up-signing-secret',
      allowed: ['U024BE7LH', 'S0614TZR7'],
    });
    expect(config.prometheus).toMatchObject({ url: 'http://kube-prometheus-stack-prometheus.observability.svc:9090' });
  });

  it('puts the settings file in a ConfigMap it mounts, and rolls the pods when it changes', () => {
    const configMap = rendered.find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'ops-triage-config') as IConfigMap | undefined;
    expect(parse(configMap?.data?.['config.yaml'] ?? '')).toEqual(parse(readFileSync(EVERY_OPTION, 'utf8')).config);
    const file = String(envOf(rendered)['CONFIG_FILE']);
    const mount = c.volumeMounts?.find((m) => file.startsWith(`${m.mountPath}/`));
    expect(mount?.readOnly).toBe(true);
    expect(pod?.volumes?.find((v) => v.name === mount?.name)?.configMap).toEqual({
      name: 'ops-triage-config',
      items: [{ key: 'config.yaml', path: 'config.yaml' }],
    });
    const checksum = (args: string[]) => only<IDeployment>(helmTemplate(4, args), 'Deployment').spec?.template.metadata?.annotations?.['checksum/config'];
    expect(checksum(['--set', 'config.kube.timeoutMs=5000'])).toMatch(/^[0-9a-f]{64}$/);
    expect(checksum(['--set', 'config.kube.timeoutMs=6000'])).not.toBe(checksum(['--set', 'config.kube.timeoutMs=5000']));
  });

  it('runs restricted: non-root, read-only root, no privilege escalation, no capabilities, RuntimeDefault seccomp', () => {
    expect(pod?.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 20002, seccompProfile: { type: 'RuntimeDefault' } });
    expect(c.securityContext).toMatchObject({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      privileged: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod?.hostNetwork).toBeUndefined();
    expect(c.image).toBe('registry.example.com/ops/crashtriage@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef');
  });

  it('least privilege: the read-only ClusterRole of kustomize, writes only on leases in its own namespace, no Secrets', () => {
    const base = kustomize('deploy/');
    expect(only<IClusterRole>(rendered, 'ClusterRole').rules).toEqual(only<IClusterRole>(base, 'ClusterRole').rules);
    const role = only<IRole>(rendered, 'Role');
    expect(role.metadata?.namespace).toBe('sre');
    expect(role.rules).toEqual(only<IRole>(base, 'Role').rules);
    const rbac = JSON.stringify(rendered.filter((m) => m.kind.endsWith('Role')));
    expect(rbac).not.toMatch(/secret|"\*"/i);
  });

  it('routes the crash-loop alerts to its Service with its token, muting the stock alerts, in the operator namespace with its release label', () => {
    const config = only<IAlertmanagerConfig>(rendered, 'AlertmanagerConfig');
    expect(config.metadata?.namespace).toBe('observability');
    expect(config.metadata?.labels?.['release']).toBe('monitoring-stack');
    const hook = config.spec?.receivers?.[0]?.webhookConfigs?.[0];
    expect(hook?.url).toBe('http://ops-triage.sre.svc:9000/alerts');
    expect(hook?.httpConfig?.authorization?.credentials).toEqual({ name: 'am-token', key: 'token' });
    const routed = new RegExp(`^(?:${config.spec?.route?.matchers?.[0]?.value})$`);
    const alerts = readManifests('alerts/crashtriage-rules.yaml').flatMap((m) =>
      ((m as unknown as IPrometheusRule).spec.groups ?? []).flatMap((g) => (g.rules ?? []).flatMap((r) => (r.alert === undefined ? [] : [r.alert]))),
    );
    for (const name of [...alerts, 'KubePodCrashLooping']) expect(name).toMatch(routed);
    expect('CrashtriageSinkRejecting').not.toMatch(routed);
    expect(config.spec?.inhibitRules).toHaveLength(1);
    for (const m of rendered.filter((o) => o.apiVersion.startsWith('monitoring.coreos.com/')))
      expect(m.metadata.labels?.['release'], m.kind).toBe('monitoring-stack');
    const fast = (rendered.filter((m) => m.kind === 'PrometheusRule') as unknown as IPrometheusRule[])
      .flatMap((r) => r.spec.groups ?? [])
      .flatMap((g) => g.rules ?? [])
      .find((r) => r.alert === 'CrashtriageContainerRestartingFast');
    expect(fast?.labels?.['severity']).toBe('critical');
  });

  it("admits the operator's namespace and the extra ingress; lets its own pods out to SMTP, Prometheus, Alertmanager and the extra egress", () => {
    const policies = rendered.filter((m) => m.kind === 'NetworkPolicy') as INetworkPolicy[];
    expect(policies.map((p) => p.metadata?.name).sort()).toEqual(['ops-triage', 'ops-triage-alertmanager', 'ops-triage-prometheus', 'ops-triage-smtp']);
    const policy = policies.find((p) => p.metadata?.name === 'ops-triage')?.spec;
    expect(policy?.ingress?.map((rule) => rule.from)).toEqual([
      [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } } }],
      [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }],
    ]);
    // The pods as the Deployment labels them (nameOverride, fullnameOverride and podLabels set).
    const own = { namespace: 'sre', labels: only<IDeployment>(rendered, 'Deployment').spec?.template.metadata?.labels ?? {} };
    const observability = (name: string, port: number) => ({ namespace: 'observability', podLabels: { 'app.kubernetes.io/name': name }, port });
    expect(egressAllowed(rendered, own, observability('prometheus', 9090))).toBe(true);
    expect(egressAllowed(rendered, own, observability('alertmanager', 9093))).toBe(true);
    expect(egressAllowed(rendered, own, { ip: '198.51.100.7', port: 587 })).toBe(true);
    expect(egressAllowed(rendered, own, { ip: '169.254.20.10', port: 53, protocol: 'UDP' })).toBe(true);
    expect(egressAllowed(rendered, own, { ip: '198.51.100.7', port: 9090 })).toBe(false);
  });
});
