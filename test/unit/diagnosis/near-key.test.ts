/**
 * Issue #29 (a key referenced as LOG_LEVEL that exists as log_level) and #28 items 1 and 3: when the
 * evidence proves the object has a near key, renaming the reference is the first Fix; only keys the
 * pod spec and status prove exist count (nothing is read from the cluster, never a Secret).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCases } from '../../../bench/accuracy-cases.ts';
import { diagnose } from '../../../src/diagnosis/diagnose.ts';
import type { Evidence } from '../../../src/diagnosis/evidence.ts';

const cases = loadCases(join(import.meta.dirname, '..', '..', '..', 'bench', 'cases'));
const evidenceOf = (id: string): Evidence => {
  const found = cases.find((c) => c.id === id);
  if (found === undefined) throw new Error(`no bench case ${id}`);
  return structuredClone(found.evidence);
};

describe('a missing key with a near key the evidence proves', () => {
  it('ConfigMap: the init container that ran reads log_level, so the reference LOG_LEVEL is renamed first (a JSON patch that tests the old key)', () => {
    const d = diagnose(evidenceOf('missing-config-key-case-differs-configmap'));
    expect(d.evidence.map((e) => e.text)).toContain('init container migrate, which started, reads key log_level of ConfigMap app-config');
    expect(d.remedies[0]?.kind).toBe('remedy');
    expect(d.remedies[0]?.title).toContain('Reference key log_level');
    expect(d.remedies[0]?.commands[0]).toContain(
      '"op":"test","path":"/spec/template/spec/containers/0/env/1/valueFrom/configMapKeyRef/key","value":"LOG_LEVEL"',
    );
    expect(d.remedies[0]?.commands[0]).toContain(
      '"op":"replace","path":"/spec/template/spec/containers/0/env/1/valueFrom/configMapKeyRef/key","value":"log_level"',
    );
  });

  it('Secret: the volume that mounts key value proves it, without reading the Secret', () => {
    const d = diagnose(evidenceOf('missing-config-key-case-differs-secret'));
    expect(d.remedies[0]?.title).toContain('Reference key value');
    expect(d.remedies[0]?.commands[0]).toContain('/secretKeyRef/key","value":"value"');
  });

  it('a container that never started proves nothing: the fix is to add the key, and the key list follows', () => {
    const e = evidenceOf('missing-config-key-case-differs-configmap');
    const init = e.pod?.initContainers[0];
    if (init === undefined) throw new Error('the case has an init container');
    delete init.state;
    delete init.lastState;
    const d = diagnose(e);
    expect(d.remedies.map((r) => [r.kind, r.title])).toEqual([
      ['remedy', 'Add key LOG_LEVEL to app-config'],
      ['diagnostic', 'See which keys ConfigMap app-config has (a typo in the key is common)'],
    ]);
  });

  it('an optional reference proves nothing either (the kubelet skips a missing optional key)', () => {
    const e = evidenceOf('missing-config-key-case-differs-configmap');
    const from = e.pod?.initContainers[0]?.env[0]?.from;
    if (from?.kind !== 'configMapKeyRef') throw new Error('the init container reads the ConfigMap');
    from.optional = true;
    expect(diagnose(e).remedies[0]?.title).toBe('Add key LOG_LEVEL to app-config');
  });
});
