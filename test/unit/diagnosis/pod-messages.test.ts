/**
 * The pod-level texts (eviction, scheduler, volume, sandbox messages) parsed into the names the
 * diagnosis quotes, and the less common pod-level cases end to end: each kind of scheduler reason,
 * eviction resource and pod status reason gets its own detail and its own fix.
 */
import type { IPod } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/diagnosis/diagnose.ts';
import { cniPlugin, parseEviction, parseSchedulingFailure, parseVolumeFailure, sandboxNetworkFailure } from '../../../src/diagnosis/pod-messages.ts';
import { fixtures, toEvidence } from '../../fixtures/diagnosis/index.ts';
import { event } from '../../fixtures/diagnosis/k8s.ts';

describe('parseEviction', () => {
  it.each([
    [
      'The node was low on resource: memory. Container app was using 1843200Ki, which exceeds its request of 512Mi. ',
      { kind: 'memory-pressure', resource: 'memory', containers: [{ name: 'app', usage: '1843200Ki', request: '512Mi' }] },
    ],
    [
      'The node was low on resource: ephemeral-storage. Container ebaogi-bff-app was using 34260Ki, which exceeds its request of 0. ',
      { kind: 'disk-pressure', resource: 'ephemeral-storage', containers: [{ name: 'ebaogi-bff-app', usage: '34260Ki', request: '0' }] },
    ],
    [
      'The node was low on resource: ephemeral-storage. Threshold quantity: 2146223340, available: 1181292Ki. Container consumerui was using 23372Ki, request is 10Mi, has larger consumption of ephemeral-storage. Container helmer was using 10304Ki, request is 10Mi, has larger consumption of ephemeral-storage. ',
      {
        kind: 'disk-pressure',
        containers: [
          { name: 'consumerui', usage: '23372Ki', request: '10Mi' },
          { name: 'helmer', usage: '10304Ki', request: '10Mi' },
        ],
      },
    ],
    ['The node was low on resource: pids. ', { kind: 'pid-pressure', resource: 'pids', containers: [] }],
    ['Pod ephemeral local storage usage exceeds the total limit of containers 1Gi. ', { kind: 'ephemeral-storage-limit', containers: [] }],
    ['Usage of EmptyDir volume "cache" exceeds the limit "500Mi". ', { kind: 'ephemeral-storage-limit' }],
  ])('%s', (message, expected) => {
    expect(parseEviction(message)).toMatchObject(expected);
  });

  it('a text that is no eviction → undefined', () => {
    expect(parseEviction('Preempted by a pod with higher priority')).toBeUndefined();
  });
});

describe('parseSchedulingFailure', () => {
  it.each([
    [
      '0/5 nodes are available: 5 Insufficient cpu, 5 Insufficient nvidia.com/gpu.',
      'insufficient-resources',
      { nodes: 5, insufficient: ['cpu', 'nvidia.com/gpu'] },
    ],
    [
      '0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }. preemption: …',
      'taints',
      { taints: ['{node.kubernetes.io/unreachable: }'] },
    ],
    ["0/3 nodes are available: 3 node(s) had taint {dedicated: gpu}, that the pod didn't tolerate.", 'taints', {}],
    ["0/4 nodes are available: 4 node(s) didn't match Pod's node affinity/selector.", 'node-affinity', {}],
    ["0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules.", 'pod-affinity', {}],
    ['0/3 nodes are available: 3 node(s) had volume node affinity conflict.', 'volume-zone', {}],
    ['0/2 nodes are available: persistentvolumeclaim "data-db-0" not found.', 'unbound-claim', { claim: 'data-db-0' }],
    ["0/3 nodes are available: 3 node(s) didn't have free ports for the requested pod ports.", 'host-port', {}],
    ['0/2 nodes are available: 2 node(s) were unschedulable.', 'unschedulable-nodes', {}],
    ['0/1 nodes are available: 1 Too many pods.', 'too-many-pods', {}],
  ])('%s → %s', (message, reason, more) => {
    const f = parseSchedulingFailure(message);
    expect(f?.reasons[0]?.reason).toBe(reason);
    expect(f).toMatchObject(more);
  });

  it('ranks reasons by how many nodes they rejected, and ignores the preemption part', () => {
    const f = parseSchedulingFailure(
      '0/6 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 5 Insufficient memory. preemption: 0/6 nodes are available: 6 Insufficient cpu.',
    );
    expect(f?.reasons.map((r) => [r.reason, r.nodes])).toEqual([
      ['insufficient-resources', 5],
      ['taints', 1],
    ]);
    expect(f?.insufficient).toEqual(['memory']);
  });

  it('a text it cannot read → undefined', () => {
    expect(parseSchedulingFailure('running PreBind plugin "VolumeBinding": binding volumes: timed out')).toBeUndefined();
  });
});

describe('parseVolumeFailure and the sandbox', () => {
  it.each([
    ['FailedAttachVolume', 'Multi-Attach error for volume "pvc-1" Volume is already used by pod(s) web-0', { problem: 'multi-attach', volume: 'pvc-1' }],
    ['FailedAttachVolume', 'AttachVolume.Attach failed for volume "pvc-2" : rpc error: code = Internal desc = …', { problem: 'attach', volume: 'pvc-2' }],
    ['FailedMount', 'MountVolume.MountDevice failed for volume "pvc-3" : rpc error: code = Internal', { problem: 'mount', volume: 'pvc-3' }],
    [
      'FailedMount',
      'Unable to attach or mount volumes: unmounted volumes=[data logs], unattached volumes=[data]: timed out',
      { problem: 'mount', unmounted: ['data', 'logs'] },
    ],
  ])('%s %s', (reason, message, expected) => {
    expect(parseVolumeFailure(reason, message)).toMatchObject(expected);
  });

  it('other reasons are no volume failure', () => {
    expect(parseVolumeFailure('Failed', 'MountVolume.SetUp failed for volume "x"')).toBeUndefined();
  });

  it('tells CNI failures from other sandbox failures, and names the plugin', () => {
    const calico =
      'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "1f8": plugin type="calico" failed (add): Unauthorized';
    expect(sandboxNetworkFailure(calico)).toBe(true);
    expect(cniPlugin(calico)).toBe('calico');
    expect(cniPlugin('NetworkPlugin cni failed to set up pod "x_y" network: Cilium API client timeout')).toBe('cilium');
    const runtime = 'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to reserve sandbox name "x": name is reserved';
    expect(sandboxNetworkFailure(runtime)).toBe(false);
    expect(cniPlugin(runtime)).toBeUndefined();
  });
});

/** A fixture's pod changed by `change`, with `events` in place of its own. */
function variant(name: string, change: (p: IPod) => void, events?: (p: IPod) => ReturnType<typeof event>[]) {
  const f = fixtures.find((x) => x.name === name);
  if (f?.pod === undefined) throw new Error(`no fixture ${name}`);
  const pod = structuredClone(f.pod);
  change(pod);
  return diagnose(toEvidence({ ...f, pod, events: events === undefined ? f.events : events(pod), node: undefined as never }));
}

const texts = (d: ReturnType<typeof diagnose>): string => [d.cause.summary, ...d.remedies.flatMap((r) => [r.title, ...r.commands])].join('\n');

describe('less common pod-level cases', () => {
  it('PID pressure eviction → evicted/pid-pressure, the process listing on the node', () => {
    const d = variant('evicted-node-memory-pressure', (p) => {
      if (p.status !== undefined) p.status.message = 'The node was low on resource: pids. ';
    });
    expect(d.cause).toMatchObject({ id: 'evicted', detail: 'pid-pressure' });
    expect(texts(d)).toContain('chroot /host ps -e -o pid,ppid,comm');
  });

  it('a memory request is never raised above the container’s own limit (the API server would refuse it)', () => {
    const d = variant('evicted-node-memory-pressure', (p) => {
      const c = p.spec?.containers[0];
      if (c !== undefined) c.resources = { requests: { memory: '512Mi' }, limits: { memory: '1Gi' } };
    });
    expect(texts(d)).toContain('"requests":{"memory":"1Gi"}');
  });

  it('an eviction without a message (the event expired) still decides, at medium confidence', () => {
    const d = variant(
      'evicted-node-memory-pressure',
      (p) => {
        if (p.status !== undefined) delete p.status.message;
      },
      () => [],
    );
    expect(d.cause).toMatchObject({ id: 'evicted', confidence: 'medium' });
    expect(texts(d)).toContain('kubectl top pod');
  });

  it('NodeShutdown (refused while the node shut down) and an unknown failed-pod reason', () => {
    const rejected = variant('pod-terminated-node-shutdown', (p) => {
      if (p.status !== undefined) {
        p.status.reason = 'NodeShutdown';
        p.status.message = 'Pod was rejected as the node is shutting down.';
      }
    });
    expect(rejected.cause).toMatchObject({ id: 'pod-terminated', detail: 'node-shutdown' });
    expect(rejected.cause.summary).toContain('rejected it');
    const other = variant('pod-terminated-node-shutdown', (p) => {
      if (p.status !== undefined) {
        p.status.reason = 'OutOfcpu';
        p.status.message = "Pod Node didn't have enough resource: cpu, requested: 4000, used: 3500, capacity: 4000";
      }
    });
    expect(other.cause).toMatchObject({ id: 'pod-terminated', title: 'Pod failed: OutOfcpu' });
    expect(other.cause.detail).toBeUndefined();
    expect(other.cause.summary).toContain("didn't have enough resource: cpu");
  });

  it('a Terminated reason that is not a node shutdown, on a running pod, decides nothing at the pod level', () => {
    const d = variant('pod-terminated-node-shutdown', (p) => {
      if (p.status !== undefined) {
        p.status.phase = 'Running';
        p.status.message = 'something else';
      }
    });
    expect(d.cause.id).not.toBe('pod-terminated');
  });

  it.each([
    ["0/3 nodes are available: 3 node(s) didn't have free ports for the requested pod ports.", 'host-port', 'hostPort'],
    ['0/2 nodes are available: 2 node(s) were unschedulable.', 'unschedulable-nodes', 'kubectl uncordon'],
    ['0/1 nodes are available: 1 Too many pods.', 'too-many-pods', 'allocatable.pods'],
    ['0/3 nodes are available: 3 node(s) had volume node affinity conflict.', 'volume-zone', 'spec.nodeAffinity'],
    ["0/3 nodes are available: 3 node(s) didn't match pod affinity rules.", 'pod-affinity', '.affinity'],
    ['0/3 nodes are available: 3 node(s) exceed max volume count.', undefined, 'kubectl describe pod'],
  ])('FailedScheduling "%s" → %s with its own fix', (message, detail, token) => {
    const d = variant(
      'unschedulable-insufficient-memory-and-taint',
      (p) => {
        const c = p.status?.conditions?.[0];
        if (c !== undefined) c.message = message;
      },
      (p) => [event(p, { reason: 'FailedScheduling', message, firstAgo: 300, component: 'default-scheduler' })],
    );
    expect(d.cause.id).toBe('unschedulable');
    expect(d.cause.detail).toBe(detail);
    expect(texts(d)).toContain(token);
  });

  it('a sandbox failure that is not the network → pod-setup/sandbox, the runtime named', () => {
    const d = variant(
      'pod-setup-sandbox-calico-timeout',
      () => {},
      (p) => [
        event(p, {
          reason: 'FailedCreatePodSandBox',
          message: 'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to reserve sandbox name "x": name is reserved',
          firstAgo: 60,
        }),
      ],
    );
    expect(d.cause).toMatchObject({ id: 'pod-setup', detail: 'sandbox', title: 'FailedCreatePodSandBox' });
    expect(d.cause.summary).toContain('container runtime');
  });

  it('a volume that will not attach, named by the pod volume → pod-setup/volume-attach with its claim', () => {
    const d = variant(
      'pod-setup-multi-attach',
      () => {},
      (p) => [
        event(p, {
          reason: 'FailedAttachVolume',
          message: 'AttachVolume.Attach failed for volume "data" : rpc error: code = DeadlineExceeded desc = context deadline exceeded',
          firstAgo: 300,
          component: 'attachdetach-controller',
        }),
      ],
    );
    expect(d.cause).toMatchObject({ id: 'pod-setup', detail: 'volume-attach', title: 'FailedAttachVolume: claim mongo-data' });
    expect(texts(d)).not.toContain('Recreate');
  });

  it('an init container stuck without saying on what → pod-setup/init-waiting at medium confidence', () => {
    const f = fixtures.find((x) => x.name === 'pod-setup-init-waiting-for-service');
    if (f === undefined) throw new Error('fixture missing');
    const d = diagnose(toEvidence({ ...f, log: 'starting\n' }));
    expect(d.cause).toMatchObject({ id: 'pod-setup', detail: 'init-waiting', confidence: 'medium' });
    expect(d.cause.summary).toContain('does not say what it waits for');
  });
});
