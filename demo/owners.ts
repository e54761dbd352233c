/**
 * The owners of the demo's other crash-looping pods: each pod's Deployment and its one ReplicaSet,
 * rolled out long ago, as a real cluster has them. Without them the service reads a Deployment that
 * does not exist and every message but the rollout one says it "could not read deployment/…".
 */
import type { DemoWorkload } from './workloads.ts';

type Raw = Record<string, unknown>;

/** Long before any crash loop: nothing was rolled out recently. */
const ROLLED_OUT_DAYS_AGO = 30;

/**
 * A steady Deployment (one replica, not ready: it crash loops) and its ReplicaSet for each workload
 * whose pod a ReplicaSet owns, skipping the Deployments in `served` (`namespace/name`, the rollout's).
 */
export function ownerObjects(workloads: readonly DemoWorkload[], now: Date, served: ReadonlySet<string>): Raw[] {
  const out: Raw[] = [];
  const seen = new Set(served);
  const created = new Date(now.getTime() - ROLLED_OUT_DAYS_AGO * 24 * 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  for (const w of workloads) {
    const meta = (w.rawPod['metadata'] ?? {}) as { labels?: Record<string, string>; ownerReferences?: { kind: string; name: string }[] };
    const hash = meta.labels?.['pod-template-hash'];
    const rs = meta.ownerReferences?.find((r) => r.kind === 'ReplicaSet');
    if (hash === undefined || rs === undefined || !rs.name.endsWith(`-${hash}`)) continue;
    const name = rs.name.slice(0, -hash.length - 1);
    if (seen.has(`${w.namespace}/${name}`)) continue;
    seen.add(`${w.namespace}/${name}`);
    const labels = { app: meta.labels?.['app'] ?? name };
    const template = { metadata: { labels }, spec: w.rawPod['spec'] };
    const uid = `demo-deployment-${w.namespace}-${name}`;
    out.push(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace: w.namespace, uid, creationTimestamp: created, annotations: { 'deployment.kubernetes.io/revision': '1' } },
        spec: { replicas: 1, selector: { matchLabels: labels }, template },
        status: { replicas: 1, updatedReplicas: 1, readyReplicas: 0, availableReplicas: 0, unavailableReplicas: 1 },
      },
      {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: rs.name,
          namespace: w.namespace,
          uid: `demo-rs-${w.namespace}-${rs.name}`,
          creationTimestamp: created,
          labels: { ...labels, 'pod-template-hash': hash },
          annotations: { 'deployment.kubernetes.io/revision': '1', 'deployment.kubernetes.io/desired-replicas': '1' },
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name, uid, controller: true, blockOwnerDeletion: true }],
        },
        spec: { replicas: 1, selector: { matchLabels: { ...labels, 'pod-template-hash': hash } }, template },
        status: { replicas: 1, readyReplicas: 0 },
      },
    );
  }
  return out;
}
