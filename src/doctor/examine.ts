/**
 * The doctor's judgement, pure: from what was read (`ClusterView`) to findings in plain words, each
 * with the commands that fix it (finding.ts). First crashtriage's own objects (examine-install.ts);
 * then, where prometheus-operator runs, whether its Prometheus selects crashtriage's rules and
 * ServiceMonitor (examine-prometheus.ts) and its Alertmanager crashtriage's AlertmanagerConfig, and
 * whether that config's route sees every namespace (examine-alertmanager.ts). The selection rules
 * are prometheus-operator's (selection.ts).
 */
import type { ClusterView } from './cluster-view.ts';
import { examineAlertmanagerConfigs } from './examine-alertmanager.ts';
import { examineDeployment, examineService } from './examine-install.ts';
import { examineRules, examineServiceMonitors } from './examine-prometheus.ts';
import type { Finding } from './finding.ts';

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
