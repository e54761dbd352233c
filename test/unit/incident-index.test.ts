import { describe, expect, it } from 'vitest';
import type { DiagnosisDocument } from '../../src/diagnosis/document.ts';
import { createIncidentIndex, leadFirst } from '../../src/incident-index.ts';
import { crashLoopAlert } from '../support/alertmanager-payloads.ts';

const crashLooping = crashLoopAlert({ fingerprint: 'aaaa' });
const notReady = crashLoopAlert({ fingerprint: 'bbbb', labels: { alertname: 'KubePodNotReady', container: undefined as never } });
delete (notReady.labels as Record<string, string | undefined>)['container'];

describe('incident index', () => {
  it('folds KubePodNotReady into KubePodCrashLooping for the same pod, firing and resolved', () => {
    const index = createIncidentIndex(() => 0);
    expect(index.claim(crashLooping)).toEqual({ kind: 'lead' });
    expect(index.claim(notReady)).toEqual({ kind: 'folded', into: 'aaaa' });
    expect(index.claim({ ...notReady, status: 'resolved' })).toEqual({ kind: 'folded', into: 'aaaa' });
  });

  it('keeps separate messages for two containers of one pod', () => {
    const index = createIncidentIndex(() => 0);
    index.claim(crashLooping);
    const sidecar = crashLoopAlert({ fingerprint: 'cccc', labels: { container: 'istio-proxy' } });
    expect(index.claim(sidecar)).toEqual({ kind: 'lead' });
  });

  it('hands the remembered firing document to the lead when it resolves, then forgets the incident', () => {
    const index = createIncidentIndex(() => 0);
    index.claim(crashLooping);
    const doc = { status: 'firing', alert: { fingerprint: 'aaaa' } } as DiagnosisDocument;
    index.remember(doc);
    expect(index.claim({ ...crashLooping, status: 'resolved' })).toEqual({ kind: 'lead', firing: doc });
    expect(index.claim(notReady)).toEqual({ kind: 'lead' });
  });

  it('lets a resend of the lead through, so that delivery can deduplicate it per sink', () => {
    const index = createIncidentIndex(() => 0);
    index.claim(crashLooping);
    expect(index.claim(crashLooping)).toEqual({ kind: 'lead' });
  });

  it('forgets incidents after a day', () => {
    let now = 0;
    const index = createIncidentIndex(() => now);
    index.claim(crashLooping);
    now = 25 * 3600_000;
    expect(index.claim(notReady)).toEqual({ kind: 'lead' });
  });

  it('sorts alerts that name a container first', () => {
    expect(leadFirst([notReady, crashLooping]).map((a) => a.fingerprint)).toEqual(['aaaa', 'bbbb']);
  });
});
