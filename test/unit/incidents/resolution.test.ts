import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { DiagnosisDocument } from '../../../src/diagnosis/document.ts';
import {
  decideResolution,
  type FiringFacts,
  firingFacts,
  type ListedPod,
  type OwnerPodsRead,
  replacementSelector,
  SETTLE_SECONDS,
} from '../../../src/incidents/resolution.ts';
import { podFacts } from '../../../src/kube/pod-facts.ts';

const NOW = new Date('2026-11-30T10:00:00Z');
const FIRING = { pod: 'checkout-7d9f8-abcde', container: 'app', restarts: 5 };

/** A pod as the API returns it, with the one container's status given. */
function pod(status: Record<string, unknown>, extra: { phase?: string; deletionTimestamp?: string } = {}): V1Pod {
  return {
    metadata: {
      name: FIRING.pod,
      namespace: 'shop',
      ...(extra.deletionTimestamp === undefined ? {} : { deletionTimestamp: new Date(extra.deletionTimestamp) }),
    },
    spec: { containers: [{ name: 'app', image: 'shop/checkout:1.4.2' }] },
    status: { phase: extra.phase ?? 'Running', containerStatuses: [{ name: 'app', image: 'shop/checkout:1.4.2', imageID: '', ...status } as never] },
  };
}

const running = (startedAt: string, restartCount: number, ready = true): V1Pod =>
  pod({ restartCount, ready, state: { running: { startedAt: new Date(startedAt) } } });

function decide(p: V1Pod, target: FiringFacts['target'] = FIRING) {
  return decideResolution({ kind: 'pod', pod: podFacts(p) }, { target }, NOW);
}

describe('decideResolution', () => {
  it('healthy: running and ready with no restart since the firing', () => {
    const d = decide(running('2026-11-30T09:48:00Z', 5));
    expect(d.resolution).toEqual({ state: 'healthy', text: 'Running for 12m, 0 restarts since' });
    expect(d.problem).toBeUndefined();
  });

  it('healthy without a restart count at firing says only how long it runs', () => {
    expect(decide(running('2026-11-30T08:00:00Z', 5), { pod: FIRING.pod, container: 'app' }).resolution).toEqual({
      state: 'healthy',
      text: 'Running for 120m',
    });
  });

  it('gone: a 404 on resolve says the pod was replaced or deleted', () => {
    const d = decideResolution({ kind: 'gone' }, { target: FIRING }, NOW);
    expect(d.resolution).toEqual({ state: 'replaced', text: 'pod checkout-7d9f8-abcde is gone (replaced or deleted)' });
    expect(d.problem).toBeUndefined();
  });

  it('a pod being deleted counts as replaced', () => {
    const d = decide(pod({ restartCount: 5, ready: false, state: { running: {} } }, { deletionTimestamp: '2026-11-30T09:59:00Z' }));
    expect(d.resolution.state).toBe('replaced');
    expect(d.resolution.text).toContain('being deleted');
  });

  it('still crash looping: waiting in CrashLoopBackOff', () => {
    const d = decide(
      pod({ restartCount: 7, ready: false, state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container' } } }),
    );
    expect(d.resolution).toEqual({
      state: 'still-failing',
      text: 'the alert resolved but checkout-7d9f8-abcde (container app) is still in CrashLoopBackOff (2 more restarts since it fired, 7 in all)',
    });
  });

  it('still crash looping with the same count says the count in all', () => {
    const d = decide(pod({ restartCount: 5, ready: false, state: { waiting: { reason: 'CrashLoopBackOff' } } }));
    expect(d.resolution.text).toBe('the alert resolved but checkout-7d9f8-abcde (container app) is still in CrashLoopBackOff (5 restarts in all)');
  });

  it('restarts that grew since the firing are not healthy, even when it runs now', () => {
    const d = decide(running('2026-11-30T09:58:00Z', 6));
    expect(d.resolution).toEqual({
      state: 'still-failing',
      text: 'the alert resolved but checkout-7d9f8-abcde (container app) restarted once since it fired; Running for 2m',
    });
  });

  it('running but not ready is not healthy', () => {
    const d = decide(running('2026-11-30T09:59:30Z', 5, false));
    expect(d.resolution.state).toBe('still-failing');
    expect(d.resolution.text).toBe('the alert resolved but checkout-7d9f8-abcde (container app) is Running and not ready for 30s, 0 restarts since');
  });

  it('a completed pod is healthy; a failed exit is not', () => {
    expect(
      decide(pod({ restartCount: 5, ready: false, state: { terminated: { exitCode: 0, reason: 'Completed' } } }, { phase: 'Succeeded' })).resolution.state,
    ).toBe('healthy');
    expect(decide(pod({ restartCount: 5, ready: false, state: { terminated: { exitCode: 1, reason: 'Error' } } }, { phase: 'Failed' })).resolution).toEqual({
      state: 'still-failing',
      text: 'the alert resolved but checkout-7d9f8-abcde (container app) last exited with code 1 (Error)',
    });
  });

  it('an unknown container, or no state, is unknown', () => {
    expect(decide(running('2026-11-30T09:48:00Z', 5), { ...FIRING, container: 'sidecar' }).resolution.state).toBe('unknown');
    expect(decide(pod({ restartCount: 5, ready: false })).resolution.state).toBe('unknown');
    expect(decide(pod({ restartCount: 5, ready: false, state: { waiting: { reason: 'ContainerCreating' } } })).resolution.state).toBe('unknown');
  });

  it('an API failure still resolves, with the problem to show', () => {
    const d = decideResolution({ kind: 'failed', problemKind: 'forbidden', message: 'pods "checkout-7d9f8-abcde" is forbidden' }, { target: FIRING }, NOW);
    expect(d.resolution.state).toBe('unknown');
    expect(d.problem).toEqual({
      source: 'pod',
      kind: 'forbidden',
      message: 'pod checkout-7d9f8-abcde could not be read on resolve: pods "checkout-7d9f8-abcde" is forbidden',
    });
  });

  it('a read that misses the deadline still resolves, with a timeout problem', () => {
    const d = decideResolution({ kind: 'late' }, { target: FIRING }, NOW);
    expect(d.resolution.state).toBe('unknown');
    expect(d.problem?.kind).toBe('timeout');
  });

  describe('a pod that restarted since the firing and then stayed up', () => {
    it('is healthy once Running and ready for the settle period, and says how often it restarted', () => {
      const d = decide(running('2026-11-30T09:51:00Z', 6));
      expect(d.resolution).toEqual({ state: 'healthy', text: 'Running for 9m, ready; restarted once since the alert fired' });
      expect(decide(running('2026-11-30T09:40:00Z', 8)).resolution.text).toBe('Running for 20m, ready; restarted 3 times since the alert fired');
    });

    it('is still failing just under the settle period, or when not ready', () => {
      const justUnder = new Date(NOW.getTime() - (SETTLE_SECONDS - 1) * 1000).toISOString();
      expect(decide(running(justUnder, 6)).resolution.state).toBe('still-failing');
      const atSettle = new Date(NOW.getTime() - SETTLE_SECONDS * 1000).toISOString();
      expect(decide(running(atSettle, 6)).resolution.state).toBe('healthy');
      expect(decide(running('2026-11-30T09:40:00Z', 6, false)).resolution).toEqual({
        state: 'still-failing',
        text: 'the alert resolved but checkout-7d9f8-abcde (container app) restarted once since it fired; Running for 20m, not ready',
      });
    });
  });

  it('a lower restart count than at firing is a new pod of the same name (a StatefulSet recreates so)', () => {
    expect(decide(running('2026-11-30T09:57:00Z', 0)).resolution).toEqual({
      state: 'replaced',
      text: 'pod checkout-7d9f8-abcde was recreated since the alert fired: Running for 3m',
    });
    const again = decide(pod({ restartCount: 2, ready: false, state: { waiting: { reason: 'CrashLoopBackOff' } } }));
    expect(again.resolution.state).toBe('still-failing');
  });
});

describe('decideResolution: what replaced a pod that is gone', () => {
  const OWNED = { ...FIRING, owner: { kind: 'Deployment', name: 'checkout' } };
  const FIRED = { target: OWNED, firedAt: '2026-11-30T09:13:00Z' };

  /** A pod of the checkout Deployment (ReplicaSet checkout-<hash>), created at `createdAt`. */
  function owned(name: string, createdAt: string, status: Record<string, unknown>, extra: { hash?: string; deleting?: boolean } = {}): ListedPod {
    const hash = extra.hash ?? '5c7d9';
    const raw: V1Pod = {
      metadata: {
        name,
        namespace: 'shop',
        creationTimestamp: new Date(createdAt),
        labels: { app: 'checkout', 'pod-template-hash': hash },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `checkout-${hash}`, uid: 'u1', controller: true }],
        ...(extra.deleting === true ? { deletionTimestamp: new Date('2026-11-30T09:59:00Z') } : {}),
      },
      spec: { containers: [{ name: 'app', image: 'shop/checkout:1.4.3' }] },
      status: {
        phase: 'Running',
        containerStatuses: [{ name: 'app', image: 'shop/checkout:1.4.3', imageID: '', ready: false, restartCount: 0, ...status } as never],
      },
    };
    return { pod: podFacts(raw), createdAt };
  }
  const runningReady = (startedAt: string, restartCount = 0) => ({ ready: true, restartCount, state: { running: { startedAt: new Date(startedAt) } } });
  const listed = (...pods: ListedPod[]): OwnerPodsRead => ({ kind: 'listed', truncated: false, pods });
  const gone = (owner: OwnerPodsRead, firing: FiringFacts = FIRED) => decideResolution({ kind: 'gone', owner }, firing, NOW);

  it('names the newest pod of the same owner, created since the alert fired, when it runs and is ready', () => {
    const sibling = owned('checkout-5c7d9-old11', '2026-11-29T08:00:00Z', runningReady('2026-11-29T08:00:10Z'));
    const older = owned('checkout-5c7d9-aaaa1', '2026-11-30T09:50:00Z', runningReady('2026-11-30T09:50:05Z'));
    const newest = owned('checkout-6f8e1-x2k9q', '2026-11-30T09:56:40Z', runningReady('2026-11-30T09:57:00Z'), { hash: '6f8e1' });
    const d = gone(listed(sibling, newest, older));
    expect(d.resolution).toEqual({ state: 'replaced', text: 'replaced by pod checkout-6f8e1-x2k9q (Running for 3m, ready)' });
    expect(d.problem).toBeUndefined();
  });

  it('a replacement that crash loops too is still failing', () => {
    const d = gone(listed(owned('checkout-5c7d9-b7m2p', '2026-11-30T09:55:00Z', { restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } } })));
    expect(d.resolution).toEqual({ state: 'still-failing', text: 'replaced by pod checkout-5c7d9-b7m2p, which is itself in CrashLoopBackOff (3 restarts)' });
    const exited = gone(
      listed(owned('checkout-5c7d9-b7m2p', '2026-11-30T09:55:00Z', { restartCount: 1, state: { terminated: { exitCode: 137, reason: 'OOMKilled' } } })),
    );
    expect(exited.resolution).toEqual({
      state: 'still-failing',
      text: 'replaced by pod checkout-5c7d9-b7m2p, whose container app last exited with code 137 (OOMKilled)',
    });
  });

  it('a replacement still starting is replaced, and says what it waits for', () => {
    expect(gone(listed(owned('checkout-5c7d9-n3w00', '2026-11-30T09:59:50Z', { state: { waiting: { reason: 'ContainerCreating' } } }))).resolution).toEqual({
      state: 'replaced',
      text: 'replaced by pod checkout-5c7d9-n3w00 (ContainerCreating)',
    });
    const young = owned('checkout-5c7d9-n3w00', '2026-11-30T09:59:00Z', { ready: false, state: { running: { startedAt: new Date('2026-11-30T09:59:20Z') } } });
    expect(gone(listed(young)).resolution).toEqual({ state: 'replaced', text: 'replaced by pod checkout-5c7d9-n3w00 (Running for 40s, not ready yet)' });
    const stuck = owned('checkout-5c7d9-n3w00', '2026-11-30T09:40:00Z', {
      ready: false,
      restartCount: 1,
      state: { running: { startedAt: new Date('2026-11-30T09:45:00Z') } },
    });
    expect(gone(listed(stuck)).resolution).toEqual({
      state: 'still-failing',
      text: 'replaced by pod checkout-5c7d9-n3w00, which is Running for 15m but not ready, 1 restart',
    });
  });

  it('never picks the gone pod itself, a pod being deleted, or a pod of another owner', () => {
    const itself = owned(FIRING.pod, '2026-11-30T09:58:00Z', runningReady('2026-11-30T09:58:00Z'));
    const deleting = owned('checkout-5c7d9-del01', '2026-11-30T09:58:00Z', runningReady('2026-11-30T09:58:00Z'), { deleting: true });
    const other = { ...owned('cart-5c7d9-zz111', '2026-11-30T09:58:00Z', runningReady('2026-11-30T09:58:00Z')) };
    other.pod = { ...other.pod, owner: { kind: 'Deployment', name: 'cart' } };
    const d = gone(listed(itself, deleting, other));
    expect(d.resolution).toEqual({
      state: 'replaced',
      text: 'pod checkout-7d9f8-abcde is gone and no pod of deployment/checkout was created since the alert fired',
    });
  });

  it('no pod left says so, and a cut list says how much was looked at', () => {
    expect(gone(listed()).resolution.text).toBe('pod checkout-7d9f8-abcde is gone and deployment/checkout has no other pod (scaled down or deleted?)');
    const sibling = owned('checkout-5c7d9-old11', '2026-11-29T08:00:00Z', runningReady('2026-11-29T08:00:10Z'));
    expect(gone({ kind: 'listed', truncated: true, pods: [sibling] }).resolution.text).toBe(
      'pod checkout-7d9f8-abcde is gone and no pod of deployment/checkout was created since the alert fired among the first 1 of its pods',
    );
  });

  it('a list that failed or was late still resolves, with the problem shown', () => {
    const failed = gone({ kind: 'failed', problemKind: 'forbidden', message: 'pods is forbidden: User "x" cannot list resource "pods"' });
    expect(failed.resolution).toEqual({
      state: 'replaced',
      text: 'pod checkout-7d9f8-abcde is gone (replaced or deleted); the pods of deployment/checkout could not be listed',
    });
    expect(failed.problem).toEqual({
      source: 'pod',
      kind: 'forbidden',
      message: 'the pods of deployment/checkout could not be listed on resolve: pods is forbidden: User "x" cannot list resource "pods"',
    });
    expect(gone({ kind: 'late' }).problem?.kind).toBe('timeout');
  });

  it('a pod being deleted is judged by its replacement too', () => {
    const deleting = podFacts({
      ...running('2026-11-30T09:00:00Z', 5),
      metadata: { name: FIRING.pod, namespace: 'shop', deletionTimestamp: new Date('2026-11-30T09:59:00Z') },
    });
    const newest = owned('checkout-6f8e1-x2k9q', '2026-11-30T09:58:00Z', runningReady('2026-11-30T09:58:30Z'));
    expect(decideResolution({ kind: 'pod', pod: deleting, owner: listed(newest) }, FIRED, NOW).resolution.text).toBe(
      'replaced by pod checkout-6f8e1-x2k9q (Running for 90s, ready)',
    );
    expect(decideResolution({ kind: 'pod', pod: deleting }, FIRED, NOW).resolution.text).toBe(
      'pod checkout-7d9f8-abcde is being deleted (replaced or scaled down)',
    );
  });

  it('a bare pod that is gone was deleted; an owner nobody listed may have replaced it', () => {
    expect(decideResolution({ kind: 'gone' }, { target: FIRING, bare: true }, NOW).resolution).toEqual({
      state: 'replaced',
      text: 'pod checkout-7d9f8-abcde is gone (deleted)',
    });
    expect(decideResolution({ kind: 'gone' }, FIRED, NOW).resolution.text).toBe('pod checkout-7d9f8-abcde is gone (replaced or deleted)');
  });

  it('firingFacts and replacementSelector read the firing document', () => {
    const doc = {
      target: { namespace: 'shop', pod: FIRING.pod, container: 'app', restarts: 5 },
      alert: { startsAt: '2026-11-30T09:13:00Z' },
      problems: [],
    } as unknown as DiagnosisDocument;
    expect(firingFacts(doc)).toEqual({ target: doc.target, firedAt: '2026-11-30T09:13:00Z', bare: true });
    // A pod that could not be read at firing has an owner nobody knows.
    expect(firingFacts({ ...doc, problems: [{ source: 'pod', message: 'forbidden' }] }).bare).toBeUndefined();
    expect(firingFacts({ ...doc, target: { ...doc.target, owner: { kind: 'Deployment', name: 'checkout' } } }).bare).toBeUndefined();
    expect(replacementSelector({ owner: { kind: 'Deployment', name: 'checkout' }, ownerSelector: 'app=checkout' })).toBe('app=checkout');
    expect(replacementSelector({ owner: { kind: 'Deployment', name: 'checkout' } })).toBeUndefined();
    expect(replacementSelector({ ownerSelector: 'app=checkout' })).toBeUndefined();
  });
});
