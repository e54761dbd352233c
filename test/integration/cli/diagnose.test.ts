/**
 * `crashtriage diagnose` against the fake Kubernetes API over TLS, with kubeconfigs the test writes.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { diagnoseCommand, type Terminal } from '../../../src/cli/diagnose-command.ts';
import type { DiagnosisDocument } from '../../../src/diagnosis/document.ts';
import { type FakeKubeApi, startFakeKubeApi } from '../../support/fake-kube-api.ts';
import { scenarioObjects } from '../../support/kube-fixtures.ts';
import { kubeconfigYaml } from '../../support/kube-fixtures-kubeconfig.ts';

let api: FakeKubeApi;
let other: FakeKubeApi;
beforeAll(async () => {
  api = await startFakeKubeApi(
    scenarioObjects([
      'deployment-oomkilled',
      'deployment-crashloop',
      'config-error',
      'multi-container-segfault',
      'statefulset-liveness',
      'daemonset-container-creating',
    ]),
  );
  other = await startFakeKubeApi(scenarioObjects(['image-pull-backoff']));
});
afterAll(async () => {
  await api.close();
  await other.close();
});

function terminal(options: { tty?: boolean; env?: NodeJS.ProcessEnv } = {}): Terminal & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s), isTTY: options.tty ?? false },
    stderr: { write: (s: string) => (err += s), isTTY: options.tty ?? false },
    env: options.env ?? {},
    out: () => out,
    err: () => err,
  };
}

const withKubeconfig = (args: string[]): string[] => [...args, '--kubeconfig', api.kubeconfigPath];

describe('crashtriage diagnose', () => {
  it('0 and a text report for a crash-looping pod, without colour when piped', async () => {
    const term = terminal();
    const code = await diagnoseCommand(withKubeconfig(['-n', 'payments', 'billing-api-5f6c7d8b9-qw4zt']), term);
    expect(code).toBe(0);
    expect(term.out()).toMatch(/^\[FIRING\] payments\/billing-api: killed at its \S+ memory limit/);
    expect(term.out()).toContain('pod billing-api-5f6c7d8b9-qw4zt');
    expect(term.out()).toContain('deployment/billing-api');
    expect(term.out()).not.toContain('\u001b[');
  });

  it('colours the report on a terminal, and not with NO_COLOR', async () => {
    const tty = terminal({ tty: true });
    await diagnoseCommand(withKubeconfig(['-n', 'payments', 'billing-api-5f6c7d8b9-qw4zt']), tty);
    expect(tty.out()).toContain('\u001b[');
    const noColor = terminal({ tty: true, env: { NO_COLOR: '1' } });
    await diagnoseCommand(withKubeconfig(['-n', 'payments', 'billing-api-5f6c7d8b9-qw4zt']), noColor);
    expect(noColor.out()).not.toContain('\u001b[');
  });

  it('prints the diagnosis document with --output json', async () => {
    const term = terminal();
    const code = await diagnoseCommand(withKubeconfig(['-n', 'payments', 'billing-api-5f6c7d8b9-qw4zt', '-o', 'json']), term);
    expect(code).toBe(0);
    const doc = JSON.parse(term.out()) as DiagnosisDocument;
    expect(doc).toMatchObject({
      version: 1,
      status: 'firing',
      cause: { id: 'oom-killed' },
      target: { namespace: 'payments', container: 'api', owner: { kind: 'Deployment', name: 'billing-api' } },
    });
  });

  it('prints Markdown with --output markdown', async () => {
    const term = terminal();
    await diagnoseCommand(withKubeconfig(['-n', 'payments', 'billing-api-5f6c7d8b9-qw4zt', '-o', 'markdown']), term);
    expect(term.out()).toMatch(/^## FIRING: payments\/billing-api: killed at its/);
    expect(term.out()).toContain('```sh');
  });

  it('diagnoses the named container of a multi-container pod', async () => {
    const term = terminal();
    const code = await diagnoseCommand(withKubeconfig(['-n', 'media', 'imgproc-6c9d8f7b5-h7j2p', '-c', 'worker', '-o', 'json']), term);
    expect(code).toBe(0);
    expect(JSON.parse(term.out())).toMatchObject({ target: { container: 'worker' }, cause: { id: 'segfault' } });
  });

  it('1 when the pod is not crash-looping', async () => {
    const term = terminal();
    const code = await diagnoseCommand(withKubeconfig(['-n', 'monitoring', 'node-exporter-5xk2v']), term);
    expect(code).toBe(1);
    expect(term.err()).toContain('is not crash-looping');
  });

  it('2 with the API message when the pod does not exist', async () => {
    const term = terminal();
    const code = await diagnoseCommand(withKubeconfig(['-n', 'payments', 'gone-pod']), term);
    expect(code).toBe(2);
    expect(term.err()).toMatch(/gone-pod/);
  });

  it.each([
    ['no pod or selector', []],
    ['an unknown option', ['web', '--bogus']],
    ['a bad output format', ['web', '-o', 'yaml']],
    ['a pod with --all-namespaces', ['web', '-A']],
  ])('2 with usage for %s', async (_name, args) => {
    const term = terminal();
    expect(await diagnoseCommand(args, term)).toBe(2);
    expect(term.err()).toContain('Usage:');
  });

  it('2 when the kubeconfig or context does not exist', async () => {
    const missing = terminal();
    expect(await diagnoseCommand(['web', '--kubeconfig', '/nonexistent/config'], missing)).toBe(2);
    expect(missing.err()).toContain('/nonexistent/config');
    const badContext = terminal();
    expect(await diagnoseCommand(withKubeconfig(['web', '--context', 'nope']), badContext)).toBe(2);
    expect(badContext.err()).toContain('"nope"');
  });

  it('reads the cluster of the context named by --context', async () => {
    const a = parse(kubeconfigYaml({ server: api.url, caPem: api.caPem, token: api.token, context: 'staging', namespace: 'payments' })) as Record<
      string,
      unknown[]
    >;
    const b = parse(kubeconfigYaml({ server: other.url, caPem: other.caPem, token: other.token, context: 'prod', namespace: 'data' })) as Record<
      string,
      unknown[]
    >;
    const merged = {
      ...a,
      clusters: [...(a['clusters'] ?? []), ...(b['clusters'] ?? [])],
      users: [...(a['users'] ?? []), ...(b['users'] ?? [])],
      contexts: [...(a['contexts'] ?? []), ...(b['contexts'] ?? [])],
      'current-context': 'staging',
    };
    const path = join(mkdtempSync(join(tmpdir(), 'ct-kubeconfig-')), 'config');
    writeFileSync(path, stringify(merged));

    const prod = terminal();
    // No -n: the context's namespace (data) is used, as kubectl does.
    expect(await diagnoseCommand(['ingest-7b8c9d6f5-pl3ok', '--kubeconfig', path, '--context', 'prod', '-o', 'json'], prod)).toBe(0);
    expect(JSON.parse(prod.out())).toMatchObject({ target: { namespace: 'data' }, cause: { id: 'image-pull' } });
    const staging = terminal();
    expect(await diagnoseCommand(['ingest-7b8c9d6f5-pl3ok', '--kubeconfig', path, '-o', 'json'], staging)).toBe(2);
  });

  it('diagnoses every crash-looping pod of a namespace with -l, as a JSON array, with progress only on stderr', async () => {
    const term = terminal();
    const code = await diagnoseCommand(withKubeconfig(['-n', 'default', '-l', 'pod-template-hash', '-o', 'json']), term);
    expect(code).toBe(0);
    const docs = JSON.parse(term.out()) as DiagnosisDocument[];
    expect(docs.map((d) => d.target.pod).sort()).toEqual(['orders-6d5f8c7b4-tz9xw', 'web-7d4b9c8f6-x2kqp']);
    expect(docs.find((d) => d.target.pod === 'orders-6d5f8c7b4-tz9xw')?.cause.id).toBe('missing-config');
  });

  it('looks in every namespace with -A, and says so when nothing matches', async () => {
    const all = terminal();
    expect(await diagnoseCommand(withKubeconfig(['-A', '-o', 'json']), all)).toBe(0);
    const namespaces = new Set((JSON.parse(all.out()) as DiagnosisDocument[]).map((d) => d.target.namespace));
    expect([...namespaces].sort()).toEqual(expect.arrayContaining(['default', 'media', 'payments']));
    expect(namespaces.has('monitoring')).toBe(false);
    const none = terminal();
    expect(await diagnoseCommand(withKubeconfig(['-A', '-l', 'app=does-not-exist']), none)).toBe(1);
    expect(none.err()).toContain('no crash-looping pod');
  });

  it('runs as the package bin through npx, with the project Node', async () => {
    // Asynchronously: the fake API server lives in this process and must keep answering.
    const result = await promisify(execFile)(
      'npx',
      ['crashtriage', 'diagnose', '-n', 'payments', 'billing-api-5f6c7d8b9-qw4zt', '--kubeconfig', api.kubeconfigPath, '-o', 'json'],
      {
        cwd: join(import.meta.dirname, '../../..'),
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(result.stderr).toBe('');
    expect((JSON.parse(result.stdout) as DiagnosisDocument).cause.id).toBe('oom-killed');
  });

  it('exits 2 from the bin on a usage error', async () => {
    const failure = await promisify(execFile)('npx', ['crashtriage', 'diagnose'], {
      cwd: join(import.meta.dirname, '../../..'),
      encoding: 'utf8',
      timeout: 60_000,
    }).then(
      () => undefined,
      (err: { code?: number; stderr?: string }) => err,
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toContain('Usage:');
  });
});
