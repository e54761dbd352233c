/**
 * The doctor's judgement, pure: from what was read (`ClusterView`) to findings in plain words, each
 * with the commands that fix it. The rules are prometheus-operator's (its API reference for the
 * Prometheus and Alertmanager resources): a nil rule, ServiceMonitor or AlertmanagerConfig selector
 * selects nothing and `{}` everything; a nil namespace selector means the object's own namespace only;
 * the AlertmanagerConfig matcher strategy decides which namespaces' alerts its route sees.
 */
import type {
  AlertmanagerConfigObject,
  AlertmanagerObject,
  ClusterView,
  DeploymentObject,
  LabelledObject,
  ObjectMeta,
  PrometheusObject,
  Read,
  ReadFailure,
} from './cluster-view.ts';
import { type LabelSelector, selectorText, selects } from './label-selector.ts';

/** drops: alerts are lost; warns: alerts arrive, something else is off; check: only a person can tell; unknown: could not be read. */
export type Verdict = 'drops' | 'warns' | 'check' | 'ok' | 'unknown';

export interface Finding {
  verdict: Verdict;
  /** What it is about, e.g. `Alertmanager monitoring/kube-prometheus-stack-alertmanager`. */
  subject: string;
  /** What is the case and what it does to the alerts, in a sentence or two. */
  says: string;
  /** Commands that fix it (or check it), in order. */
  fix: string[];
}

const OVERLAY_APPLY = 'kubectl apply -k overlays/kube-prometheus-stack/   # from a clone of crashtriage; set params.yaml first';
const id = (m: ObjectMeta): string => `${m.namespace ?? ''}/${m.name}`;

export function examine(view: ClusterView): Finding[] {
  const findings: Finding[] = [];
  findings.push(...examineDeployment(view));
  findings.push(...examineService(view));
  const operator = [view.prometheuses, view.alertmanagers, view.alertmanagerConfigs, view.prometheusRules, view.serviceMonitors];
  if (operator.every((r) => !r.ok && r.why.kind === 'not-served')) {
    findings.push({
      verdict: 'check',
      subject: 'prometheus-operator',
      says: 'The API server serves no monitoring.coreos.com resources: no prometheus-operator here. Route the alerts in your Alertmanager configuration (deploy/alertmanager.yml) and load the rules of alerts/ into Prometheus, then test the route.',
      fix: ['amtool config routes test --config.file=alertmanager.yml alertname=KubePodCrashLooping namespace=default'],
    });
    return findings;
  }
  findings.push(...examineRules(view));
  findings.push(...examineServiceMonitors(view));
  findings.push(...examineAlertmanagerConfigs(view));
  return findings;
}

function unreadable(subject: string, why: ReadFailure, need: string): Finding {
  const says =
    why.kind === 'forbidden'
      ? `Could not read ${subject}: ${why.message}. Ask for "${need}", or run the doctor with credentials that have it.`
      : why.kind === 'not-served'
        ? `Could not read ${subject}: the API server does not serve them (their CRD is not installed).`
        : `Could not read ${subject}: ${why.message}.`;
  return { verdict: 'unknown', subject, says, fix: why.kind === 'forbidden' ? [`kubectl auth can-i ${need}`] : [] };
}

// ---- crashtriage itself ----

function examineDeployment(view: ClusterView): Finding[] {
  const ns = view.namespace;
  const subject = `Deployment ${ns}/crashtriage`;
  if (!view.deployment.ok) {
    if (view.deployment.why.kind !== 'not-found') return [unreadable(subject, view.deployment.why, `get deployments -n ${ns}`)];
    return [
      {
        verdict: 'drops',
        subject,
        says: `crashtriage is not installed in namespace ${ns}: nothing receives the alerts. (Installed elsewhere? Run the doctor with --namespace.)`,
        fix: [OVERLAY_APPLY],
      },
    ];
  }
  const deployment = view.deployment.value;
  const ready = deployment.status?.readyReplicas ?? 0;
  const findings: Finding[] = [
    ready > 0
      ? { verdict: 'ok', subject, says: `${ready} of ${deployment.status?.replicas ?? ready} pods ready.`, fix: [] }
      : {
          verdict: 'drops',
          subject,
          says: 'No crashtriage pod is ready: Alertmanager cannot deliver, and gives up on each notification after its retries.',
          fix: [`kubectl -n ${ns} describe deployment crashtriage`, `kubectl -n ${ns} get events --sort-by=.lastTimestamp | tail -20`],
        },
  ];
  const secrets = referencedSecrets(deployment);
  if (secrets.length > 0) {
    findings.push({
      verdict: 'check',
      subject: `Secrets of ${subject}`,
      says: `crashtriage reads the Secrets ${secrets.join(', ')} (names from its Deployment; the doctor never reads Secrets). The token Secret must exist or the pod does not start; the others are optional.`,
      fix: [`kubectl -n ${ns} get secret ${secrets.join(' ')}`],
    });
  }
  return findings;
}

function referencedSecrets(deployment: DeploymentObject): string[] {
  const pod = deployment.spec?.template?.spec;
  const names = [
    ...(pod?.volumes ?? []).flatMap((v) => (v.secret?.secretName === undefined ? [] : [v.secret.secretName])),
    ...(pod?.containers ?? []).flatMap((c) => [
      ...(c.envFrom ?? []).flatMap((e) => (e.secretRef?.name === undefined ? [] : [e.secretRef.name])),
      ...(c.env ?? []).flatMap((e) => (e.valueFrom?.secretKeyRef?.name === undefined ? [] : [e.valueFrom.secretKeyRef.name])),
    ]),
  ];
  return [...new Set(names)];
}

function tokenSecretOf(view: ClusterView): string {
  if (!view.deployment.ok) return 'crashtriage-webhook-token';
  const volumes = view.deployment.value.spec?.template?.spec?.volumes ?? [];
  return volumes.find((v) => v.name === 'webhook-token')?.secret?.secretName ?? 'crashtriage-webhook-token';
}

function examineService(view: ClusterView): Finding[] {
  const subject = `Service ${view.namespace}/crashtriage`;
  if (view.service.ok) return [];
  if (view.service.why.kind !== 'not-found') return [unreadable(subject, view.service.why, `get services -n ${view.namespace}`)];
  return [
    {
      verdict: 'drops',
      subject,
      says: 'There is no Service crashtriage: Alertmanager has no address to post the alerts to.',
      fix: [`kubectl apply -k deploy/   # from a clone of crashtriage (or the overlay: ${OVERLAY_APPLY.split('   ')[0]})`],
    },
  ];
}

// ---- selection by Prometheus and Alertmanager ----

type Selection = { selected: true } | { selected: false; why: string; fix: string[] } | { selected: 'unknown'; why: string };

/**
 * Whether an operator-managed object (Prometheus, Alertmanager) in `ownerNamespace` picks up `target`
 * through `selector` and `namespaceSelector`. `kind`/`resource` name the target for the messages.
 */
function selection(
  view: ClusterView,
  selector: LabelSelector | null | undefined,
  namespaceSelector: LabelSelector | null | undefined,
  ownerNamespace: string,
  target: ObjectMeta,
  names: { field: string; resource: string; owner: string },
): Selection {
  const targetNs = target.namespace ?? view.namespace;
  if (selector === undefined || selector === null) {
    return {
      selected: false,
      why: `its ${names.field} is not set, which selects no ${names.resource} at all`,
      fix: [`set ${names.field} on ${names.owner} (with kube-prometheus-stack: its Helm values)`],
    };
  }
  if (!selects(selector, target.labels ?? {})) {
    const labels = Object.entries(selector.matchLabels ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    return {
      selected: false,
      why: `its ${names.field} wants ${selectorText(selector)}`,
      fix:
        labels === ''
          ? [`add labels matching ${selectorText(selector)} to ${names.resource} ${targetNs}/${target.name}`]
          : [
              `kubectl -n ${targetNs} label ${names.resource} ${target.name} ${labels}`,
              ...(labels.startsWith('release=')
                ? [`# lasting: set release in overlays/kube-prometheus-stack/params.yaml, then ${OVERLAY_APPLY.split('   ')[0]}`]
                : []),
            ],
    };
  }
  const nsField = names.field.replace(/Selector$/, 'NamespaceSelector');
  if (namespaceSelector === undefined || namespaceSelector === null) {
    return targetNs === ownerNamespace
      ? { selected: true }
      : {
          selected: false,
          why: `its ${nsField} is not set, which means its own namespace ${ownerNamespace} only, and ${target.name} is in ${targetNs}`,
          fix: [`set ${nsField}: {} on ${names.owner} (every namespace), or one that selects namespace ${targetNs}`],
        };
  }
  const nsLabels = view.namespaceLabels.get(targetNs);
  if (nsLabels === undefined || !nsLabels.ok) return { selected: 'unknown', why: `the labels of namespace ${targetNs} could not be read` };
  if (selects(namespaceSelector, { 'kubernetes.io/metadata.name': targetNs, ...nsLabels.value })) return { selected: true };
  const pairs = Object.entries(namespaceSelector.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return {
    selected: false,
    why: `its ${nsField} wants namespaces with ${selectorText(namespaceSelector)}, and ${targetNs} has not`,
    fix: pairs === '' ? [`label namespace ${targetNs} to match ${selectorText(namespaceSelector)}`] : [`kubectl label namespace ${targetNs} ${pairs}`],
  };
}

function examineSelected(
  view: ClusterView,
  targets: Read<LabelledObject[]>,
  kind: { resource: string; title: string; field: 'ruleSelector' | 'serviceMonitorSelector'; missing: Verdict; effect: string; absent: Finding },
): Finding[] {
  if (!targets.ok) return [unreadable(`${kind.title}s`, targets.why, `list ${kind.resource}.monitoring.coreos.com -A`)];
  if (targets.value.length === 0) return [kind.absent];
  if (!view.prometheuses.ok) return [unreadable('Prometheus objects', view.prometheuses.why, 'list prometheuses.monitoring.coreos.com -A')];
  if (view.prometheuses.value.length === 0) {
    return [
      {
        verdict: 'check',
        subject: 'Prometheus',
        says: `No Prometheus object exists: if Prometheus is not run by the operator, load the ${kind.title}s' content into it yourself (docs/install.md §3).`,
        fix: [],
      },
    ];
  }
  const findings: Finding[] = [];
  for (const target of targets.value) {
    const subject = `${kind.title} ${id(target.metadata)}`;
    const results = view.prometheuses.value.map((p) => ({
      prometheus: p,
      result: selection(
        view,
        p.spec?.[kind.field],
        p.spec?.[kind.field === 'ruleSelector' ? 'ruleNamespaceSelector' : 'serviceMonitorNamespaceSelector'],
        p.metadata.namespace ?? '',
        target.metadata,
        {
          field: kind.field,
          resource: kind.resource,
          owner: `Prometheus ${id(p.metadata)}`,
        },
      ),
    }));
    const taking = results.filter((r) => r.result.selected === true).map((r) => r.prometheus);
    if (taking.length > 0) {
      findings.push({ verdict: 'ok', subject, says: `Selected by Prometheus ${taking.map((p) => id(p.metadata)).join(', ')}.`, fix: [] });
      if (kind.field === 'ruleSelector') findings.push(...enforcement(view, target, taking));
      continue;
    }
    const unknown = results.find((r) => r.result.selected === 'unknown');
    if (unknown !== undefined && unknown.result.selected === 'unknown') {
      findings.push({
        verdict: 'unknown',
        subject,
        says: `Cannot tell whether Prometheus ${id(unknown.prometheus.metadata)} selects it: ${unknown.result.why}.`,
        fix: [],
      });
      continue;
    }
    const reasons = results.flatMap((r) => (r.result.selected === false ? [`Prometheus ${id(r.prometheus.metadata)}: ${r.result.why}`] : []));
    const first = results.find((r) => r.result.selected === false)?.result;
    findings.push({
      verdict: kind.missing,
      subject,
      says: `No Prometheus selects it, so ${kind.effect}. ${reasons.join('; ')}.`,
      fix: first !== undefined && first.selected === false ? first.fix : [],
    });
  }
  return findings;
}

/** enforcedNamespaceLabel rewrites every alert's namespace to the rule's own: crashtriage would look in its own namespace. */
function enforcement(view: ClusterView, rule: LabelledObject, selecting: PrometheusObject[]): Finding[] {
  return selecting.flatMap((p) => {
    const label = p.spec?.enforcedNamespaceLabel;
    if (label === undefined || label === '') return [];
    const excluded = (p.spec?.excludedFromEnforcement ?? []).some(
      (e) =>
        (e.resource ?? 'prometheusrules') === 'prometheusrules' &&
        (e.namespace ?? '') === (rule.metadata.namespace ?? view.namespace) &&
        (e.name === undefined || e.name === rule.metadata.name),
    );
    if (excluded) return [];
    return [
      {
        verdict: 'drops',
        subject: `PrometheusRule ${id(rule.metadata)}`,
        says: `Prometheus ${id(p.metadata)} enforces the label ${label}: every alert of this rule gets ${label}="${rule.metadata.namespace}", so crashtriage looks for the crash-looping pods in the wrong namespace.`,
        fix: [
          `add to Prometheus ${id(p.metadata)}: excludedFromEnforcement: [{group: monitoring.coreos.com, resource: prometheusrules, namespace: ${rule.metadata.namespace}, name: ${rule.metadata.name}}]`,
        ],
      },
    ];
  });
}

function examineRules(view: ClusterView): Finding[] {
  return examineSelected(view, view.prometheusRules, {
    resource: 'prometheusrule',
    title: 'PrometheusRule',
    field: 'ruleSelector',
    missing: 'drops',
    effect: 'its alerts never fire',
    absent: {
      verdict: 'warns',
      subject: 'PrometheusRules',
      says: "No PrometheusRule labelled app.kubernetes.io/name=crashtriage: only kube-prometheus' stock KubePodCrashLooping (after 15 minutes) reaches crashtriage, and crashtriage's own failures alert nobody.",
      fix: [OVERLAY_APPLY],
    },
  });
}

function examineServiceMonitors(view: ClusterView): Finding[] {
  return examineSelected(view, view.serviceMonitors, {
    resource: 'servicemonitor',
    title: 'ServiceMonitor',
    field: 'serviceMonitorSelector',
    missing: 'warns',
    effect: "crashtriage's metrics are not scraped and its failures (refused deliveries, a wrong token) alert nobody",
    absent: {
      verdict: 'warns',
      subject: 'ServiceMonitor',
      says: "No ServiceMonitor labelled app.kubernetes.io/name=crashtriage: crashtriage's metrics are not scraped, and its failures alert nobody.",
      fix: [OVERLAY_APPLY],
    },
  });
}

// ---- the AlertmanagerConfig: selected, unscoped, pointing at the Service ----

function examineAlertmanagerConfigs(view: ClusterView): Finding[] {
  if (!view.alertmanagerConfigs.ok)
    return [unreadable('AlertmanagerConfigs', view.alertmanagerConfigs.why, 'list alertmanagerconfigs.monitoring.coreos.com -A')];
  if (!view.alertmanagers.ok) return [unreadable('Alertmanager objects', view.alertmanagers.why, 'list alertmanagers.monitoring.coreos.com -A')];
  if (view.alertmanagerConfigs.value.length === 0) {
    return [
      {
        verdict: 'check',
        subject: 'AlertmanagerConfig',
        says: "No AlertmanagerConfig labelled app.kubernetes.io/name=crashtriage. Unless you route to crashtriage in Alertmanager's own configuration, no alert reaches it; test that route with amtool.",
        fix: [OVERLAY_APPLY, 'amtool config routes test --config.file=alertmanager.yml alertname=KubePodCrashLooping namespace=default'],
      },
    ];
  }
  const findings: Finding[] = [];
  for (const config of view.alertmanagerConfigs.value) {
    const subject = `AlertmanagerConfig ${id(config.metadata)}`;
    const results = view.alertmanagers.value.map((am) => ({
      am,
      result: selection(view, am.spec?.alertmanagerConfigSelector, am.spec?.alertmanagerConfigNamespaceSelector, am.metadata.namespace ?? '', config.metadata, {
        field: 'alertmanagerConfigSelector',
        resource: 'alertmanagerconfig',
        owner: `Alertmanager ${id(am.metadata)}`,
      }),
    }));
    const taking = results.filter((r) => r.result.selected === true).map((r) => r.am);
    if (taking.length === 0) {
      const reasons = results.flatMap((r) => (r.result.selected === false ? [`Alertmanager ${id(r.am.metadata)}: ${r.result.why}`] : []));
      const first = results.find((r) => r.result.selected === false)?.result;
      findings.push({
        verdict: view.alertmanagers.value.length === 0 ? 'check' : 'drops',
        subject,
        says:
          view.alertmanagers.value.length === 0
            ? 'No Alertmanager object exists, so no operator-managed Alertmanager uses this AlertmanagerConfig.'
            : `No Alertmanager selects it, so no alert is routed to crashtriage. ${reasons.join('; ')}.`,
        fix: first !== undefined && first.selected === false ? first.fix : [],
      });
    }
    for (const am of taking) findings.push(matcherStrategy(config, am));
    findings.push(...webhookTarget(view, config), ...tokenSecrets(view, config));
  }
  return findings;
}

function matcherStrategy(config: AlertmanagerConfigObject, am: AlertmanagerObject): Finding {
  const strategy = am.spec?.alertmanagerConfigMatcherStrategy?.type ?? 'OnNamespace';
  const configNs = config.metadata.namespace ?? '';
  const amNs = am.metadata.namespace ?? '';
  const subject = `Alertmanager ${id(am.metadata)}`;
  const release = am.metadata.labels?.['release'];
  const helmManaged = am.metadata.labels?.['app.kubernetes.io/managed-by'] === 'Helm' && release !== undefined;
  const setStrategy = helmManaged
    ? `helm upgrade ${release} prometheus-community/kube-prometheus-stack -n ${amNs} --reuse-values -f overlays/kube-prometheus-stack/helm-values.yaml`
    : `kubectl -n ${amNs} patch alertmanager ${am.metadata.name} --type merge -p '{"spec":{"alertmanagerConfigMatcherStrategy":{"type":"OnNamespaceExceptForAlertmanagerNamespace"}}}'`;
  const move = `set namespace: ${amNs} in overlays/kube-prometheus-stack/params.yaml, ${OVERLAY_APPLY.split('   ')[0]}, then: kubectl -n ${configNs} delete alertmanagerconfig ${config.metadata.name}`;
  if (strategy === 'None') {
    return {
      verdict: 'ok',
      subject,
      says: `Matcher strategy None: crashtriage's route sees every namespace. So does every other AlertmanagerConfig of this Alertmanager; OnNamespaceExceptForAlertmanagerNamespace (prometheus-operator v0.84.0+) would keep the others scoped, with crashtriage's in ${amNs}.`,
      fix: [],
    };
  }
  if (strategy === 'OnNamespaceExceptForAlertmanagerNamespace') {
    return configNs === amNs
      ? { verdict: 'ok', subject, says: `Matcher strategy ${strategy}, and the AlertmanagerConfig is in ${amNs}: its route sees every namespace.`, fix: [] }
      : {
          verdict: 'drops',
          subject,
          says: `Matcher strategy ${strategy} exempts only AlertmanagerConfigs in ${amNs}; ${id(config.metadata)} is in ${configNs}, so the operator adds namespace="${configNs}" to its route and only alerts about pods in ${configNs} reach crashtriage.`,
          fix: [move],
        };
  }
  if (configNs === amNs && strategy === 'OnNamespace') {
    return {
      verdict: 'drops',
      subject,
      says: `Matcher strategy OnNamespace (the default): the operator adds namespace="${configNs}" to crashtriage's route, so only alerts about pods in ${configNs} reach it; KubePodCrashLooping from any other namespace does not.`,
      fix: [setStrategy],
    };
  }
  return {
    verdict: 'drops',
    subject,
    says: `Matcher strategy ${strategy}: the operator adds namespace="${configNs}" to crashtriage's route, so only alerts about pods in ${configNs} reach it; KubePodCrashLooping from any other namespace does not.`,
    fix: [setStrategy, move],
  };
}

/** The webhook URL must name crashtriage's Service and one of its ports. */
function webhookTarget(view: ClusterView, config: AlertmanagerConfigObject): Finding[] {
  const urls = (config.spec?.receivers ?? []).flatMap((r) => (r.webhookConfigs ?? []).flatMap((w) => (w.url === undefined ? [] : [w.url])));
  if (!view.service.ok) return [];
  const ports = (view.service.value.spec?.ports ?? []).map((p) => p.port);
  const expected = `http://crashtriage.${view.namespace}.svc:${ports[0] ?? 8080}/alerts`;
  return urls.flatMap((raw): Finding[] => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return [
        {
          verdict: 'drops',
          subject: `AlertmanagerConfig ${id(config.metadata)}`,
          says: `Its webhook URL "${raw}" is not a URL.`,
          fix: [`set the url to ${expected}`],
        },
      ];
    }
    const [service, namespace] = url.hostname.split('.');
    const port = Number(url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : url.port);
    const right = service === 'crashtriage' && namespace === view.namespace && ports.includes(port) && url.pathname === '/alerts';
    return right
      ? []
      : [
          {
            verdict: 'drops',
            subject: `AlertmanagerConfig ${id(config.metadata)}`,
            says: `It posts to ${raw}, but crashtriage listens at ${expected}: the posts go nowhere.`,
            fix: [`set the url to ${expected}`],
          },
        ];
  });
}

function tokenSecrets(view: ClusterView, config: AlertmanagerConfigObject): Finding[] {
  const refs = (config.spec?.receivers ?? []).flatMap((r) =>
    (r.webhookConfigs ?? []).flatMap((w) => {
      const c = w.httpConfig?.authorization?.credentials;
      return c?.name === undefined ? [] : [{ name: c.name, key: c.key ?? 'token' }];
    }),
  );
  const configNs = config.metadata.namespace ?? view.namespace;
  const ours = tokenSecretOf(view);
  if (refs.length === 0) {
    return [
      {
        verdict: 'drops',
        subject: `AlertmanagerConfig ${id(config.metadata)}`,
        says: 'Its webhook sends no bearer token: crashtriage answers 401 and Alertmanager does not resend.',
        fix: [
          'add httpConfig.authorization (type Bearer, credentials: the Secret crashtriage-webhook-token, key token) as in deploy/monitoring/alertmanager-config.yaml',
        ],
      },
    ];
  }
  return refs.map((ref) => ({
    verdict: 'check' as const,
    subject: 'webhook token',
    says: `Alertmanager sends the token from Secret ${configNs}/${ref.name} (key ${ref.key}); crashtriage accepts the one in Secret ${view.namespace}/${ours} (key token). Both must exist and hold the same token, or every post is refused with 401 (alert CrashtriageWebhookUnauthorized). The doctor never reads Secrets: compare them without printing them.`,
    fix: [
      `kubectl -n ${configNs} get secret ${ref.name}`,
      `cmp -s <(kubectl -n ${configNs} get secret ${ref.name} -o jsonpath='{.data.${ref.key}}') <(kubectl -n ${view.namespace} get secret ${ours} -o jsonpath='{.data.token}') && echo same || echo DIFFERENT`,
    ],
  }));
}
