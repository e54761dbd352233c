/**
 * crashtriage's own objects, as the doctor judges them: its Deployment (installed, a pod ready, the
 * Secrets it names) and the Service Alertmanager posts to. Pure.
 */
import type { ClusterView, DeploymentObject } from './cluster-view.ts';
import { type Finding, OVERLAY_APPLY, unreadable } from './finding.ts';

export function examineDeployment(view: ClusterView): Finding[] {
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

/** The Secret crashtriage reads its webhook token from (its `webhook-token` volume). */
export function tokenSecretOf(view: ClusterView): string {
  if (!view.deployment.ok) return 'crashtriage-webhook-token';
  const volumes = view.deployment.value.spec?.template?.spec?.volumes ?? [];
  return volumes.find((v) => v.name === 'webhook-token')?.secret?.secretName ?? 'crashtriage-webhook-token';
}

export function examineService(view: ClusterView): Finding[] {
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
