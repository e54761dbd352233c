/**
 * The claims and StorageClasses read through the real client against the fake API server over TLS:
 * GET /api/v1/namespaces/{ns}/persistentvolumeclaims/{name} and GET /apis/storage.k8s.io/v1/storageclasses,
 * only for a pod the scheduler turns down for an unbound claim; a claim that is not there is a fact
 * (missing), a forbidden list a problem naming the permission.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/diagnosis/diagnose.ts';
import { gatherEvidence } from '../../../src/kube/gather-evidence.ts';
import { createKubeReader, type KubeApiReader } from '../../../src/kube/reader.ts';
import { fixtures } from '../../fixtures/diagnosis/index.ts';
import { type FakeKubeApi, startFakeKubeApi } from '../../support/fake-kube-api.ts';

const NOW = new Date('2026-04-09T14:05:00Z');
const scim = fixtures.find((x) => x.name === 'unschedulable-unbound-pvc-class-not-found');
const target = { namespace: '1password-scim', pod: scim?.pod?.metadata?.name ?? '' };

let api: FakeKubeApi;
let reader: KubeApiReader;

beforeAll(async () => {
  api = await startFakeKubeApi({ pods: [scim?.pod ?? {}], events: scim?.events ?? [], objects: [...(scim?.claims ?? []), ...(scim?.storageClasses ?? [])] });
  reader = createKubeReader({ kubeconfigPath: api.kubeconfigPath, timeoutMs: 5000 });
});
afterAll(async () => {
  await reader.close();
  await api.close();
});

describe('the claims and StorageClasses of an unbound claim', () => {
  it('one GET per claim, one list of classes: the claim asks for a class the cluster lacks, so it is recreated with gp2', async () => {
    api.resetRequests();
    const evidence = await gatherEvidence({ kube: reader }, target, NOW);
    const storage = api.requests.filter((r) => /persistentvolumeclaims|storageclasses/.test(r.path)).map((r) => `${r.method} ${r.path} ${r.status}`);
    expect(storage.sort()).toEqual([
      'GET /api/v1/namespaces/1password-scim/persistentvolumeclaims/op-scim-bridge-pvc 200',
      'GET /apis/storage.k8s.io/v1/storageclasses 200',
    ]);
    expect(evidence.storage).toEqual({
      claims: [{ name: 'op-scim-bridge-pvc', phase: 'Pending', storageClassName: 'do-block-storage' }],
      classes: [{ name: 'gp2', provisioner: 'kubernetes.io/aws-ebs', isDefault: true }],
    });
    expect(diagnose(evidence).remedies[0]?.commands.join('\n')).toContain('storageClassName: gp2/');
  });

  it('403 on the classes → a storage problem naming list storageclasses.storage.k8s.io at the cluster scope; the check stays first', async () => {
    const denied = await startFakeKubeApi({ pods: [scim?.pod ?? {}], objects: scim?.claims ?? [], forbidden: ['storageclasses'] });
    const r = createKubeReader({ kubeconfigPath: denied.kubeconfigPath, timeoutMs: 5000 });
    try {
      const evidence = await gatherEvidence({ kube: r }, target, NOW);
      expect(evidence.problems).toEqual([
        expect.objectContaining({ source: 'storage', kind: 'forbidden', missingPermission: 'list storageclasses.storage.k8s.io' }),
      ]);
      expect(evidence.problems[0]?.message).toContain('at the cluster scope');
      expect(diagnose(evidence).remedies[0]?.kind).toBe('diagnostic');
    } finally {
      await r.close();
      await denied.close();
    }
  });
});
