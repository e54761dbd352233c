/**
 * `crashtriage diagnose` with PROMETHEUS_URL: an OOM-killed pod of the fake cluster gets its memory
 * history from a real Prometheus (a leak, loaded by promtool), printed as a sparkline with the verdict.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnoseCommand, type Terminal } from '../../../src/cli/diagnose-command.ts';
import type { DiagnosisDocument } from '../../../src/diagnosis/document.ts';
import { leak, MI, retarget } from '../../fixtures/memory/shapes.ts';
import { type FakeKubeApi, startFakeKubeApi } from '../../support/fake-kube-api.ts';
import { scenarioObjects } from '../../support/kube-fixtures.ts';
import { type RunningPrometheus, startPrometheus } from '../../support/prometheus.ts';

const END = Math.floor(Date.now() / 60_000) * 60 - 60;
const target = {
  namespace: 'payments',
  pod: 'billing-api-5f6c7d8b9-qw4zt',
  container: 'api',
  owner: { kind: 'Deployment', name: 'billing-api' },
  limitBytes: 768 * MI,
};

let api: FakeKubeApi;
let prometheus: RunningPrometheus;
beforeAll(async () => {
  api = await startFakeKubeApi(scenarioObjects(['deployment-oomkilled']));
  prometheus = await startPrometheus([retarget(leak({ end: END }), target)]);
}, 60_000);
afterAll(async () => {
  await api?.close();
  await prometheus?.stop();
});

function terminal(env: NodeJS.ProcessEnv): Terminal & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s), isTTY: false },
    stderr: { write: (s: string) => (err += s), isTTY: false },
    env,
    out: () => out,
    err: () => err,
  };
}

describe('crashtriage diagnose with PROMETHEUS_URL', () => {
  it('prints the memory sparkline, the leak verdict and its fix', async () => {
    const term = terminal({ PROMETHEUS_URL: prometheus.url });
    expect(await diagnoseCommand(['-n', 'payments', target.pod, '--kubeconfig', api.kubeconfigPath], term)).toBe(0);
    const out = term.out();
    expect(out).toMatch(/memory, last 6 h: [▁▂▃▄▅▆▇█·]{40} +min \d+Mi · max \d+Mi · limit 768Mi/);
    expect(out).toMatch(/\d of \d runs climbed steadily until killed: \+\d+Mi\/h/);
    expect(out).toContain('A leak: fix the code. Raising the limit to 1536Mi only buys about');
    expect(out).toContain('kubectl set resources deployment/billing-api -n payments -c api --limits=memory=1536Mi');
  });

  it('puts the verdict and the series into the JSON document', async () => {
    const term = terminal({ PROMETHEUS_URL: prometheus.url });
    await diagnoseCommand(['-n', 'payments', target.pod, '--kubeconfig', api.kubeconfigPath, '--output', 'json'], term);
    const doc = JSON.parse(term.out()) as DiagnosisDocument;
    expect(doc.cause).toMatchObject({ id: 'oom-killed', detail: 'memory-leak' });
    expect(doc.memory?.limitBytes).toBe(768 * MI);
    expect(doc.memory?.runs.map((r) => r.pod)).toContain(target.pod);
  });

  it('says in problems when Prometheus cannot be read, and still diagnoses', async () => {
    const term = terminal({ PROMETHEUS_URL: `${prometheus.url}/nothing-here`, PROMETHEUS_TIMEOUT_MS: '1000' });
    expect(await diagnoseCommand(['-n', 'payments', target.pod, '--kubeconfig', api.kubeconfigPath, '--output', 'json'], term)).toBe(0);
    const doc = JSON.parse(term.out()) as DiagnosisDocument;
    // Without the history no memory-history verdict (leak, spike, undersized) can be given; what
    // decides is the spec: JAVA_TOOL_OPTIONS=-XX:MaxRAMPercentage=90 leaves 77Mi of 768Mi for the JVM.
    expect(doc.cause.detail).toBe('heap-flag-over-limit');
    expect(doc.memory).toBeUndefined();
    expect(doc.problems).toContainEqual({
      source: 'prometheus',
      kind: 'other',
      message: expect.stringMatching(/^could not read the memory history: Prometheus answered HTTP 404/),
    });
  });

  it('2 with the setting named when the Prometheus settings are wrong', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ct-'));
    writeFileSync(join(dir, 'token'), 'tok');
    const term = terminal({ PROMETHEUS_URL: 'http://p', PROMETHEUS_BEARER_TOKEN_FILE: join(dir, 'missing') });
    expect(await diagnoseCommand(['-n', 'payments', target.pod, '--kubeconfig', api.kubeconfigPath], term)).toBe(2);
    expect(term.err()).toMatch(/^crashtriage diagnose: PROMETHEUS_BEARER_TOKEN_FILE: cannot read .*missing \(ENOENT\)\n$/);
  });
});
