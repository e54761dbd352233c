/** Stage 6 alone: what delivery reached is committed, what a sink still misses is released for the resend. */
import { describe, expect, it } from 'vitest';
import type { WebhookAlert } from '../../../src/alertmanager/payload.ts';
import type { PodAlerts } from '../../../src/incidents/alert-folding.ts';
import type { IncidentState } from '../../../src/incidents/incident.ts';
import type { StormState } from '../../../src/incidents/storm.ts';
import { claimKeys } from '../../../src/pipeline/request.ts';
import { settle } from '../../../src/pipeline/settle.ts';
import { createMemoryStore } from '../../../src/state/memory-store.ts';
import type { StateStore } from '../../../src/state/store.ts';
import { podAlert } from './stage-fixtures.ts';

async function read<T>(store: StateStore<T>, key: string): Promise<T | undefined> {
  const h = await store.claim(key);
  await h.release();
  return h.value;
}

async function request(alerts: WebhookAlert[]) {
  const pods = createMemoryStore<PodAlerts>();
  const incidents = createMemoryStore<IncidentState>();
  const storms = createMemoryStore<StormState>();
  const claimedPods = await claimKeys(pods, ['pod-1', 'pod-2']);
  const podState = (fp: string): PodAlerts => ({ leads: { c: { fingerprint: fp } }, members: {} });
  claimedPods.states.set('pod-1', podState('f1'));
  claimedPods.states.set('pod-2', podState('f2'));
  const claimedIncidents = await claimKeys(incidents, ['incident-1', 'incident-2']);
  const claimedStorms = await claimKeys(storms, []);
  const claimed = {
    pods: claimedPods,
    podKeyOf: new Map([
      [alerts[0] as WebhookAlert, 'pod-1'],
      [alerts[1] as WebhookAlert, 'pod-2'],
    ]),
  };
  const folded = {
    incidents: claimedIncidents,
    storms: claimedStorms,
    keysOf: new Map([
      ['f1', ['incident-1']],
      ['f2', ['incident-2']],
    ]),
  };
  for (const key of ['incident-1', 'incident-2']) claimedIncidents.states.set(key, { id: key } as IncidentState);
  return { pods, incidents, claimed, folded };
}

describe('settle stage', () => {
  it('commits every key when everything was delivered', async () => {
    const r = await request([podAlert(1), podAlert(2)]);
    expect(await settle({ kind: 'delivered', permanentFailures: [] }, r.claimed, r.folded, 2)).toEqual({ kind: 'delivered', alerts: 2 });
    expect((await read(r.pods, 'pod-2'))?.leads['c']?.fingerprint).toBe('f2');
    expect((await read(r.incidents, 'incident-1'))?.id).toBe('incident-1');
  });

  it('releases the keys of an alert a sink still misses, commits the others, and says what failed', async () => {
    const r = await request([podAlert(1), podAlert(2)]);
    const failures = [{ sink: 'teams', fingerprint: 'f1', reason: 'HTTP 503' }];
    expect(await settle({ kind: 'retry-later', failures, permanentFailures: [] }, r.claimed, r.folded, 2)).toEqual({
      kind: 'retry-later',
      alerts: 2,
      failures,
    });
    expect(await read(r.pods, 'pod-1')).toBeUndefined();
    expect(await read(r.incidents, 'incident-1')).toBeUndefined();
    expect((await read(r.pods, 'pod-2'))?.leads['c']?.fingerprint).toBe('f2');
    expect((await read(r.incidents, 'incident-2'))?.id).toBe('incident-2');
  });
});
