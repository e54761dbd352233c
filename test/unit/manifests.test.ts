// The manifests users apply (deploy/, deploy/monitoring/, alerts/) and the image recipe: schema-valid,
// least-privileged, hardened, and consistent with each other. Offline: kubernetes-models' schemas,
// `kubectl kustomize` (required: fails, not skips, without kubectl), and a plain Dockerfile reader.
import { readFileSync } from 'node:fs';
import type { IServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import type { IAlertmanagerConfig } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1alpha1/AlertmanagerConfig';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import type { IClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import type { IRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import type { IRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import type { IService } from 'kubernetes-models/v1/Service';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fromImage, parseDockerfile } from '../support/dockerfile.ts';
import { kubectlPath } from '../support/kube-tools.ts';
import { KUBECTL_MISSING, kustomize, kustomizeOverlay, type Manifest, only, readManifests, validateManifest } from '../support/manifests.ts';

const base = lazyKustomize('deploy/');
const monitoring = lazyKustomize('deploy/monitoring/');
const alertFiles = ['alerts/crashtriage-rules.yaml', 'alerts/crashtriage-receiver-rules.yaml'];

// Rendering at load time would turn a missing kubectl into one opaque suite error; render lazily
// instead, and let the first test say what is missing.
function lazyKustomize(dir: string): () => Manifest[] {
  let cached: Manifest[] | undefined;
  return () => (cached ??= kustomize(dir));
}

const deployment = (): IDeployment => only<IDeployment>(base(), 'Deployment');
const container = () => {
  const c = deployment().spec?.template.spec?.containers[0];
  if (c === undefined) throw new Error('Deployment has no container');
  return c;
};

describe('rendering', () => {
  it('kubectl is installed (kubectl kustomize renders deploy/)', () => {
    expect(kubectlPath(), KUBECTL_MISSING).toBeTypeOf('string');
  });

  it('deploy/ renders the base objects and no Secret', () => {
    expect(
      base()
        .map((m) => m.kind)
        .sort(),
    ).toEqual([
      'ClusterRole',
      'ClusterRoleBinding',
      'Deployment',
      'Namespace',
      'NetworkPolicy',
      'PodDisruptionBudget',
      'Role',
      'RoleBinding',
      'Service',
      'ServiceAccount',
    ]);
  });

  it('deploy/monitoring/ renders the operator objects with the alerts', () => {
    expect(
      monitoring()
        .map((m) => m.kind)
        .sort(),
    ).toEqual(['AlertmanagerConfig', 'PrometheusRule', 'PrometheusRule', 'ServiceMonitor']);
  });

  it("every namespaced object is in namespace crashtriage, but the AlertmanagerConfig in Alertmanager's", () => {
    const clusterScoped = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding']);
    for (const m of [...base(), ...monitoring()].filter((o) => !clusterScoped.has(o.kind))) {
      expect(m.metadata.namespace, `${m.kind}/${m.metadata.name}`).toBe(m.kind === 'AlertmanagerConfig' ? 'monitoring' : 'crashtriage');
    }
  });
});

describe('schemas', () => {
  it('every rendered object of deploy/ and deploy/monitoring/ is valid', () => {
    for (const m of [...base(), ...monitoring()]) validateManifest(m);
  });

  it.each(['smtp-egress', 'prometheus-egress', 'alertmanager-egress'])('deploy/ with the component %s is valid, one NetworkPolicy more', (component) => {
    const { manifests, cleanup } = kustomizeOverlay(['deploy'], [`deploy/components/${component}`]);
    cleanup();
    for (const m of manifests) validateManifest(m);
    expect(manifests.filter((m) => m.kind === 'NetworkPolicy').map((m) => m.metadata.name)).toEqual([
      'crashtriage',
      `crashtriage-${component.replace('-egress', '')}`,
    ]);
  });

  it.each(alertFiles)('%s is a valid PrometheusRule', (file) => {
    const manifests = readManifests(file);
    expect(manifests.map((m) => m.kind)).toEqual(['PrometheusRule']);
    for (const m of manifests) validateManifest(m);
  });

  it('an invalid object is rejected (the validation is live)', () => {
    const broken = structuredClone(deployment()) as unknown as Manifest;
    const spec = (broken as unknown as IDeployment).spec;
    const port = spec?.template.spec?.containers[0]?.ports?.[0];
    if (port === undefined) throw new Error('no port');
    (port as { containerPort: unknown }).containerPort = 'eighty';
    expect(() => validateManifest(broken)).toThrow(/containerPort must be integer/);
    expect(() => validateManifest({ ...broken, kind: 'CronJob' })).toThrow(/no schema known/);
  });
});

describe('RBAC', () => {
  it('the ClusterRole grants exactly get and list pods, get pods/log, get and list events, get nodes, list services, get claims, list StorageClasses, and the reads of owners and their revisions', () => {
    const role = only<IClusterRole>(base(), 'ClusterRole');
    const grants = (role.rules ?? []).flatMap((r) =>
      (r.apiGroups ?? []).flatMap((g) => (r.resources ?? []).flatMap((res) => r.verbs.map((v) => `${g}|${res}|${v}`))),
    );
    expect(new Set(grants)).toEqual(
      new Set([
        '|pods|get',
        // On resolve, a pod that is gone is looked up among its owner's pods (one list by the owner's selector, src/kube/clusters.ts).
        '|pods|list',
        '|pods/log|get',
        '|events|get',
        '|events|list',
        '|nodes|get',
        // A host the log says does not resolve: the Services of that name (src/diagnosis/service-query.ts).
        '|services|list',
        // Only for a pod the scheduler turns down for an unbound claim (src/kube/storage-facts.ts).
        '|persistentvolumeclaims|get',
        'storage.k8s.io|storageclasses|list',
        'apps|deployments|get',
        'apps|statefulsets|get',
        'apps|daemonsets|get',
        'apps|replicasets|list',
        'apps|controllerrevisions|list',
        'batch|jobs|get',
      ]),
    );
    expect(grants).toHaveLength(15);
    expect(grants.every((g) => /\|(get|list)$/.test(g))).toBe(true);
    const everything = JSON.stringify(role.rules);
    expect(everything).not.toContain('*');
    expect(everything).not.toMatch(/secret/i);
    expect(role.rules?.some((r) => r.nonResourceURLs !== undefined || r.resourceNames !== undefined)).toBe(false);
    expect(role.aggregationRule).toBeUndefined();
  });

  it('least privilege: the only write verbs anywhere are on leases, in a Role of its own namespace', () => {
    const WRITES = new Set(['create', 'update', 'patch', 'delete', 'deletecollection', 'escalate', 'bind', 'impersonate', '*']);
    const rbac = base().filter((m) => m.kind === 'ClusterRole' || m.kind === 'Role') as (IRole | IClusterRole)[];
    const writes = rbac.flatMap((role) =>
      (role.rules ?? []).flatMap((r) =>
        r.verbs
          .filter((v) => WRITES.has(v))
          .flatMap((v) =>
            (r.apiGroups ?? []).flatMap((g) => (r.resources ?? []).map((res) => `${role.kind} ${role.metadata?.namespace ?? '-'} ${g}|${res}|${v}`)),
          ),
      ),
    );
    expect(writes.sort()).toEqual(['create', 'delete', 'update'].map((v) => `Role crashtriage coordination.k8s.io|leases|${v}`));
    const role = only<IRole>(base(), 'Role');
    expect(role.rules).toEqual([{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'list', 'create', 'update', 'delete'] }]);
    const binding = only<IRoleBinding>(base(), 'RoleBinding');
    expect(binding.metadata?.namespace).toBe('crashtriage');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata?.name });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'crashtriage', namespace: 'crashtriage' }]);
  });

  it('the binding gives that ClusterRole to the service account the Deployment runs as', () => {
    const binding = only<IClusterRoleBinding>(base(), 'ClusterRoleBinding');
    const role = only<IClusterRole>(base(), 'ClusterRole');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.metadata?.name });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'crashtriage', namespace: 'crashtriage' }]);
    expect(deployment().spec?.template.spec?.serviceAccountName).toBe('crashtriage');
  });
});

describe('Deployment', () => {
  it('runs two replicas sharing their state in Leases, spread across nodes, at most one disrupted at a time', () => {
    const spec = deployment().spec;
    expect(spec?.replicas).toBe(2);
    const env = Object.fromEntries((container().env ?? []).map((e) => [e.name, e.value ?? e.valueFrom]));
    expect(env['STATE_STORE']).toBe('kubernetes');
    expect(env['POD_NAME']).toEqual({ fieldRef: { fieldPath: 'metadata.name' } });
    const selector = { matchLabels: { 'app.kubernetes.io/name': 'crashtriage' } };
    expect(spec?.template.spec?.topologySpreadConstraints).toEqual([
      { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: selector },
    ]);
    expect(spec?.template.spec?.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.[0]?.podAffinityTerm).toEqual({
      topologyKey: 'kubernetes.io/hostname',
      labelSelector: selector,
    });
    const pdb = only<IPodDisruptionBudget>(base(), 'PodDisruptionBudget');
    expect(pdb.spec).toEqual({ minAvailable: 1, selector });
    expect(spec?.selector).toEqual(selector);
  });

  it('runs non-root with a read-only root filesystem, no privilege escalation, no capabilities, RuntimeDefault seccomp', () => {
    const pod = deployment().spec?.template.spec?.securityContext;
    expect(pod).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container().securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 10001,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container().securityContext?.capabilities?.add).toBeUndefined();
    expect(deployment().spec?.template.spec?.hostNetwork).toBeUndefined();
  });

  it('enforces the restricted Pod Security Standard on its namespace', () => {
    expect(only(base(), 'Namespace').metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  it('runs the pinned image of this version', () => {
    const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
    expect(container().image).toBe(`ghcr.io/crashtriage/crashtriage:${version}`);
  });

  it('has memory and CPU requests, a memory limit, and a V8 heap cap below that limit', () => {
    const resources = container().resources;
    expect(resources?.requests).toEqual({ cpu: '50m', memory: '128Mi' });
    expect(resources?.limits?.memory).toBe('192Mi');
    const nodeOptions = container().env?.find((e) => e.name === 'NODE_OPTIONS')?.value ?? '';
    const heapMi = Number(/--max-old-space-size=(\d+)/.exec(nodeOptions)?.[1]);
    // Room for the heap in use at its measured peak (58 MiB, npm run bench -- bounds) and half as much again.
    expect(heapMi).toBeGreaterThanOrEqual(1.5 * 58);
    // Headroom for code, buffers and native memory (~80 MiB outside the heap, measured), so the heap
    // limit triggers before the OOM killer.
    expect(heapMi + 80).toBeLessThanOrEqual(192);
  });

  it('probes /healthz for startup and liveness, /readyz for readiness, on port 8080 named http', () => {
    const c = container();
    expect(c.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(c.startupProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(c.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(c.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(deployment().spec?.template.spec?.terminationGracePeriodSeconds).toBe(30);
  });

  it('reads the webhook token from the Secret crashtriage-webhook-token, key token, as a file', () => {
    const c = container();
    const tokenFile = c.env?.find((e) => e.name === 'WEBHOOK_TOKEN_FILE')?.value;
    expect(tokenFile).toBe('/var/run/secrets/crashtriage/webhook-token');
    expect(c.env?.some((e) => e.name === 'WEBHOOK_TOKEN' || e.valueFrom?.secretKeyRef !== undefined)).toBe(false);
    const mount = c.volumeMounts?.find((m) => tokenFile?.startsWith(`${m.mountPath}/`));
    const volume = deployment().spec?.template.spec?.volumes?.find((v) => v.name === mount?.name);
    expect(mount?.readOnly).toBe(true);
    expect(volume?.secret?.secretName).toBe('crashtriage-webhook-token');
    expect(volume?.secret?.items).toEqual([{ key: 'token', path: tokenFile?.slice((mount?.mountPath.length ?? 0) + 1) }]);
  });

  it('takes Slack/SMTP settings from an optional Secret and writes only to an emptyDir /tmp', () => {
    const c = container();
    expect(c.envFrom).toEqual([{ secretRef: { name: 'crashtriage-notify', optional: true } }]);
    const tmp = c.volumeMounts?.find((m) => m.mountPath === '/tmp');
    const volume = deployment().spec?.template.spec?.volumes?.find((v) => v.name === tmp?.name);
    expect(volume?.emptyDir).toBeDefined();
  });
});

describe('optional file mounts (components)', () => {
  it.each([
    ['config-file', 'CONFIG_FILE', { configMap: 'crashtriage-config', key: 'config.yaml' }],
    ['smtp-password-file', 'SMTP_PASSWORD_FILE', { secret: 'crashtriage-smtp-password', key: 'password' }],
  ] as const)('%s sets %s to the file its volume mounts, read-only', (component, variable, source) => {
    const { manifests, cleanup } = kustomizeOverlay(['deploy'], [`deploy/components/${component}`]);
    cleanup();
    for (const m of manifests) validateManifest(m);
    const pod = only<IDeployment>(manifests, 'Deployment').spec?.template.spec;
    const c = pod?.containers[0];
    const file = c?.env?.find((e) => e.name === variable)?.value ?? '';
    const mount = c?.volumeMounts?.find((m) => file.startsWith(`${m.mountPath}/`));
    expect(mount?.readOnly).toBe(true);
    const volume = pod?.volumes?.find((v) => v.name === mount?.name);
    const items = 'secret' in source ? volume?.secret?.items : volume?.configMap?.items;
    expect('secret' in source ? volume?.secret?.secretName : volume?.configMap?.name).toBe('secret' in source ? source.secret : source.configMap);
    expect(items).toEqual([{ key: source.key, path: file.slice((mount?.mountPath.length ?? 0) + 1) }]);
    // The base's token mount and settings stay as they were.
    expect(c?.env?.find((e) => e.name === 'WEBHOOK_TOKEN_FILE')).toBeDefined();
  });
});

describe('Service and NetworkPolicy', () => {
  it('the ClusterIP Service on 8080 selects the pod', () => {
    const service = only<IService>(base(), 'Service');
    expect(service.spec?.type).toBe('ClusterIP');
    expect(service.spec?.ports).toEqual([{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }]);
    expect(deployment().spec?.template.metadata?.labels).toMatchObject(service.spec?.selector ?? { none: 'none' });
  });

  it('admits only the monitoring namespace, and lets out only DNS, the API server and HTTPS (SMTP, Prometheus, Alertmanager: components)', () => {
    const policy = only<INetworkPolicy>(base(), 'NetworkPolicy').spec;
    expect(deployment().spec?.template.metadata?.labels).toMatchObject(policy?.podSelector?.matchLabels ?? { none: 'none' });
    expect(policy?.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy?.ingress).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ port: 'http', protocol: 'TCP' }] },
    ]);
    const egress = (policy?.egress ?? []).flatMap((rule) => (rule.ports ?? []).map((p) => `${JSON.stringify(rule.to ?? 'anywhere')} ${p.port}/${p.protocol}`));
    const kubeSystem = JSON.stringify([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }]);
    expect(new Set(egress)).toEqual(new Set([`${kubeSystem} 53/UDP`, `${kubeSystem} 53/TCP`, ...[443, 6443].map((p) => `"anywhere" ${p}/TCP`)]));
    expect(policy?.egress?.every((rule) => (rule.ports ?? []).length > 0)).toBe(true);
  });
});

describe('monitoring', () => {
  const alertsOf = (file: string) =>
    readManifests(file).flatMap((m) =>
      (m as unknown as { spec: { groups: Array<{ rules: Array<{ alert?: string }> }> } }).spec.groups.flatMap((g) =>
        g.rules.flatMap((r) => (r.alert === undefined ? [] : [r.alert])),
      ),
    );
  const alertNames = alertsOf('alerts/crashtriage-rules.yaml');
  const receiverAlertNames = alertsOf('alerts/crashtriage-receiver-rules.yaml');
  const config = (): IAlertmanagerConfig => only<IAlertmanagerConfig>(monitoring(), 'AlertmanagerConfig');

  it('the ServiceMonitor scrapes /metrics from the Service port http', () => {
    const sm = only<IServiceMonitor>(monitoring(), 'ServiceMonitor');
    const service = only<IService>(base(), 'Service');
    expect(service.metadata?.labels).toMatchObject(sm.spec.selector.matchLabels ?? { none: 'none' });
    expect(sm.spec.endpoints).toEqual([{ port: 'http', path: '/metrics', interval: '30s' }]);
  });

  it('the AlertmanagerConfig posts to the Service with the token Secret, resolved alerts, all in one post', () => {
    const receivers = config().spec?.receivers ?? [];
    expect(receivers.map((r) => r.name)).toEqual([config().spec?.route?.receiver]);
    expect(receivers[0]?.webhookConfigs).toEqual([
      {
        url: 'http://crashtriage.crashtriage.svc:8080/alerts',
        sendResolved: true,
        maxAlerts: 0,
        httpConfig: { authorization: { type: 'Bearer', credentials: { name: 'crashtriage-webhook-token', key: 'token' } } },
      },
    ]);
    expect(config().spec?.route?.groupBy).toEqual(expect.arrayContaining(['namespace', 'pod']));
  });

  it("the AlertmanagerConfig route takes every crash-loop alert and the stock ones, and not crashtriage's alerts about itself", () => {
    const matchers = config().spec?.route?.matchers ?? [];
    expect(matchers).toHaveLength(1);
    expect(matchers[0]).toMatchObject({ name: 'alertname', matchType: '=~' });
    const routed = new RegExp(`^(?:${matchers[0]?.value})$`); // Alertmanager anchors its regexes
    for (const name of [...alertNames, 'KubePodCrashLooping', 'KubeContainerWaiting', 'KubePodNotReady']) expect(name).toMatch(routed);
    for (const name of ['KubeDeploymentReplicasMismatch', 'Watchdog', 'xCrashtriageContainerRestarting', ...receiverAlertNames])
      expect(name).not.toMatch(routed);
    expect(alertNames.length).toBeGreaterThan(0);
    expect(receiverAlertNames.length).toBeGreaterThan(0);
  });

  it('deploy/alertmanager.yml routes, and its optional inhibit rule inhibits, as the AlertmanagerConfig and its component do', () => {
    const plain = parse(readFileSync('deploy/alertmanager.yml', 'utf8')) as {
      route: { routes: Array<{ receiver: string; matchers: string[]; group_by: string[]; continue: boolean }> };
      receivers: Array<{ name: string; webhook_configs?: Array<Record<string, unknown>> }>;
    };
    const inhibit = parse(readFileSync('deploy/alertmanager-inhibit.yml', 'utf8')) as { inhibit_rules: Array<{ equal: string[] }> };
    const component = parse(readFileSync('deploy/components/inhibit-stock-alerts/kustomization.yaml', 'utf8')) as {
      patches: Array<{ patch: string }>;
    };
    const componentRules = (parse(component.patches[0]?.patch ?? '') as Array<{ value: Array<{ equal: string[] }> }>)[0]?.value;
    const route = plain.route.routes.find((r) => r.receiver === 'crashtriage');
    expect(route?.matchers).toEqual([`alertname=~"${config().spec?.route?.matchers?.[0]?.value}"`]);
    expect(route?.group_by).toEqual(config().spec?.route?.groupBy);
    expect(route?.continue).toBe(true);
    const hook = plain.receivers.find((r) => r.name === 'crashtriage')?.webhook_configs?.[0];
    expect(hook).toMatchObject({ url: 'http://crashtriage.crashtriage.svc:8080/alerts', send_resolved: true, max_alerts: 0 });
    expect(hook?.['http_config']).toMatchObject({ authorization: { type: 'Bearer', credentials_file: expect.stringMatching(/^\//) } });
    expect(inhibit.inhibit_rules.map((r) => r.equal)).toEqual(componentRules?.map((r) => r.equal));
    expect(config().spec?.inhibitRules).toBeUndefined();
  });
});

describe('image', () => {
  const instructions = parseDockerfile(readFileSync('Dockerfile', 'utf8'));
  const of = (keyword: string) => instructions.filter((i) => i.keyword === keyword);
  const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { version?: string; dev?: boolean }> };

  it('builds FROM node:<the tested Node version>-bookworm-slim, pinned to a full version', () => {
    const testedNode = lock.packages['node_modules/node']?.version;
    expect(of('FROM').length).toBeGreaterThanOrEqual(2);
    for (const from of of('FROM')) expect(fromImage(from.args)).toBe(`node:${testedNode}-bookworm-slim`);
  });

  it('installs production dependencies only, and the npm `node` package is a dev dependency', () => {
    expect(of('RUN').some((r) => /\bnpm ci\b.*--omit=dev/.test(r.args))).toBe(true);
    expect(lock.packages['node_modules/node']?.dev).toBe(true);
  });

  it('copies only package files, src/ and bin/, and fetches nothing by URL', () => {
    const sources = of('COPY')
      .filter((c) => !c.args.startsWith('--from='))
      .map((c) => c.args.split(/\s+/).slice(0, -1).join(' '));
    expect(sources).toEqual(['package.json package-lock.json', 'package.json', 'src', 'bin']);
    expect(of('ADD')).toEqual([]);
    expect(instructions.some((i) => /\b(curl|wget)\b/.test(i.args))).toBe(false);
  });

  it('runs as the non-root user the pod runs as, node src/main.ts in exec form', () => {
    const users = of('USER');
    const last = instructions.at(-1);
    expect(users.at(-1)?.args).toBe('10001:10001');
    expect(container().securityContext?.runAsUser).toBe(10001);
    expect(last).toEqual({ keyword: 'CMD', args: '["node", "src/main.ts"]' });
    expect(of('ENTRYPOINT')).toEqual([]);
  });

  it('bakes in no secret', () => {
    for (const i of [...of('ENV'), ...of('ARG')]) expect(i.args).not.toMatch(/TOKEN|PASSWORD|SECRET|KEY|SMTP_URL|WEBHOOK_URL/i);
  });

  it('.dockerignore keeps dependencies, history, tests, docs and CI out of the build context', () => {
    const ignored = readFileSync('.dockerignore', 'utf8')
      .split('\n')
      .map((l) => l.trim());
    for (const entry of ['node_modules', '.git', 'test', 'bench', 'coverage', 'docs', '*.md', '!README.md', '.ci', '.env']) {
      expect(ignored).toContain(entry);
    }
  });
});
