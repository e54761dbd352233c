/**
 * The demo's rollout regression: the first workload's Deployment was rolled out minutes before its
 * crash loop began, so the simulated cluster also serves the Deployment and the ReplicaSet of each
 * revision (the healthy previous one with the previous image, and the crashing current one, which
 * owns the pod). crashtriage reads them once for the incident and makes the rollback its first fix.
 */
import type { DemoWorkload } from './workloads.ts';

type Raw = Record<string, unknown>;

/** How long before the alert the bad revision was rolled out. */
const ROLLED_OUT_BEFORE_ALERT_MS = 6 * 60_000;

/** The Deployment and its two ReplicaSets for `w`'s pod; none when the pod is not a Deployment's. */
export function rolloutObjects(w: DemoWorkload, alertStartsAt: Date): Raw[] {
  const meta = (w.rawPod['metadata'] ?? {}) as { labels?: Record<string, string>; ownerReferences?: { kind: string; name: string; uid?: string }[] };
  const hash = meta.labels?.['pod-template-hash'];
  const rs = meta.ownerReferences?.find((r) => r.kind === 'ReplicaSet');
  if (hash === undefined || rs === undefined || !rs.name.endsWith(`-${hash}`)) return [];
  const name = rs.name.slice(0, -hash.length - 1);
  const spec = structuredClone(w.rawPod['spec']) as { containers?: { name: string; image?: string }[] };
  const previousSpec = structuredClone(spec);
  const container = previousSpec.containers?.find((c) => c.name === w.container);
  if (container?.image === undefined) return [];
  container.image = previousImage(container.image);
  const selector = { matchLabels: { app: meta.labels?.['app'] ?? name } };
  const deploymentUid = `demo-deployment-${name}`;
  const owner = [{ apiVersion: 'apps/v1', kind: 'Deployment', name, uid: deploymentUid, controller: true, blockOwnerDeletion: true }];
  const at = (msBeforeAlert: number): string => new Date(alertStartsAt.getTime() - msBeforeAlert).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const replicaSet = (rsName: string, revision: number, podHash: string, podSpec: unknown, created: string, replicas: number, ready: number): Raw => ({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: rsName,
      namespace: w.namespace,
      uid: `demo-rs-${rsName}`,
      creationTimestamp: created,
      labels: { ...selector.matchLabels, 'pod-template-hash': podHash },
      annotations: { 'deployment.kubernetes.io/revision': String(revision), 'deployment.kubernetes.io/desired-replicas': '2' },
      ownerReferences: owner,
    },
    spec: {
      replicas,
      selector: { matchLabels: { ...selector.matchLabels, 'pod-template-hash': podHash } },
      template: { metadata: { labels: selector.matchLabels }, spec: podSpec },
    },
    status: { replicas, readyReplicas: ready },
  });
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: w.namespace, uid: deploymentUid, annotations: { 'deployment.kubernetes.io/revision': '12' } },
      spec: { replicas: 2, selector, template: { metadata: { labels: selector.matchLabels }, spec } },
      // maxUnavailable 25% of 2 rounds down to 0: one old pod keeps serving while the new one crashes.
      status: { replicas: 3, updatedReplicas: 1, readyReplicas: 2, availableReplicas: 2, unavailableReplicas: 1 },
    },
    replicaSet(`${name}-6c8d9b7f4`, 11, '6c8d9b7f4', previousSpec, at(9 * 24 * 3600_000), 2, 2),
    replicaSet(rs.name, 12, hash, spec, at(ROLLED_OUT_BEFORE_ALERT_MS), 1, 0),
  ];
}

/** The release before `image`'s: its tag's last number one lower (`app:2.4.0` → `app:2.3.9` would be odd: `2.4.0` → `2.3.0`). */
function previousImage(image: string): string {
  const m = /^(.*:)(\d+)\.(\d+)(?:\.(\d+))?$/.exec(image);
  if (m === null) return `${image.replace(/:[^:/]*$/, '')}:previous`;
  const [, repo, major, minor] = m;
  return Number(minor) > 0 ? `${repo}${major}.${Number(minor) - 1}.0` : `${repo}${Number(major) - 1}.9.0`;
}
