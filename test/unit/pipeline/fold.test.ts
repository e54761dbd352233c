/** Stage 4 alone: documents folded into their workload's incident and namespace's storm, under claims. */
import { describe, expect, it } from 'vitest';
import { podStateKey } from '../../../src/incidents/alert-folding.ts';
import { foldIntoIncidents } from '../../../src/pipeline/fold.ts';
import { claimKeys } from '../../../src/pipeline/request.ts';
import { pipelineState } from '../../../src/state/pipeline-state.ts';
import { documentOf, podAlert } from './stage-fixtures.ts';

const settings = { clusterLabel: 'cluster', storm: { threshold: 5, windowMs: 300_000 }, clock: () => Date.parse('2026-11-25T12:00:00Z') };
const owned = (n: number) => {
  const document = documentOf(podAlert(n));
  document.target.owner = { kind: 'Deployment', name: 'payment-svc' };
  return { document, podKey: podStateKey(podAlert(n).labels) as string };
};

describe('fold stage', () => {
  it('two pods of one workload are one incident: the first opens it, the second joins', async () => {
    const state = pipelineState();
    const pending = [owned(1), owned(2)];
    const pods = await claimKeys(state.podAlerts, []);
    const folded = await foldIntoIncidents(pending, pods, state, settings);
    expect(folded.documents.map((d) => d.incident?.news)).toEqual(['opened', 'joined']);
    expect(new Set(folded.documents.map((d) => d.incident?.id)).size).toBe(1);
    const [incidentKey] = [...folded.incidents.held.keys()];
    expect(folded.keysOf.get('f1')).toEqual([incidentKey, [...folded.storms.held.keys()][0]]);
    expect(folded.incidents.states.get(incidentKey as string)?.pods.map((p) => p.name)).toEqual(['payment-svc-7b9f6d-p1', 'payment-svc-7b9f6d-p2']);
    await Promise.all([...folded.incidents.held.values(), ...folded.storms.held.values()].map((h) => h.release()));
  });

  it("remembers the lead's firing document in the pod's state to commit", async () => {
    const state = pipelineState();
    const item = owned(1);
    const pods = await claimKeys(state.podAlerts, [item.podKey]);
    pods.states.set(item.podKey, { leads: { 'payment-svc': { fingerprint: 'f1' } }, members: {} });
    const folded = await foldIntoIncidents([item], pods, state, settings);
    expect(pods.states.get(item.podKey)?.leads['payment-svc']?.firing?.incident?.news).toBe('opened');
    await Promise.all([...pods.held.values(), ...folded.incidents.held.values(), ...folded.storms.held.values()].map((h) => h.release()));
  });

  it('claims nothing for a document that names no pod, and leaves it as it is', async () => {
    const state = pipelineState();
    const document = documentOf();
    document.target.pod = '';
    const folded = await foldIntoIncidents([{ document }], await claimKeys(state.podAlerts, []), state, settings);
    expect(folded.documents).toEqual([document]);
    expect(folded.incidents.held.size + folded.storms.held.size).toBe(0);
  });
});
