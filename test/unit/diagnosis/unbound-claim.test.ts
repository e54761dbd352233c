/**
 * An unbound claim (issue #28 items 1 and 3): the claim and the cluster's StorageClasses, read only
 * for this cause, decide the change, each checked against them: a class recreated only when the one
 * asked for does not exist, a class marked default only when the claim asks for none and no default
 * exists; otherwise, or when they could not be read, the claim's events come first.
 */
import type { V1PersistentVolumeClaim, V1Pod, V1StorageClass } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { StorageFacts } from '../../../src/diagnosis/cluster-facts.ts';
import { diagnose } from '../../../src/diagnosis/diagnose.ts';
import { gatherEvidence } from '../../../src/kube/gather-evidence.ts';
import { KubeReadError } from '../../../src/kube/kube-error.ts';
import { fixtures, NOW, toEvidence } from '../../fixtures/diagnosis/index.ts';
import { fakeReader } from '../kube/fake-reader.ts';

const fixture = (name: string) => {
  const f = fixtures.find((x) => x.name === name);
  if (f?.pod === undefined) throw new Error(`no fixture ${name}`);
  return { ...f, pod: f.pod };
};
/** The diagnosis of `name` with the claims and classes replaced by `storage` (undefined: not read). */
function withStorage(name: string, storage: StorageFacts | undefined) {
  const evidence = toEvidence(fixture(name));
  if (storage === undefined) delete evidence.storage;
  else evidence.storage = storage;
  return diagnose(evidence);
}
const commands = (d: ReturnType<typeof diagnose>): string => d.remedies.flatMap((r) => r.commands).join('\n');
const claim = (storageClassName?: string) => ({ name: 'worker-beat-data', phase: 'Pending', ...(storageClassName === undefined ? {} : { storageClassName }) });

describe('a claim asking for a StorageClass that does not exist', () => {
  it('is recreated with the default class (1Password/op-scim-helm#15: do-block-storage on a gp2 cluster)', () => {
    const d = diagnose(toEvidence(fixture('unschedulable-unbound-pvc-class-not-found')));
    expect(d.remedies[0]).toMatchObject({ kind: 'remedy', title: expect.stringContaining('do-block-storage does not') });
    expect(d.remedies[0]?.commands).toEqual([
      'kubectl get pvc op-scim-bridge-pvc -n 1password-scim -o yaml | sed "s/storageClassName: do-block-storage$/storageClassName: gp2/" | kubectl replace --force -f -',
    ]);
    expect(d.remedies[1]?.kind).toBe('diagnostic');
  });

  it('with no default and several classes, the reader picks one of those listed', () => {
    const d = withStorage('unschedulable-unbound-pvc', {
      claims: [claim('fast')],
      classes: [
        { name: 'standard', provisioner: 'pd.csi.storage.gke.io', isDefault: false },
        { name: 'premium', provisioner: 'pd.csi.storage.gke.io', isDefault: false },
      ],
    });
    expect(d.remedies[0]?.commands).toEqual([
      "read -r -p 'StorageClass for worker-beat-data (standard, premium): ' CLASS",
      'kubectl get pvc worker-beat-data -n invenio -o yaml | sed "s/storageClassName: fast$/storageClassName: $CLASS/" | kubectl replace --force -f -',
    ]);
  });

  it('a class that exists is not recreated: its provisioner decides, and the check says so first', () => {
    const d = withStorage('unschedulable-unbound-pvc', {
      claims: [claim('standard')],
      classes: [{ name: 'standard', provisioner: 'ebs.csi.aws.com', isDefault: true }],
    });
    expect(d.remedies[0]).toMatchObject({ kind: 'diagnostic', title: expect.stringContaining('whether its provisioner ebs.csi.aws.com runs decides') });
    expect(commands(d)).not.toContain('replace --force');
  });
});

describe('a claim asking for no class', () => {
  it('no default class → mark the cluster’s class default (Kubernetes 1.28+ gives it to the claim)', () => {
    const d = diagnose(toEvidence(fixture('unschedulable-unbound-pvc')));
    expect(d.remedies[0]?.commands).toEqual([
      `kubectl patch storageclass csi-cinder-high-speed -p '{"metadata":{"annotations":{"storageclass.kubernetes.io/is-default-class":"true"}}}'`,
    ]);
  });

  it('a default exists → the claim predates it: recreated as it is, it gets the default', () => {
    const d = withStorage('unschedulable-unbound-pvc', { claims: [claim()], classes: [{ name: 'standard', provisioner: 'x', isDefault: true }] });
    expect(d.remedies[0]?.commands).toEqual(['kubectl get pvc worker-beat-data -n invenio -o yaml | kubectl replace --force -f -']);
    expect(commands(d)).not.toContain('is-default-class');
  });

  it('no StorageClass at all (kubernetes/website#26943) → no class to mark: the check comes first and says what decides', () => {
    const d = withStorage('unschedulable-unbound-pvc', { claims: [claim()], classes: [] });
    expect(d.remedies[0]).toMatchObject({ kind: 'diagnostic', title: expect.stringContaining('The cluster has no StorageClass') });
  });

  it('storageClassName "" asks for a volume made for it: no class is marked or recreated', () => {
    const d = withStorage('unschedulable-unbound-pvc', { claims: [claim('')], classes: [{ name: 'standard', provisioner: 'x', isDefault: false }] });
    expect(d.remedies[0]?.kind).toBe('diagnostic');
    expect(commands(d)).not.toMatch(/is-default-class|replace --force/);
  });
});

describe('claims or classes not read', () => {
  it('the classes could not be listed → the claim’s events first', () => {
    const d = withStorage('unschedulable-unbound-pvc', { claims: [claim()] });
    expect(d.remedies[0]).toMatchObject({ kind: 'diagnostic', title: expect.stringContaining("The claim worker-beat-data's events decide") });
  });

  it('nothing read (an older evidence, a failed read) → the claim’s events first', () => {
    expect(withStorage('unschedulable-unbound-pvc', undefined).remedies[0]?.kind).toBe('diagnostic');
  });
});

describe('evidence gathering reads the claims and the classes only for an unbound claim', () => {
  const pvc = fixture('unschedulable-unbound-pvc');
  const target = { namespace: 'invenio', pod: pvc.pod.metadata?.name ?? '' };
  const pending = { metadata: { name: 'worker-beat-data' }, spec: {}, status: { phase: 'Pending' } } as V1PersistentVolumeClaim;
  const cinder = { metadata: { name: 'csi-cinder-high-speed' }, provisioner: 'cinder.csi.openstack.org' } as V1StorageClass;

  it('reads each claim the pod mounts and lists the StorageClasses', async () => {
    const kube = fakeReader([], { pod: pvc.pod as unknown as V1Pod, events: [], claims: { 'worker-beat-data': pending }, storageClasses: [cinder] });
    const evidence = await gatherEvidence({ kube }, target, new Date(NOW));
    expect(kube.calls).toContain('claim invenio/worker-beat-data');
    expect(kube.calls).toContain('storageclasses');
    expect(evidence.storage).toEqual({
      claims: [{ name: 'worker-beat-data', phase: 'Pending' }],
      classes: [{ name: 'csi-cinder-high-speed', provisioner: 'cinder.csi.openstack.org', isDefault: false }],
    });
    expect(evidence.problems).toEqual([]);
  });

  it('a class named by the beta annotation (older charts: helm/charts#253, kubernetes/kubernetes#39201) is the class asked for, and the recreate changes it there', async () => {
    const annotated = {
      metadata: { name: 'worker-beat-data', annotations: { 'volume.beta.kubernetes.io/storage-class': 'fast' } },
      spec: {},
      status: { phase: 'Pending' },
    } as V1PersistentVolumeClaim;
    const kube = fakeReader([], { pod: pvc.pod as unknown as V1Pod, events: [], claims: { 'worker-beat-data': annotated }, storageClasses: [cinder] });
    const evidence = await gatherEvidence({ kube }, target, new Date(NOW));
    expect(evidence.storage?.claims).toEqual([{ name: 'worker-beat-data', phase: 'Pending', storageClassName: 'fast', classAnnotated: true }]);
    const d = diagnose(evidence);
    expect(d.remedies[0]).toMatchObject({ kind: 'remedy', title: expect.stringContaining('fast does not') });
    expect(d.remedies[0]?.commands).toEqual([
      'kubectl get pvc worker-beat-data -n invenio -o yaml | sed "s/storageClassName: fast$/storageClassName: csi-cinder-high-speed/;s/storage-class: fast$/storage-class: csi-cinder-high-speed/" | kubectl replace --force -f -',
    ]);
    expect(commands(d)).not.toContain('is-default-class');
  });

  it('a 403 listing StorageClasses is a problem naming the permission at the cluster scope, and the check stays first', async () => {
    const forbidden = new KubeReadError('forbidden', 'storageclasses.storage.k8s.io is forbidden', {
      status: 403,
      missingPermission: 'list storageclasses.storage.k8s.io',
    });
    const kube = fakeReader([], { pod: pvc.pod as unknown as V1Pod, events: [], claims: { 'worker-beat-data': pending }, storageClasses: forbidden });
    const evidence = await gatherEvidence({ kube }, target, new Date(NOW));
    expect(evidence.problems).toEqual([
      {
        source: 'storage',
        kind: 'forbidden',
        message:
          "forbidden: the service account cannot list storageclasses.storage.k8s.io at the cluster scope; grant it to read the pod's claims and the StorageClasses",
        missingPermission: 'list storageclasses.storage.k8s.io',
      },
    ]);
    expect(diagnose(evidence).remedies[0]?.kind).toBe('diagnostic');
  });

  it('a pod the scheduler turns down for another reason costs no such read', async () => {
    const other = fixture('unschedulable-node-selector-label-no-node-has');
    const kube = fakeReader([], { pod: other.pod as unknown as V1Pod, events: [] });
    const evidence = await gatherEvidence({ kube }, { namespace: 'default', pod: other.pod.metadata?.name ?? '' }, new Date(NOW));
    expect(kube.calls.some((c) => c.startsWith('claim') || c === 'storageclasses')).toBe(false);
    expect(evidence.storage).toBeUndefined();
  });
});
