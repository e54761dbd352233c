/** Stage 6 alone: what delivery reached is committed, what a sink still misses is released for the resend. */
import { describe, expect, it } from 'vitest';
import type { WebhookAlert } from '../../../src/alertmanager/payload.ts';
import type { DiagnosisDocument } from '../../../src/diagnosis/document.ts';
import type { PodAlerts } from '../../../src/incidents/alert-folding.ts';
import type { IncidentState } from '../../../src/incidents/incident.ts';
import type { StormState } from '../../../src/incidents/storm.ts';
import type { SinkViews } from '../../../src/incidents/told.ts';
import { claimKeys } from '../../../src/pipeline/request.ts';
import { settle } from '../../../src/pipeline/settle.ts';
import { createMemoryStore } from '../../../src/state/memory-store.ts';
import type { StateStore } from '../../../src/state/store.ts';
import { documentOf, podAlert } from './stage-fixtures.ts';

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
    documents: [] as DiagnosisDocument[],
    told: new Map<string, SinkViews>(),
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

  describe('an incident that reached one sink and not another', () => {
    /** A new incident of pod 1 (its state tells sinks apart), its document, and what the notifier said. */
    async function partly(taken: { sink: string; fingerprint: string }[]) {
      const r = await request([podAlert(1), podAlert(2)]);
      const opened = { id: 'incident-1', openedAt: 't0', firstAlertAt: 't0', pods: [], announced: [], told: {} } as IncidentState;
      r.folded.incidents.states.set('incident-1', opened);
      r.folded.told.set('incident-1', {});
      const document = documentOf(podAlert(1));
      r.folded.documents.push({
        ...document,
        incident: { id: 'incident-1', workload: { kind: 'Deployment', name: 'payment-svc' }, pods: [], news: 'opened', summary: [] },
      });
      const failures = [{ sink: 'teams', fingerprint: 'f1', reason: 'HTTP 503' }];
      const outcome = await settle({ kind: 'retry-later', failures, permanentFailures: [], taken }, r.claimed, r.folded, 2);
      return { r, outcome, pod: document.target.pod };
    }

    it('is committed with what each sink took, so the resend keeps its id and brings the others its first message; the pod waits for the resend', async () => {
      const { r, outcome, pod } = await partly([{ sink: 'slack', fingerprint: 'f1' }]);
      expect(outcome.kind).toBe('retry-later');
      expect(await read(r.incidents, 'incident-1')).toMatchObject({ id: 'incident-1', told: { slack: { causes: ['unknown'], firing: [pod] } } });
      expect((await read(r.incidents, 'incident-1'))?.told?.['teams']).toBeUndefined();
      expect(await read(r.pods, 'pod-1')).toBeUndefined();
    });

    it('is released when no sink took any of its messages', async () => {
      const { r } = await partly([]);
      expect(await read(r.incidents, 'incident-1')).toBeUndefined();
    });
  });
});
