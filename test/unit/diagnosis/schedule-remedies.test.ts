/**
 * The scheduler's reasons lead with the change they point to, each checked against the evidence it
 * depends on (issue #28 items 1 and 3): a request is lowered only when the pod shows its figure and the
 * resource can be lowered; a taint the kubelet sets from a node's condition is never answered with a
 * toleration.
 */
import type { IPod } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/diagnosis/diagnose.ts';
import { largestRequest, taintKey } from '../../../src/diagnosis/remedies/schedule.ts';
import { fixtures, toEvidence } from '../../fixtures/diagnosis/index.ts';
import { event } from '../../fixtures/diagnosis/k8s.ts';

function scheduled(name: string, message: string | undefined, change: (p: IPod) => void = () => {}) {
  const f = fixtures.find((x) => x.name === name);
  if (f?.pod === undefined) throw new Error(`no fixture ${name}`);
  const pod = structuredClone(f.pod);
  change(pod);
  const c = pod.status?.conditions?.[0];
  if (c !== undefined && message !== undefined) c.message = message;
  const events = message === undefined ? f.events : [event(pod, { reason: 'FailedScheduling', message, firstAgo: 300, component: 'default-scheduler' })];
  return diagnose(toEvidence({ ...f, pod, events, node: undefined as never }));
}

const commands = (d: ReturnType<typeof diagnose>): string => d.remedies.flatMap((r) => r.commands).join('\n');

describe('insufficient resources: lower the request the evidence shows', () => {
  it('memory short on every node → the first Fix lowers the container’s 16Gi request with kubectl set resources', () => {
    const d = scheduled('unschedulable-insufficient-memory-and-taint', undefined);
    expect(d.remedies[0]).toMatchObject({ kind: 'remedy', title: expect.stringContaining('(memory 16Gi)') });
    expect(d.remedies[0]?.commands).toEqual([
      "read -r -p 'memory request that fits (now 16Gi): ' MEMORY",
      'kubectl set resources deployment/virt-launcher -n vms -c virt-launcher --requests=memory="$MEMORY"',
    ]);
  });

  it('no request or limit in the evidence → no figure to quote: the comparison comes first', () => {
    const d = scheduled('unschedulable-insufficient-memory-and-taint', undefined, (p) => {
      for (const c of p.spec?.containers ?? []) c.resources = {};
    });
    expect(d.remedies[0]?.kind).toBe('diagnostic');
    expect(commands(d)).not.toContain('set resources');
  });

  it('a GPU short → not lowered (an extended resource is a count, not a size): the comparison comes first', () => {
    const d = scheduled(
      'unschedulable-insufficient-memory-and-taint',
      '0/3 nodes are available: 3 Insufficient nvidia.com/gpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
    );
    expect(d.cause.detail).toBe('insufficient-resources');
    expect(d.remedies[0]?.kind).toBe('diagnostic');
    expect(commands(d)).not.toContain('set resources');
  });

  it('cpu and memory short for the same container → one set resources for both', () => {
    const d = scheduled('unschedulable-insufficient-memory-and-taint', '0/3 nodes are available: 3 Insufficient cpu, 3 Insufficient memory.', (p) => {
      const c = p.spec?.containers[0];
      if (c !== undefined) c.resources = { requests: { cpu: '8', memory: '16Gi' } };
    });
    expect(d.remedies[0]?.kind).toBe('remedy');
    expect(d.remedies[0]?.commands.at(-1)).toBe(
      'kubectl set resources deployment/virt-launcher -n vms -c virt-launcher --requests=cpu="$CPU",memory="$MEMORY"',
    );
  });

  it('largestRequest takes the request, else the limit that stands for it, and the largest of the containers', () => {
    const c = (name: string, requests: Record<string, string>, limits: Record<string, string> = {}) =>
      ({ name, resources: { requests, limits } }) as unknown as Parameters<typeof largestRequest>[0][number];
    expect(largestRequest([c('a', { memory: '512Mi' }), c('b', {}, { memory: '2Gi' })], 'memory')).toEqual({ container: 'b', quantity: '2Gi' });
    expect(largestRequest([c('a', { cpu: '500m' }), c('b', { cpu: '2' })], 'cpu')).toEqual({ container: 'b', quantity: '2' });
    expect(largestRequest([c('a', {})], 'cpu')).toBeUndefined();
  });
});

describe('taints: a condition taint is lifted, not tolerated', () => {
  it('disk-pressure on every node → free the nodes’ disk first, and no toleration is offered', () => {
    const d = scheduled('unschedulable-disk-pressure-taint', undefined);
    expect(d.remedies[0]).toMatchObject({ kind: 'remedy', title: expect.stringContaining('Free disk') });
    expect(d.remedies[0]?.commands[0]).toContain('chroot /host crictl rmi --prune');
    expect(commands(d)).not.toContain('tolerations');
    expect(d.remedies.map((r) => r.title).join('\n')).not.toMatch(/add a toleration/);
  });

  it('a taint someone set (dedicated=gpu) → whether the pod belongs there decides: the toleration check, no disk freeing', () => {
    const d = scheduled(
      'unschedulable-disk-pressure-taint',
      '0/2 nodes are available: 2 node(s) had untolerated taint {dedicated: gpu}. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
    );
    expect(d.remedies[0]).toMatchObject({ kind: 'diagnostic', title: expect.stringContaining('add a toleration') });
    expect(commands(d)).toContain('.spec.template.spec.tolerations');
    expect(commands(d)).not.toContain('crictl');
  });

  it('another condition taint (not-ready) → no toleration either: it lifts with the condition', () => {
    const d = scheduled('unschedulable-disk-pressure-taint', '0/2 nodes are available: 2 node(s) had untolerated taint {node.kubernetes.io/not-ready: }.');
    expect(d.remedies[0]?.title).toContain('by their condition');
    expect(commands(d)).not.toContain('tolerations');
  });

  it('taintKey reads the key of the scheduler’s {key: value}', () => {
    expect(taintKey('{node.kubernetes.io/disk-pressure: }')).toBe('node.kubernetes.io/disk-pressure');
    expect(taintKey('{dedicated: gpu}')).toBe('dedicated');
  });
});
