/**
 * The owner an alert's labels make likely. Pod names are the controllers' real output, from public
 * sources: kubernetes-mixin's rule tests (tests/*.yaml: `ds-7cc77d965f-cgsdv` of ReplicaSet
 * `ds-7cc77d965f`), `kubectl get pods` output in public write-ups of a Deployment rollout
 * (`nginx-deployment-75675f5897-27hs9`, `-79cb98c794-7whjg`) and the Kubernetes docs' StatefulSet
 * tutorial (`web-0`, `web-1`); the others are built by the same rules (a CronJob's Job is
 * `<cronjob>-<scheduled minute>`: pkg/controller/cronjob getJobName).
 */
import { describe, expect, it } from 'vitest';
import { guessOwner } from '../../../src/kube/owner-guess.ts';

const at = (pod: string, extra: Record<string, string> = {}) => guessOwner({ namespace: 'shop', pod, ...extra })?.owners;

describe('guessOwner from the pod name', () => {
  it.each([
    ['ds-7cc77d965f-cgsdv', 'ds'],
    ['nginx-deployment-75675f5897-27hs9', 'nginx-deployment'],
    ['nginx-deployment-79cb98c794-7whjg', 'nginx-deployment'],
    ['shop-84f7c6d5b9-n4m8r', 'shop'],
  ])('%s: a Deployment (ReplicaSet <deployment>-<pod-template-hash>, pod <replicaset>-<5>)', (pod, name) => {
    expect(at(pod)).toEqual([{ kind: 'Deployment', name }]);
  });

  it.each([
    ['web-0', 'web'],
    ['web-1', 'web'],
    ['ledger-db-12', 'ledger-db'],
  ])('%s: a StatefulSet (<name>-<ordinal>)', (pod, name) => {
    expect(at(pod)).toEqual([{ kind: 'StatefulSet', name }]);
  });

  it('<name>-<5 chars>: a DaemonSet or a Job, both started (the alphabet has no vowels: "exporter" is no hash)', () => {
    expect(at('node-exporter-5xk2v')).toEqual([
      { kind: 'DaemonSet', name: 'node-exporter' },
      { kind: 'Job', name: 'node-exporter' },
    ]);
  });

  it("a CronJob's Job: <cronjob>-<scheduled minute>, never taken for a pod-template-hash", () => {
    expect(at('hello-27935822-bvvqg')).toEqual([{ kind: 'Job', name: 'hello-27935822' }]);
    expect(at('nightly-report-28912345-8kq2m')).toEqual([{ kind: 'Job', name: 'nightly-report-28912345' }]);
  });

  it.each(['debug-shell', 'busybox', 'payment-svc-canary', 'api-ab-cdefg'])('%s: no convention, no guess', (pod) => {
    expect(at(pod)).toEqual([]);
  });

  it('a generated suffix with a vowel or 0, 1, 3 is not one the API server writes', () => {
    expect(at('ingest-7b8c9d6f5-pl3ok')).toEqual([]);
    expect(at('cache-abc10')).toEqual([]);
  });
});

describe('guessOwner from owner labels the rule carries', () => {
  it("kube_pod_owner's owner_kind/owner_name: a ReplicaSet's Deployment, the others as named", () => {
    expect(at('whatever', { owner_kind: 'ReplicaSet', owner_name: 'ds-7cc77d965f' })).toEqual([{ kind: 'Deployment', name: 'ds' }]);
    expect(at('whatever', { owner_kind: 'StatefulSet', owner_name: 'db' })).toEqual([{ kind: 'StatefulSet', name: 'db' }]);
    expect(at('x', { owner_kind: 'Job', owner_name: 'hello-27935822' })).toEqual([{ kind: 'Job', name: 'hello-27935822' }]);
  });

  it('owner labels win over the name, and <none> means a bare pod', () => {
    expect(at('web-0', { owner_kind: 'DaemonSet', owner_name: 'web' })).toEqual([{ kind: 'DaemonSet', name: 'web' }]);
    expect(at('web-0', { owner_kind: '<none>', owner_name: '<none>' })).toEqual([]);
  });

  it('a ReplicaSet with no hash suffix (or another than label_pod_template_hash) has no Deployment to guess', () => {
    expect(at('legacy-x2k4q', { owner_kind: 'ReplicaSet', owner_name: 'legacy' })).toEqual([]);
    expect(at('x', { owner_kind: 'ReplicaSet', owner_name: 'web-7d4b9c8f6', label_pod_template_hash: '5f6c7d8b9' })).toEqual([]);
    expect(at('x', { owner_kind: 'ReplicaSet', owner_name: 'web-7d4b9c8f6', label_pod_template_hash: '7d4b9c8f6' })).toEqual([
      { kind: 'Deployment', name: 'web' },
    ]);
  });

  it('a custom controller in owner_kind is not guessed at (nothing to read for it)', () => {
    expect(at('cache-x2k4q', { owner_kind: 'CloneSet', owner_name: 'cache' })).toEqual([]);
  });

  it("kubernetes-mixin's workload / workload_type", () => {
    expect(at('x', { workload: 'checkout', workload_type: 'deployment' })).toEqual([{ kind: 'Deployment', name: 'checkout' }]);
    expect(at('x', { workload: 'node-exporter', workload_type: 'daemonset' })).toEqual([{ kind: 'DaemonSet', name: 'node-exporter' }]);
  });

  it('exported_ labels (kube-state-metrics scraped without honor_labels) name the pod', () => {
    expect(guessOwner({ namespace: 'monitoring', pod: 'kube-state-metrics-6f8c9d7b5-q2wzx', exported_namespace: 'shop', exported_pod: 'web-0' })).toEqual({
      namespace: 'shop',
      owners: [{ kind: 'StatefulSet', name: 'web' }],
    });
  });

  it('without namespace and pod, or with one that is no Kubernetes name, there is nothing to guess', () => {
    expect(guessOwner({ alertname: 'KubePodCrashLooping' })).toBeUndefined();
    expect(guessOwner({ namespace: '..', pod: 'web-0' })).toBeUndefined();
    expect(guessOwner({ namespace: 'shop', pod: 'web-0', owner_kind: 'StatefulSet', owner_name: '../../secrets' })?.owners).toEqual([]);
  });
});
