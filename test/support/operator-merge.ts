/**
 * What prometheus-operator makes of an AlertmanagerConfig, so that amtool can test the routing a
 * real cluster would get (prometheus-operator pkg/alertmanager/amcfg.go, described in its
 * Documentation/user-guides/alerting.md): the object's route becomes the FIRST child of the base
 * configuration's root route with `continue: true`; its receivers are renamed
 * `<namespace>/<name>/<receiver>`; and, by the Alertmanager's matcher strategy, a
 * `namespace="<the object's namespace>"` matcher is added to its route and to both sides of its
 * inhibit rules. Only the fields crashtriage's AlertmanagerConfig uses are converted.
 */
import type { IAlertmanagerConfig } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1alpha1/AlertmanagerConfig';

export type MatcherStrategy = 'OnNamespace' | 'OnNamespaceExceptForAlertmanagerNamespace' | 'None';

interface Matcher {
  name: string;
  value?: string;
  matchType?: string;
}

type AlertmanagerYaml = {
  route: { routes?: unknown[] } & Record<string, unknown>;
  receivers: Array<{ name: string } & Record<string, unknown>>;
  inhibit_rules?: unknown[];
} & Record<string, unknown>;

const matcherText = (m: Matcher): string => `${m.name}${m.matchType ?? '='}${JSON.stringify(m.value ?? '')}`;

/** Merges one AlertmanagerConfig into a copy of `base` as the operator would for an Alertmanager in `alertmanagerNamespace`. */
export function mergeAlertmanagerConfig(
  base: AlertmanagerYaml,
  amc: IAlertmanagerConfig,
  options: { strategy: MatcherStrategy; alertmanagerNamespace: string },
): AlertmanagerYaml {
  const namespace = amc.metadata?.namespace ?? 'default';
  const prefix = `${namespace}/${amc.metadata?.name}/`;
  const scoped =
    options.strategy === 'OnNamespace' || (options.strategy === 'OnNamespaceExceptForAlertmanagerNamespace' && namespace !== options.alertmanagerNamespace);
  const scope: Matcher[] = scoped ? [{ name: 'namespace', matchType: '=', value: namespace }] : [];
  const spec = amc.spec ?? {};
  const route = spec.route ?? {};
  const converted: Record<string, unknown> = {
    receiver: `${prefix}${route.receiver}`,
    matchers: [...((route.matchers ?? []) as Matcher[]), ...scope].map(matcherText),
    continue: true,
    ...(route.groupBy !== undefined ? { group_by: route.groupBy } : {}),
    ...(route.groupWait !== undefined ? { group_wait: route.groupWait } : {}),
    ...(route.groupInterval !== undefined ? { group_interval: route.groupInterval } : {}),
    ...(route.repeatInterval !== undefined ? { repeat_interval: route.repeatInterval } : {}),
  };
  const receivers = (spec.receivers ?? []).map((r) => ({
    name: `${prefix}${r.name}`,
    ...(r.webhookConfigs !== undefined
      ? {
          webhook_configs: r.webhookConfigs.map((w) => ({
            url: w.url,
            send_resolved: w.sendResolved,
            max_alerts: w.maxAlerts,
            // The operator copies the Secret's value in; any token serves for routing tests.
            http_config: { authorization: { type: w.httpConfig?.authorization?.type ?? 'Bearer', credentials: 'token-from-the-secret' } },
          })),
        }
      : {}),
  }));
  const inhibitRules = (spec.inhibitRules ?? []).map((rule) => ({
    source_matchers: [...((rule.sourceMatch ?? []) as Matcher[]), ...scope].map(matcherText),
    target_matchers: [...((rule.targetMatch ?? []) as Matcher[]), ...scope].map(matcherText),
    equal: rule.equal,
  }));
  const merged = structuredClone(base);
  merged.route.routes = [converted, ...(merged.route.routes ?? [])];
  merged.receivers = [...merged.receivers, ...receivers];
  if (inhibitRules.length > 0) merged.inhibit_rules = [...(merged.inhibit_rules ?? []), ...inhibitRules];
  return merged;
}
