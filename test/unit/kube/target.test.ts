import { describe, expect, it } from 'vitest';
import type { ContainerFacts, PodFacts } from '../../../src/diagnosis/evidence.ts';
import { podFacts } from '../../../src/kube/pod-facts.ts';
import { invalidLabelProblems, missingLabelProblem, selectFailingContainer, targetFromLabels } from '../../../src/kube/target.ts';
import { KUBE_SCENARIO_NAMES, kubeFixture } from '../../fixtures/kube/index.ts';

describe('targetFromLabels', () => {
  it('KubePodCrashLooping labels name namespace, pod, container, reason and uid', () => {
    const labels = {
      alertname: 'KubePodCrashLooping',
      namespace: 'default',
      pod: 'web-7d4b9c8f6-x2kqp',
      container: 'app',
      reason: 'CrashLoopBackOff',
      uid: '6b1c3f0e-9a43-4a8e-8d7f-2f3c1a9e5b10',
      job: 'kube-state-metrics',
    };
    expect(targetFromLabels(labels)).toEqual({
      namespace: 'default',
      pod: 'web-7d4b9c8f6-x2kqp',
      container: 'app',
      alertReason: 'CrashLoopBackOff',
      uid: '6b1c3f0e-9a43-4a8e-8d7f-2f3c1a9e5b10',
    });
  });

  it('KubePodNotReady has no container', () => {
    expect(targetFromLabels({ alertname: 'KubePodNotReady', namespace: 'shop', pod: 'shop-1' })).toEqual({ namespace: 'shop', pod: 'shop-1' });
  });

  it('exported_* labels (scrape without honor_labels) win over the scrape target’s own', () => {
    const labels = { namespace: 'monitoring', pod: 'kube-state-metrics-0', exported_namespace: 'default', exported_pod: 'web-1', container: 'app' };
    expect(targetFromLabels(labels)).toEqual({ namespace: 'default', pod: 'web-1', container: 'app' });
  });

  it('empty label values count as absent', () => {
    expect(targetFromLabels({ namespace: 'default', pod: '', container: ' ' })).toEqual({ namespace: 'default' });
  });
});

describe('missingLabelProblem', () => {
  it('no pod label → missing-label problem naming it', () => {
    expect(missingLabelProblem({ namespace: 'default' })).toMatchObject({ source: 'target', kind: 'missing-label' });
    expect(missingLabelProblem({ namespace: 'default' })?.message).toContain('no pod label');
  });
  it('neither → names both', () => {
    expect(missingLabelProblem({})?.message).toContain('no namespace or pod label');
  });
  it('both present → none', () => {
    expect(missingLabelProblem({ namespace: 'a', pod: 'b' })).toBeUndefined();
  });
});

describe('selectFailingContainer', () => {
  it.each(KUBE_SCENARIO_NAMES)('%s → the fixture’s failing container', (scenario) => {
    const fixture = kubeFixture(scenario);
    expect(selectFailingContainer(podFacts(fixture.pod))?.name).toBe(fixture.container);
  });

  const container = (name: string, over: Partial<ContainerFacts>): ContainerFacts => ({
    name,
    init: false,
    image: 'x:1',
    restartCount: 0,
    ready: true,
    resources: { requests: {}, limits: {} },
    probes: {},
    command: [],
    args: [],
    ports: [],
    env: [],
    envFrom: [],
    volumeMounts: [],
    ...over,
  });
  const pod = (containers: ContainerFacts[], initContainers: ContainerFacts[] = []): PodFacts => ({
    name: 'p',
    namespace: 'n',
    restartPolicy: 'Always',
    conditions: [],
    labels: {},
    containers,
    initContainers,
    volumes: [],
  });

  it('a crash waiting reason beats more restarts elsewhere', () => {
    const p = pod([
      container('flappy', { restartCount: 40, state: { kind: 'running' } }),
      container('broken', { restartCount: 2, ready: false, state: { kind: 'waiting', reason: 'CrashLoopBackOff' } }),
    ]);
    expect(selectFailingContainer(p)?.name).toBe('broken');
  });

  it('without crash reasons, most restarts wins', () => {
    const p = pod([container('a', { restartCount: 1 }), container('b', { restartCount: 3 })]);
    expect(selectFailingContainer(p)?.name).toBe('b');
  });

  it('only an unready running container → that one', () => {
    const p = pod([container('a', {}), container('b', { ready: false, state: { kind: 'running' } })]);
    expect(selectFailingContainer(p)?.name).toBe('b');
  });

  it('a healthy pod → the first app container; an empty pod → none', () => {
    expect(selectFailingContainer(pod([container('a', {}), container('b', {})]))?.name).toBe('a');
    expect(selectFailingContainer(pod([]))).toBeUndefined();
  });

  it('a completed init container is not chosen over a healthy pod’s first container', () => {
    const init = container('setup', { init: true, ready: false, state: { kind: 'terminated', exitCode: 0, reason: 'Completed' } });
    expect(selectFailingContainer(pod([container('a', {})], [init]))?.name).toBe('a');
  });
});

describe('invalidLabelProblems', () => {
  it.each([
    [{ namespace: 'payments', pod: 'payment-svc-7b9f6d-xk2p', container: 'payment-svc' }],
    [{ namespace: 'kube-system', pod: 'etcd-ip-10-0-1-5.eu-west-1.compute.internal', container: 'etcd' }],
    [{ namespace: 'a', pod: 'db-0' }],
    [{ namespace: 'n'.repeat(63), pod: `${'p'.repeat(63)}.${'q'.repeat(63)}`, container: 'c'.repeat(63) }],
  ])('accepts Kubernetes names: %o', (target) => {
    expect(invalidLabelProblems(target)).toEqual([]);
  });

  it.each([
    ['pod', { namespace: 'payments', pod: '..' }],
    ['pod', { namespace: 'payments', pod: '.' }],
    ['namespace', { namespace: '..', pod: 'web-1' }],
    ['namespace', { namespace: 'pay.ments', pod: 'web-1' }],
    ['pod', { namespace: 'payments', pod: 'web-1/log' }],
    ['pod', { namespace: 'payments', pod: 'Web-1' }],
    ['pod', { namespace: 'payments', pod: 'web-1%2F..' }],
    ['container', { namespace: 'payments', pod: 'web-1', container: 'app.v2' }],
    ['namespace', { namespace: 'n'.repeat(64), pod: 'web-1' }],
    ['pod', { namespace: 'payments', pod: 'p'.repeat(254) }],
  ])('refuses a %s label that is not a name: %o', (label, target) => {
    const problems = invalidLabelProblems(target);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ source: 'target', kind: 'invalid-label' });
    expect(problems[0]?.message).toMatch(new RegExp(`^label ${label} is not a valid ${label === 'pod' ? 'pod' : label} name \\(`));
    expect(problems[0]?.message.length).toBeLessThan(300);
  });
});
