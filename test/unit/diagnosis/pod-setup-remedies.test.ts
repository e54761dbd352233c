/**
 * Pods the kubelet cannot set up lead with the change their error points to, each checked against the
 * evidence it depends on (issue #28 items 1 and 3): the Recreate strategy only when a pod of the same
 * Deployment holds the volume, the stale attachment deleted only when the controller says no pod uses
 * it, an NFS export fixed only when the server refused the node, calico-node restarted only for a
 * refused token, and no request to read the log the message already quotes.
 */
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/diagnosis/diagnose.ts';
import { nfsAccessDenied, parseVolumeFailure } from '../../../src/diagnosis/pod-messages.ts';
import { fixtures, toEvidence } from '../../fixtures/diagnosis/index.ts';
import { event } from '../../fixtures/diagnosis/k8s.ts';

/** The fixture `name` with its events replaced by one Warning `reason` event saying `message`. */
function withEvent(name: string, reason: string, message: string) {
  const f = fixtures.find((x) => x.name === name);
  if (f?.pod === undefined) throw new Error(`no fixture ${name}`);
  return diagnose(toEvidence({ ...f, events: [event(f.pod, { reason, message, firstAgo: 300 })] }));
}

const commands = (d: ReturnType<typeof diagnose>): string => d.remedies.flatMap((r) => r.commands).join('\n');
const PV = 'pvc-8743f77c-a472-11e7-b780-000d3ab769d6';

describe('Multi-Attach: what holds the volume decides the change', () => {
  it('the controller names the pods that use it, or says none does (reconciler.go reportMultiAttachError)', () => {
    expect(
      parseVolumeFailure('FailedAttachVolume', `Multi-Attach error for volume "${PV}" Volume is already used by pod(s) mongo-6d4f-abcde, mongo-6d4f-fghij`)
        ?.holders,
    ).toEqual(['mongo-6d4f-abcde', 'mongo-6d4f-fghij']);
    expect(
      parseVolumeFailure(
        'FailedAttachVolume',
        `Multi-Attach error for volume "${PV}" Volume is already exclusively attached to one node and can't be attached to another`,
      )?.holders,
    ).toEqual([]);
    expect(parseVolumeFailure('FailedAttachVolume', `AttachVolume.Attach failed for volume "${PV}" : timed out`)?.holders).toBeUndefined();
  });

  it('no pod uses it (the old pod is gone, the old node never detached) → delete its VolumeAttachment first; Recreate would not help', () => {
    const d = withEvent(
      'pod-setup-multi-attach',
      'FailedAttachVolume',
      `Multi-Attach error for volume "${PV}" Volume is already exclusively attached to one node and can't be attached to another`,
    );
    expect(d.remedies[0]).toMatchObject({ kind: 'remedy', title: expect.stringContaining('delete that VolumeAttachment') });
    expect(d.remedies[0]?.commands[0]).toContain(`persistentVolumeName=="${PV}"`);
    expect(d.remedies[0]?.commands[0]).toContain('| xargs -r kubectl delete volumeattachment');
    expect(commands(d)).not.toContain('Recreate');
    expect(d.cause.summary).toContain('no pod uses it there any more');
  });

  it('a pod of the same Deployment holds it (a rolling update) → the Recreate strategy first', () => {
    const d = withEvent(
      'pod-setup-multi-attach',
      'FailedAttachVolume',
      `Multi-Attach error for volume "${PV}" Volume is already used by pod(s) mongo-7c9d8b6f4-x2kqp`,
    );
    expect(d.remedies[0]).toMatchObject({ kind: 'remedy', title: expect.stringContaining('Recreate strategy') });
    expect(commands(d)).not.toContain('delete volumeattachment');
    expect(d.cause.summary).toContain('where pod mongo-7c9d8b6f4-x2kqp uses it');
  });

  it('another workload’s pod holds it → which should have it decides: no Recreate, no deleted attachment', () => {
    const d = withEvent(
      'pod-setup-multi-attach',
      'FailedAttachVolume',
      `Multi-Attach error for volume "${PV}" Volume is already used by pod(s) reports-5b7f9-qwert`,
    );
    expect(d.remedies[0]).toMatchObject({ kind: 'diagnostic', title: expect.stringContaining('reports-5b7f9-qwert of another workload') });
    expect(commands(d)).not.toContain('Recreate');
    expect(commands(d)).not.toContain('delete volumeattachment');
  });
});

describe('NFS: the server’s refusal names the export to fix', () => {
  const mount = (output: string) =>
    `MountVolume.SetUp failed for volume "nfs-share" : mount failed: exit status 32\nMounting command: mount\nMounting arguments: -t nfs 10.0.8.20:/exports/uploads /var/lib/kubelet/pods/x/volumes/kubernetes.io~nfs/nfs-share\nOutput: ${output}`;

  it('access denied by server → allow the node in that server’s export of that path', () => {
    const d = withEvent('pod-setup-volume-mount-nfs', 'FailedMount', mount('mount.nfs: access denied by server while mounting 10.0.8.20:/exports/uploads'));
    expect(d.remedies[0]).toMatchObject({ kind: 'remedy', title: '10.0.8.20 refuses the node: allow its address in the export of /exports/uploads' });
    expect(d.remedies[0]?.commands.at(-1)).toContain('# on 10.0.8.20:');
  });

  it('a server that does not answer → not an export problem: the events come first', () => {
    const d = withEvent('pod-setup-volume-mount-nfs', 'FailedMount', mount('mount.nfs: Connection timed out'));
    expect(d.remedies[0]?.kind).toBe('diagnostic');
    expect(commands(d)).not.toContain('/etc/exports');
  });

  it('nfsAccessDenied reads server and path, and nothing from other outputs', () => {
    expect(nfsAccessDenied('mount.nfs4: access denied by server while mounting nas.internal:/srv/data')).toEqual({ server: 'nas.internal', path: '/srv/data' });
    expect(nfsAccessDenied('mount.nfs: No such file or directory')).toBeUndefined();
  });
});

describe('a sandbox the CNI plugin cannot set up', () => {
  const sandbox = (error: string) =>
    `Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "cb8a846be790": plugin type="calico" failed (add): ${error}`;

  it('calico’s token refused → restart calico-node on that node first', () => {
    const d = withEvent('pod-setup-sandbox-calico-unauthorized', 'FailedCreatePodSandBox', sandbox('connection is unauthorized: Unauthorized'));
    expect(d.remedies[0]).toMatchObject({ kind: 'remedy' });
    expect(d.remedies[0]?.commands).toEqual([
      'kubectl delete pod -A -l k8s-app=calico-node --field-selector spec.nodeName=ip-10-0-3-17.eu-west-1.compute.internal',
    ]);
  });

  it('another calico error (Service Unavailable) → no calico-node restart offered', () => {
    const d = withEvent(
      'pod-setup-sandbox-calico-unauthorized',
      'FailedCreatePodSandBox',
      sandbox('error getting ClusterInformation: Get "https://10.96.0.1:443/apis/crd.projectcalico.org/v1/clusterinformations/default": Service Unavailable'),
    );
    expect(d.remedies[0]?.kind).toBe('diagnostic');
    expect(commands(d)).not.toContain('k8s-app=calico-node');
  });

  it('the API server’s Service address timing out → restart kube-proxy on that node first (confidence medium), whether it runs there next', () => {
    const d = withEvent(
      'pod-setup-sandbox-calico-timeout',
      'FailedCreatePodSandBox',
      sandbox(
        'error getting ClusterInformation: Get "https://10.233.0.1:443/apis/crd.projectcalico.org/v1/clusterinformations/default": dial tcp 10.233.0.1:443: i/o timeout',
      ),
    );
    expect(d.remedies[0]).toMatchObject({ kind: 'remedy', title: expect.stringContaining('Restart kube-proxy on the node') });
    expect(d.remedies[0]?.commands).toEqual([
      'kubectl delete pod -A -l k8s-app=kube-proxy --field-selector spec.nodeName=ip-10-0-3-17.eu-west-1.compute.internal',
    ]);
    expect(d.remedies[1]).toMatchObject({ kind: 'diagnostic', title: expect.stringContaining('whether kube-proxy runs on the node decides') });
    // Likely, not sure: the node's network or a proxy set for the runtime time out the same way.
    expect(d.cause.confidence).toBe('medium');
  });

  it('a refused connection to that address → no kube-proxy restart, and the verdict stays high', () => {
    const d = withEvent(
      'pod-setup-sandbox-calico-timeout',
      'FailedCreatePodSandBox',
      sandbox(
        'error getting ClusterInformation: Get "https://10.233.0.1:443/apis/crd.projectcalico.org/v1/clusterinformations/default": dial tcp 10.233.0.1:443: connect: connection refused',
      ),
    );
    expect(commands(d)).not.toContain('k8s-app=kube-proxy');
    expect(d.cause.confidence).toBe('high');
  });
});

describe('an init container waiting for a host', () => {
  it('its log names the host (the message quotes it) → the Service check first, not a read of that log', () => {
    const f = fixtures.find((x) => x.name === 'pod-setup-init-waiting-for-service');
    if (f === undefined) throw new Error('fixture missing');
    const d = diagnose(toEvidence(f));
    expect(d.remedies[0]?.title).toBe('Whether Service mysql exists in shop decides: create it, or fix the name wait-for-db waits for');
    expect(commands(d)).not.toContain('kubectl logs');
  });

  // Two labels without .svc are not <service>.<namespace>: a StatefulSet pod behind its headless
  // Service (web-0.nginx, kubernetes.io/docs/concepts/workloads/controllers/statefulset/#stable-network-id)
  // or an outside host (db-primary.internal); the dependency's remedy reads them the same way.
  it.each(['mongo-1.mongo:27017', 'db-primary.internal:5432'])('waiting for %s names no Service of another namespace', (host) => {
    const f = fixtures.find((x) => x.name === 'pod-setup-init-waiting-for-service');
    if (f === undefined) throw new Error('fixture missing');
    const d = diagnose(toEvidence({ ...f, log: `wait-for-it ${host} -t 5\nwaiting for ${host}\n` }));
    expect(d.remedies[0]?.title).toBe(`Check that ${host} exists and answers`);
    expect(commands(d)).not.toContain('kubectl get svc');
  });

  it('its log names nothing → reading it comes first', () => {
    const f = fixtures.find((x) => x.name === 'pod-setup-init-waiting-for-service');
    if (f === undefined) throw new Error('fixture missing');
    const d = diagnose(toEvidence({ ...f, log: 'starting\n' }));
    expect(d.remedies[0]?.commands[0]).toContain('kubectl logs');
  });
});
