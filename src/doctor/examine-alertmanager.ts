/**
 * crashtriage's AlertmanagerConfig, as the doctor judges it: selected by an Alertmanager
 * (selection.ts), its route not scoped to one namespace by the matcher strategy, its webhook
 * pointing at crashtriage's Service, and the bearer token's Secrets (named, never read). Pure.
 */
import type { AlertmanagerConfigObject, AlertmanagerObject, ClusterView } from './cluster-view.ts';
import { tokenSecretOf } from './examine-install.ts';
import { type Finding, id, OVERLAY_APPLY, unreadable } from './finding.ts';
import { selection } from './selection.ts';

export function examineAlertmanagerConfigs(view: ClusterView): Finding[] {
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
