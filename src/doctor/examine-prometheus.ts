/**
 * Whether Prometheus picks up crashtriage's PrometheusRules and ServiceMonitors (selection.ts), and
 * whether an enforced namespace label rewrites its alerts. Pure.
 */
import type { ClusterView, LabelledObject, PrometheusObject, Read } from './cluster-view.ts';
import { type Finding, id, OVERLAY_APPLY, unreadable, type Verdict } from './finding.ts';
import { selection } from './selection.ts';

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

export function examineRules(view: ClusterView): Finding[] {
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

export function examineServiceMonitors(view: ClusterView): Finding[] {
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
