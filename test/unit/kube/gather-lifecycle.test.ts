/**
 * Pod, node and lifecycle facts in evidence gathering: the node is read only when it may explain a
 * kill or an eviction; an init container that blocks the pod is diagnosed instead of the app
 * container the alert names; a first run's current log is read when no previous one exists.
 */
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { gatherEvidence } from '../../../src/kube/gather-evidence.ts';
import { KubeReadError } from '../../../src/kube/kube-error.ts';
import { nodeFacts } from '../../../src/kube/node-facts.ts';
import { podFacts } from '../../../src/kube/pod-facts.ts';
import { fixtures } from '../../fixtures/diagnosis/index.ts';
import { fakeReader } from './fake-reader.ts';

const NOW = new Date('2026-04-09T14:05:00Z');

function fixture(name: string) {
  const f = fixtures.find((x) => x.name === name);
  if (f?.pod === undefined) throw new Error(`no fixture ${name}`);
  const pod = f.pod as unknown as V1Pod;
  const target = { namespace: pod.metadata?.namespace ?? '', pod: pod.metadata?.name ?? '' };
  return { f, pod, target, node: f.node as unknown as V1Node | undefined };
}

describe('the node read', () => {
  it('an eviction → one get nodes for the pod’s node, its conditions in the evidence', async () => {
    const { pod, target, node } = fixture('evicted-node-memory-pressure');
    const kube = fakeReader([], { pod, ...(node === undefined ? {} : { node }) });
    const evidence = await gatherEvidence({ kube }, target, NOW);
    expect(kube.calls.filter((c) => c.startsWith('node '))).toEqual(['node ip-10-0-3-17.eu-west-1.compute.internal']);
    expect(evidence.node?.conditions.find((c) => c.type === 'MemoryPressure')).toMatchObject({ status: 'True', reason: 'KubeletHasInsufficientMemory' });
    expect(evidence.problems).toEqual([]);
  });

  it('SIGKILL without OOMKilled → the node is read; OOMKilled, a deletion or a clean exit → not', async () => {
    const read = async (name: string, container?: string): Promise<string[]> => {
      const { pod, target } = fixture(name);
      const kube = fakeReader([], { pod, log: '', currentLog: '' });
      await gatherEvidence({ kube }, { ...target, ...(container === undefined ? {} : { container }) }, NOW);
      return kube.calls.filter((c) => c.startsWith('node '));
    };
    expect(await read('sigkill-node-memory-pressure')).toHaveLength(1);
    expect(await read('sigkill-node-memory-pressure', 'cart-cache')).toHaveLength(1);
    expect(await read('oom-killed-java-xmx-over-limit')).toEqual([]);
    expect(await read('sigkill-grace-period-exceeded')).toEqual([]);
    expect(await read('sigterm-no-probe')).toEqual([]);
    expect(await read('app-crash-go-nil-pointer-panic')).toEqual([]);
  });

  it('403 on the node → a node problem naming get nodes at the cluster scope; the rest is kept', async () => {
    const { pod, target } = fixture('sigkill-node-memory-pressure');
    const denied = new KubeReadError(
      'forbidden',
      'nodes "ip-10-0-3-17.eu-west-1.compute.internal" is forbidden: User "system:serviceaccount:crashtriage:crashtriage" cannot get resource "nodes" in API group "" at the cluster scope',
      { status: 403, missingPermission: 'get nodes' },
    );
    const evidence = await gatherEvidence({ kube: fakeReader([], { pod, log: '', node: denied }) }, target, NOW);
    expect(evidence.node).toBeUndefined();
    expect(evidence.container?.name).toBe('cart-cache');
    expect(evidence.problems).toEqual([
      {
        source: 'node',
        kind: 'forbidden',
        message: "forbidden: the service account cannot get nodes at the cluster scope; grant it to read the pod's node",
        missingPermission: 'get nodes',
      },
    ]);
  });

  it('404 on the node → the node was removed, said as such (not as a missing pod)', async () => {
    const { pod, target } = fixture('sigkill-node-memory-pressure');
    const evidence = await gatherEvidence({ kube: fakeReader([], { pod, log: '' }) }, target, NOW);
    expect(evidence.problems).toEqual([
      {
        source: 'node',
        kind: 'not-found',
        message: 'node "ip-10-0-3-17.eu-west-1.compute.internal" not found: it was removed (scale-down, replacement) after the pod ran on it',
      },
    ]);
  });
});

describe('init containers', () => {
  it('the alert names the app container, an init container crash-loops → the init container is diagnosed and its log read', async () => {
    const kube = fakeReader(['init-crashloop']);
    const evidence = await gatherEvidence({ kube }, { namespace: 'shop', pod: 'shop-84f7c6d5b9-n4m8r', container: 'web' }, NOW);
    expect(evidence.target.container).toBe('migrate');
    expect(evidence.container?.init).toBe(true);
    expect(evidence.log?.container).toBe('migrate');
    // The speculative read for `web` was already sent with the pod read; the init container's follows.
    expect(kube.calls).toContain('log shop/shop-84f7c6d5b9-n4m8r/migrate');
    expect(evidence.problems).toEqual([]);
  });

  it('an init container running for long, app containers in PodInitializing → its current log is read', async () => {
    const { pod, target } = fixture('pod-setup-init-waiting-for-service');
    const kube = fakeReader([], { pod, currentLog: 'waiting for mysql\n' });
    const evidence = await gatherEvidence({ kube }, { ...target, container: 'checkout' }, NOW);
    expect(evidence.container?.name).toBe('wait-for-db');
    expect(evidence.log).toEqual({ container: 'wait-for-db', previous: false, lines: ['waiting for mysql'], truncated: false });
    expect(kube.calls).toContain(`current-log shop/${target.pod}/wait-for-db`);
  });

  it('init containers that finished do not take over from the app container', async () => {
    const kube = fakeReader(['deployment-crashloop']);
    const evidence = await gatherEvidence({ kube }, { namespace: 'default', pod: 'web-7d4b9c8f6-x2kqp' }, NOW);
    expect(evidence.container?.name).toBe('app');
  });
});

describe('the current log', () => {
  it('a first run that ended (no previous instance) → the current log, previous: false, and no problem', async () => {
    const { pod, target } = fixture('sigterm-pod-deleting-rollout');
    const kube = fakeReader([], {
      pod,
      currentLog: 'shutting down\n',
      log: new KubeReadError('no-previous-log', 'previous terminated container not found', { status: 400 }),
    });
    const evidence = await gatherEvidence({ kube }, target, NOW);
    expect(evidence.log).toMatchObject({ previous: false, lines: ['shutting down'] });
    expect(kube.calls.some((c) => c.startsWith('log '))).toBe(false);
    expect(evidence.problems).toEqual([]);
  });

  it('the alert names that container → the speculative previous read 400s, the current log is read instead', async () => {
    const { pod, target } = fixture('sigterm-pod-deleting-rollout');
    const kube = fakeReader([], {
      pod,
      currentLog: 'bye\n',
      log: new KubeReadError('no-previous-log', 'previous terminated container not found', { status: 400 }),
    });
    const evidence = await gatherEvidence({ kube }, { ...target, container: 'storefront-api' }, NOW);
    expect(evidence.log).toMatchObject({ previous: false, lines: ['bye'] });
    expect(evidence.problems).toEqual([]);
  });
});

describe('pod and node facts', () => {
  it('keeps deletionTimestamp, the grace period a deletion set, activeDeadlineSeconds and the pod status reason', () => {
    const deleting = podFacts(fixture('sigterm-pod-deleting-drain-signal-field').pod);
    expect(deleting.deletionTimestamp).toMatch(/^2026-04-09T14:05:21Z$/);
    expect(deleting.terminationGracePeriodSeconds).toBe(30);
    const evicted = podFacts(fixture('evicted-node-memory-pressure').pod);
    expect(evicted).toMatchObject({ phase: 'Failed', reason: 'Evicted' });
    expect(evicted.message).toContain('low on resource: memory');
    expect(podFacts(fixture('pod-terminated-deadline-exceeded').pod).activeDeadlineSeconds).toBe(600);
    const shortened = structuredClone(fixture('sigterm-pod-deleting-rollout').pod);
    if (shortened.metadata !== undefined) shortened.metadata.deletionGracePeriodSeconds = 5;
    expect(podFacts(shortened).terminationGracePeriodSeconds).toBe(5);
  });

  it('terminated.signal wins over the exit code: exit 0 with signal 15 is SIGTERM', () => {
    const facts = podFacts(fixture('sigterm-pod-deleting-drain-signal-field').pod);
    expect(facts.containers[0]?.state).toMatchObject({ kind: 'terminated', exitCode: 0, signal: 15, signalName: 'SIGTERM' });
  });

  it('a persistentVolumeClaim volume keeps its claim', () => {
    const facts = podFacts(fixture('pod-setup-multi-attach').pod);
    expect(facts.volumes.find((v) => v.name === 'data')).toMatchObject({ kind: 'persistentVolumeClaim', claimName: 'mongo-data' });
  });

  it('node conditions, taints, cordon and allocatable', () => {
    const node = fixture('evicted-node-memory-pressure').node;
    if (node === undefined) throw new Error('fixture has no node');
    const tainted = {
      ...node,
      spec: {
        unschedulable: true,
        taints: [
          { key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule' },
          { key: 'dedicated', value: 'gpu', effect: 'NoExecute' },
        ],
      },
    };
    const facts = nodeFacts(tainted);
    expect(facts.name).toBe('ip-10-0-3-17.eu-west-1.compute.internal');
    expect(facts.conditions.map((c) => `${c.type}=${c.status}`)).toEqual(['MemoryPressure=True', 'DiskPressure=False', 'PIDPressure=False', 'Ready=True']);
    expect(facts.taints).toEqual(['node.kubernetes.io/memory-pressure:NoSchedule', 'dedicated=gpu:NoExecute']);
    expect(facts.unschedulable).toBe(true);
    expect(facts.allocatable).toEqual({ cpu: '3920m', memory: '15214424Ki', pods: '58' });
    expect(nodeFacts({})).toEqual({ name: '', conditions: [], taints: [], unschedulable: false, allocatable: {} });
  });
});
