import { describe, expect, it } from 'vitest';
import { gatherEvidence } from '../../../src/kube/gather-evidence.ts';
import { gatherForAlerts } from '../../../src/kube/gather-for-alerts.ts';
import { KubeReadError } from '../../../src/kube/kube-error.ts';
import { kubeFixture } from '../../fixtures/kube/index.ts';
import { fakeReader } from './fake-reader.ts';

const NOW = new Date('2025-03-14T10:30:00Z');
const web = { namespace: 'default', pod: 'web-7d4b9c8f6-x2kqp', container: 'app', alertReason: 'CrashLoopBackOff' };

describe('gatherEvidence', () => {
  it('a crash-looping container → pod, container, newest-first events and the previous log, no problems', async () => {
    const kube = fakeReader(['deployment-crashloop']);
    const evidence = await gatherEvidence({ kube }, web, NOW);
    expect(evidence.now).toBe('2025-03-14T10:30:00.000Z');
    expect(evidence.target).toEqual(web);
    expect(evidence.pod?.owner).toEqual({ kind: 'Deployment', name: 'web' });
    expect(evidence.container?.name).toBe('app');
    expect(evidence.events[0]?.reason).toBe('BackOff');
    expect(evidence.log?.container).toBe('app');
    expect(evidence.log?.previous).toBe(true);
    expect(evidence.log?.lines.at(-1)).toBe('Node.js v22.14.0');
    expect(evidence.log?.lines).toContain('Error: connect ECONNREFUSED 10.96.14.7:5432');
    expect(evidence.log?.truncated).toBe(false);
    expect(evidence.problems).toEqual([]);
    expect(kube.calls).toHaveLength(3);
    expect(kube.logRequests).toEqual([{ tailLines: 200, limitBytes: 65536 }]);
  });

  it('no container label → picks the crash-looping init container, then reads its log', async () => {
    const kube = fakeReader(['init-crashloop']);
    const evidence = await gatherEvidence({ kube }, { namespace: 'shop', pod: 'shop-84f7c6d5b9-n4m8r' }, NOW);
    expect(evidence.target.container).toBe('migrate');
    expect(evidence.container?.init).toBe(true);
    expect(evidence.log?.lines.at(-1)).toBe('django.db.utils.OperationalError: [Errno -2] Name or service not known');
    expect(kube.calls).toEqual(['pod shop/shop-84f7c6d5b9-n4m8r', 'events shop/shop-84f7c6d5b9-n4m8r', 'log shop/shop-84f7c6d5b9-n4m8r/migrate']);
  });

  it('a container that never terminated → no log read, no problem (2 calls)', async () => {
    const kube = fakeReader(['config-error']);
    const evidence = await gatherEvidence({ kube }, { namespace: 'default', pod: 'orders-6d5f8c7b4-tz9xw' }, NOW);
    expect(evidence.container?.state).toMatchObject({ reason: 'CreateContainerConfigError' });
    expect(evidence.log).toBeUndefined();
    expect(evidence.problems).toEqual([]);
    expect(kube.calls).toHaveLength(2);
  });

  it('no pod label → missing-label problem and no API call', async () => {
    const kube = fakeReader([]);
    const evidence = await gatherEvidence({ kube }, { namespace: 'default' }, NOW);
    expect(evidence.problems).toEqual([expect.objectContaining({ source: 'target', kind: 'missing-label' })]);
    expect(kube.calls).toEqual([]);
  });

  it('pod gone → one not-found problem (not one per read), events still kept', async () => {
    const kube = fakeReader(['deployment-crashloop']);
    const evidence = await gatherEvidence({ kube }, { ...web, pod: 'web-7d4b9c8f6-gone1' }, NOW);
    expect(evidence.pod).toBeUndefined();
    expect(evidence.problems).toEqual([
      { source: 'pod', kind: 'not-found', message: 'pod "default/web-7d4b9c8f6-gone1" not found: it was probably replaced (rollout, eviction or reschedule)' },
    ]);
  });

  it('403 on the log → forbidden problem with the missing permission; the rest is kept', async () => {
    const denied = new KubeReadError(
      'forbidden',
      'pods "web-7d4b9c8f6-x2kqp" is forbidden: User "system:serviceaccount:crashtriage:crashtriage" cannot get resource "pods/log" in API group "" in the namespace "default"',
      { status: 403, missingPermission: 'get pods/log' },
    );
    const evidence = await gatherEvidence({ kube: fakeReader(['deployment-crashloop'], { log: denied }) }, web, NOW);
    expect(evidence.pod).toBeDefined();
    expect(evidence.events.length).toBeGreaterThan(0);
    expect(evidence.log).toBeUndefined();
    expect(evidence.problems).toEqual([
      {
        source: 'logs',
        kind: 'forbidden',
        message: 'forbidden: the service account cannot get pods/log in namespace "default"; grant it to read the previous log',
        missingPermission: 'get pods/log',
      },
    ]);
  });

  it('the named container is not in the pod → no-container problem', async () => {
    const evidence = await gatherEvidence({ kube: fakeReader(['deployment-crashloop'], { log: '' }) }, { ...web, container: 'old-name' }, NOW);
    expect(evidence.container).toBeUndefined();
    expect(evidence.problems[0]).toMatchObject({ source: 'pod', kind: 'no-container' });
    expect(evidence.problems[0]?.message).toContain('has no container "old-name" (it has: app)');
  });

  it('alert uid differs from the pod’s → replaced problem, events of the current instance only', async () => {
    const { pod, events } = kubeFixture('statefulset-liveness');
    const oldUid = '00000000-0000-4000-8000-000000000000';
    const stale = { ...events[0]!, involvedObject: { ...events[0]!.involvedObject, uid: oldUid } };
    const kube = fakeReader(['statefulset-liveness'], { events: [stale, ...events] });
    const evidence = await gatherEvidence({ kube }, { namespace: 'data', pod: 'db-0', container: 'postgres', uid: oldUid }, NOW);
    expect(evidence.problems[0]?.message).toContain(`uid ${oldUid} → ${pod.metadata?.uid ?? ''}`);
    expect(evidence.events).toHaveLength(events.length);
  });

  it('events timeout → problem from events, pod and log kept', async () => {
    const kube = fakeReader(['deployment-crashloop'], { events: new KubeReadError('timeout', 'no answer within 5000 ms') });
    const evidence = await gatherEvidence({ kube }, web, NOW);
    expect(evidence.problems).toEqual([{ source: 'events', kind: 'timeout', message: 'reading the events timed out: no answer within 5000 ms' }]);
    expect(evidence.log).toBeDefined();
  });

  it('log bounds are configurable', async () => {
    const kube = fakeReader(['deployment-crashloop']);
    await gatherEvidence({ kube, log: { tailLines: 50 } }, web, NOW);
    expect(kube.logRequests).toEqual([{ tailLines: 50, limitBytes: 65536 }]);
  });
});

describe('gatherForAlerts', () => {
  it('the same pod alerted twice (CrashLooping + NotReady) → pod, events and log read once', async () => {
    const kube = fakeReader(['deployment-crashloop']);
    const [a, b] = await gatherForAlerts({ kube }, [web, { namespace: 'default', pod: 'web-7d4b9c8f6-x2kqp' }], NOW);
    expect(kube.calls).toHaveLength(3);
    expect(a?.container?.name).toBe('app');
    expect(b?.container?.name).toBe('app');
    expect(b?.log).toEqual(a?.log);
  });

  it('two containers of one pod → pod and events once, one log per container', async () => {
    const kube = fakeReader(['multi-container-segfault'], { log: 'x\n' });
    const target = { namespace: 'media', pod: 'imgproc-6c9d8f7b5-h7j2p' };
    await gatherForAlerts(
      { kube },
      [
        { ...target, container: 'worker' },
        { ...target, container: 'log-shipper' },
      ],
      NOW,
    );
    expect(kube.calls.sort()).toEqual([
      'events media/imgproc-6c9d8f7b5-h7j2p',
      'log media/imgproc-6c9d8f7b5-h7j2p/log-shipper',
      'log media/imgproc-6c9d8f7b5-h7j2p/worker',
      'pod media/imgproc-6c9d8f7b5-h7j2p',
    ]);
  });

  it('keeps the order of the targets', async () => {
    const kube = fakeReader(['deployment-crashloop', 'config-error']);
    const out = await gatherForAlerts({ kube }, [{ namespace: 'default', pod: 'orders-6d5f8c7b4-tz9xw' }, web, {}], NOW);
    expect(out.map((e) => e.target.pod)).toEqual(['orders-6d5f8c7b4-tz9xw', 'web-7d4b9c8f6-x2kqp', undefined]);
  });
});

describe('the Services a name that does not resolve may mean (src/diagnosis/service-query.ts)', () => {
  const DNS_LOG = 'Error: getaddrinfo ENOTFOUND postgres\n    at GetAddrInfoReqWrap.onlookupall [as oncomplete] (node:dns:120:26)\n';
  const postgres = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'postgres', namespace: 'data' },
    spec: { type: 'ClusterIP', clusterIP: '10.96.3.3', ports: [{ port: 5432 }] },
  };
  const other = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'redis', namespace: 'data' }, spec: { ports: [{ port: 6379 }] } };

  it('an ordinary crash reads none: still 3 calls', async () => {
    const kube = fakeReader(['deployment-crashloop'], { services: [postgres] });
    const evidence = await gatherEvidence({ kube }, web, NOW);
    expect(evidence.services).toBeUndefined();
    expect(kube.calls.filter((c) => c.startsWith('services'))).toEqual([]);
  });

  it('a host that does not resolve: one list of that name in every namespace, after the log', async () => {
    const kube = fakeReader(['deployment-crashloop'], { log: DNS_LOG, services: [postgres, other] });
    const evidence = await gatherEvidence({ kube }, web, NOW);
    expect(kube.calls).toHaveLength(4);
    expect(kube.calls.at(-1)).toBe('services * metadata.name=postgres');
    expect(evidence.services).toEqual({
      query: { kind: 'name', name: 'postgres', namespace: 'default', host: 'postgres' },
      found: [{ name: 'postgres', namespace: 'data', type: 'ClusterIP', clusterIP: '10.96.3.3', ports: [5432] }],
    });
    expect(evidence.problems).toEqual([]);
  });

  it('a forbidden list is a problem naming the permission at the cluster scope, and no Services', async () => {
    const forbidden = new KubeReadError(
      'forbidden',
      'services is forbidden: User "system:serviceaccount:monitoring:crashtriage" cannot list resource "services"',
      {
        status: 403,
        missingPermission: 'list services',
      },
    );
    const kube = fakeReader(['deployment-crashloop'], { log: DNS_LOG, services: forbidden });
    const evidence = await gatherEvidence({ kube }, web, NOW);
    expect(evidence.services).toBeUndefined();
    expect(evidence.problems).toEqual([
      {
        source: 'services',
        kind: 'forbidden',
        message: 'forbidden: the service account cannot list services at the cluster scope; grant it to read the Services the log names',
        missingPermission: 'list services',
      },
    ]);
  });
});
