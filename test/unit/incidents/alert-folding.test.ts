import { describe, expect, it } from 'vitest';
import type { WebhookAlert } from '../../../src/alertmanager/payload.ts';
import type { DiagnosisDocument } from '../../../src/diagnosis/document.ts';
import { decideFold, leadFirst, type PodAlerts, podStateKey, rememberFiring } from '../../../src/incidents/alert-folding.ts';
import { crashLoopAlert } from '../../fixtures/alertmanager/payloads.ts';

const crashLooping = crashLoopAlert({ fingerprint: 'aaaa' });
const notReady = crashLoopAlert({ fingerprint: 'bbbb', labels: { alertname: 'KubePodNotReady' } });
delete (notReady.labels as Record<string, string | undefined>)['container'];
const resolved = (a: WebhookAlert): WebhookAlert => ({ ...a, status: 'resolved' });

/** Applies alerts in order as the pipeline does when every delivery succeeds. */
function run(alerts: WebhookAlert[], start?: PodAlerts) {
  let state = start;
  const claims = alerts.map((alert) => {
    const decision = decideFold(state, alert);
    state = decision.next;
    return decision.claim;
  });
  return { claims, state };
}

const firingDoc = { status: 'firing', alert: { fingerprint: 'aaaa' } } as DiagnosisDocument;

describe('alert folding', () => {
  it('folds KubePodNotReady into KubePodCrashLooping for the same pod, firing and resolved', () => {
    const { claims } = run([crashLooping, notReady, resolved(notReady)]);
    expect(claims).toEqual([{ kind: 'lead' }, { kind: 'folded', into: 'aaaa' }, { kind: 'folded', into: 'aaaa' }]);
  });

  it('keeps separate messages for two containers of one pod', () => {
    const sidecar = crashLoopAlert({ fingerprint: 'cccc', labels: { container: 'istio-proxy' } });
    expect(run([crashLooping, sidecar]).claims).toEqual([{ kind: 'lead' }, { kind: 'lead' }]);
  });

  it('folds a second alert naming the same container into the first', () => {
    const waiting = crashLoopAlert({ fingerprint: 'dddd', labels: { alertname: 'KubeContainerWaiting' } });
    expect(run([crashLooping, waiting]).claims[1]).toEqual({ kind: 'folded', into: 'aaaa' });
  });

  it('hands the remembered firing document to the lead when it resolves, then keeps only a mark of the resolve', () => {
    const first = run([crashLooping]);
    const state = rememberFiring(first.state, firingDoc);
    const after = run([resolved(crashLooping)], state);
    expect(after.claims).toEqual([{ kind: 'lead', firing: firingDoc }]);
    expect(after.state).toEqual({ leads: { 'payment-svc': { fingerprint: 'aaaa', resolved: crashLooping.startsAt } }, members: {} });
    // A resend of that resolve is delivered already; nothing folds into a resolved lead.
    expect(run([resolved(crashLooping)], after.state).claims).toEqual([{ kind: 'delivered' }]);
    expect(run([notReady], after.state).claims).toEqual([{ kind: 'lead' }]);
    // Firing again (a new startsAt): it leads again, and its resolve is sent.
    const again = run([{ ...crashLooping, startsAt: '2026-11-26T08:00:00Z' }], after.state);
    expect(again.claims).toEqual([{ kind: 'lead' }]);
    expect(run([resolved({ ...crashLooping, startsAt: '2026-11-26T08:00:00Z' })], again.state).claims).toEqual([{ kind: 'lead' }]);
    // A resolve with another startsAt than the one marked is not a resend: sent as it is.
    expect(run([resolved({ ...crashLooping, startsAt: '2026-11-27T08:00:00Z' })], after.state).claims).toEqual([{ kind: 'lead' }]);
  });

  it('drops the resolve of a member whose lead already resolved, and lets it lead when it fires again', () => {
    const { state } = run([crashLooping, notReady, resolved(crashLooping)]);
    const after = run([resolved(notReady)], state);
    expect(after.claims).toEqual([{ kind: 'folded', into: 'aaaa' }]);
    expect(run([notReady], state).claims).toEqual([{ kind: 'lead' }]);
    expect(run([notReady], after.state).claims).toEqual([{ kind: 'lead' }]);
  });

  it('keeps a resolved member, so that a resend of the resolved group (the other replica, a restart) folds it again', () => {
    const { state } = run([crashLooping, notReady, resolved(crashLooping), resolved(notReady)]);
    expect(state).toEqual({ leads: { 'payment-svc': { fingerprint: 'aaaa', resolved: crashLooping.startsAt } }, members: { bbbb: 'aaaa' } });
    expect(run([resolved(crashLooping), resolved(notReady)], state).claims).toEqual([{ kind: 'delivered' }, { kind: 'folded', into: 'aaaa' }]);
    // Firing again, both together: the lead leads again and the member folds into it.
    expect(run([crashLooping, notReady], state).claims).toEqual([{ kind: 'lead' }, { kind: 'folded', into: 'aaaa' }]);
  });

  it('changes nothing for a resend of the lead or a resolve never seen firing', () => {
    const { state } = run([crashLooping]);
    expect(decideFold(state, crashLooping)).toEqual({ claim: { kind: 'lead' }, next: state });
    expect(decideFold(undefined, resolved(crashLooping))).toEqual({ claim: { kind: 'lead' }, next: undefined });
  });

  it('an alert that names no container and leads (KubePodNotReady alone) gets its resend and its resolve as the lead, not folded into itself', () => {
    const { claims, state } = run([notReady, notReady, resolved(notReady), resolved(notReady)]);
    expect(claims).toEqual([{ kind: 'lead' }, { kind: 'lead' }, { kind: 'lead' }, { kind: 'delivered' }]);
    expect(state?.leads['']).toEqual({ fingerprint: 'bbbb', resolved: notReady.startsAt });
  });

  it('remembers only firing documents of a current lead', () => {
    const { state } = run([crashLooping]);
    expect(rememberFiring(state, { ...firingDoc, status: 'resolved' })).toBe(state);
    expect(rememberFiring(state, { ...firingDoc, alert: { fingerprint: 'zzzz' } } as DiagnosisDocument)).toBe(state);
    expect(rememberFiring(undefined, firingDoc)).toBeUndefined();
  });

  it('keys state by cluster, namespace and pod; an alert without a pod has no key', () => {
    expect(podStateKey({ cluster: 'eu', namespace: 'shop', pod: 'p' })).not.toBe(podStateKey({ cluster: 'us', namespace: 'shop', pod: 'p' }));
    expect(podStateKey({ namespace: 'shop' })).toBeUndefined();
  });

  it('sorts alerts that name a container first', () => {
    expect(leadFirst([notReady, crashLooping]).map((a) => a.fingerprint)).toEqual(['aaaa', 'bbbb']);
  });
});
