import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { decideResolution } from '../../../src/incidents/resolution.ts';
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

function decide(p: V1Pod, target: Parameters<typeof decideResolution>[1] = FIRING) {
  return decideResolution({ kind: 'pod', pod: podFacts(p) }, target, NOW);
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
    const d = decideResolution({ kind: 'gone' }, FIRING, NOW);
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
      text: 'the alert resolved but checkout-7d9f8-abcde (container app) restarted 1 time since it fired; Running for 2m',
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
    const d = decideResolution({ kind: 'failed', problemKind: 'forbidden', message: 'pods "checkout-7d9f8-abcde" is forbidden' }, FIRING, NOW);
    expect(d.resolution.state).toBe('unknown');
    expect(d.problem).toEqual({
      source: 'pod',
      kind: 'forbidden',
      message: 'pod checkout-7d9f8-abcde could not be read on resolve: pods "checkout-7d9f8-abcde" is forbidden',
    });
  });

  it('a read that misses the deadline still resolves, with a timeout problem', () => {
    const d = decideResolution({ kind: 'late' }, FIRING, NOW);
    expect(d.resolution.state).toBe('unknown');
    expect(d.problem?.kind).toBe('timeout');
  });
});
