/** Stage 1 alone: the pods claimed, and each alert sorted into folded, resolved from memory, or to read. */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { PodAlerts } from '../../../src/incidents/alert-folding.ts';
import { podStateKey } from '../../../src/incidents/alert-folding.ts';
import { claimPods } from '../../../src/pipeline/claim.ts';
import { createMemoryStore } from '../../../src/state/memory-store.ts';
import { crashLoopAlert } from '../../fixtures/alertmanager/payloads.ts';
import { documentOf, notReady } from './stage-fixtures.ts';

const log = pino({ level: 'silent' });
const key = podStateKey(crashLoopAlert().labels) as string;

describe('claim stage', () => {
  it('reads the lead first and folds the alert that names no container into it', async () => {
    const store = createMemoryStore<PodAlerts>();
    const claimed = await claimPods([notReady(), crashLoopAlert()], store, 'cluster', log);
    expect(claimed.toRead.map((a) => a.labels['alertname'])).toEqual(['KubePodCrashLooping']);
    expect(claimed.fromMemory).toEqual([]);
    expect([...claimed.pods.held.keys()]).toEqual([key]);
    expect(claimed.pods.states.get(key)).toEqual({ leads: { 'payment-svc': { fingerprint: 'a3f1c2d4e5b6a7c8' } }, members: { bbbb: 'a3f1c2d4e5b6a7c8' } });
    // Held until settled: another request about the pod waits.
    let second = false;
    const next = store.claim(key).then((h) => {
      second = true;
      return h;
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(second).toBe(false);
    await claimed.pods.held.get(key)?.release();
    await (await next).release();
  });

  it('answers a resolve from the remembered firing document, with the resolve alert around it', async () => {
    const store = createMemoryStore<PodAlerts>();
    const firing = documentOf();
    const held = await store.claim(key);
    await held.commit({ leads: { 'payment-svc': { fingerprint: firing.alert.fingerprint, firing } }, members: {} });
    const resolved = crashLoopAlert({ status: 'resolved', endsAt: '2026-11-25T11:00:00Z' });
    const claimed = await claimPods([resolved], store, 'cluster', log);
    expect(claimed.toRead).toEqual([]);
    expect(claimed.fromMemory).toHaveLength(1);
    expect(claimed.fromMemory[0]?.alert).toBe(resolved);
    expect(claimed.fromMemory[0]?.item).toMatchObject({ podKey: key, document: { status: 'resolved', alert: { endsAt: '2026-11-25T11:00:00Z' } } });
    // The lead's firing document is gone from the state to commit (the crash loop is over); a mark of
    // its resolve stays, so that a resend of it is answered without reading or sending.
    expect(claimed.pods.states.get(key)).toEqual({ leads: { 'payment-svc': { fingerprint: resolved.fingerprint, resolved: resolved.startsAt } }, members: {} });
    await claimed.pods.held.get(key)?.commit(claimed.pods.states.get(key));
    const again = await claimPods([resolved], store, 'cluster', log);
    expect(again.toRead).toEqual([]);
    expect(again.fromMemory).toEqual([]);
    await again.pods.held.get(key)?.release();
  });

  it('reads an alert that names no pod on its own, claiming nothing for it', async () => {
    const alert = crashLoopAlert({ labels: {} });
    delete (alert.labels as Record<string, string | undefined>)['pod'];
    const claimed = await claimPods([alert], createMemoryStore<PodAlerts>(), 'cluster', log);
    expect(claimed.toRead).toEqual([alert]);
    expect(claimed.pods.held.size).toBe(0);
  });
});
