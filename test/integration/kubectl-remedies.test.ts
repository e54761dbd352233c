/**
 * Every command the product prints for the corpus, checked by the real kubectl (v1.32):
 * - `kubectl patch`, `set resources`, `set env`, `set image` of the workload are applied with
 *   `--local` to a manifest of the fixture's owner built from its pod spec, and the result must
 *   remove the problem (no container added by a wrong name, the index of a JSON patch names the
 *   diagnosed container, the limit/env/image is the new value, a probe points at a declared port);
 * - every other kubectl line runs against a server that only serves discovery: kubectl parses it
 *   (unknown commands, flags or resource types fail here) and the server answers 404/403.
 * Plus the rules no test of one command sees: no placeholder written into a Secret or ConfigMap,
 * kind-aware fixes (no rollout of a bare pod, privileged node debugging says --profile=sysadmin).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnose } from '../../src/diagnosis/diagnose.ts';
import type { DiagnosisDocument } from '../../src/diagnosis/document.ts';
import { escalationSteps } from '../../src/notify/escalation.ts';
import { type DiagnosisFixture, fixtures, toEvidence } from '../fixtures/diagnosis/index.ts';
import { corpusDocuments } from '../support/corpus-documents.ts';
import { KUBECTL, type KubectlTarget, run, shellWords, startKubectlTarget, workloadManifest } from '../support/kubectl.ts';

type Json = Record<string, unknown>;

let target: KubectlTarget;
beforeAll(async () => {
  target = await startKubectlTarget();
});
afterAll(async () => {
  await target?.close();
});

/** Every command line the document suggests: remedies, verify steps that are commands, the escalation list. */
function commandLines(doc: DiagnosisDocument): string[] {
  const lines = [
    ...doc.remedies.flatMap((r) => r.commands.flatMap((c) => c.split('\n'))),
    ...doc.verify.filter((v) => v.startsWith('kubectl ')),
    ...escalationSteps(doc).flatMap((s) => (s.command === undefined ? [] : [s.command])),
  ];
  return [...new Set(lines.map((l) => l.trim()))].filter((l) => l !== '' && !l.startsWith('#'));
}

/** Values a reader supplies as shell variables get a plausible value for the run. */
function shellEnv(line: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...target.env };
  for (const [, name] of line.matchAll(/\$\{?([A-Z_][A-Z0-9_]*)\}?/g)) {
    if (name === undefined) continue;
    env[name] = /MEMORY|LIMIT/.test(name) ? '768Mi' : /TAG/.test(name) ? 'v1.2.3' : /PATH$/.test(name) ? '/healthz' : `test-${name.toLowerCase()}`;
  }
  return env;
}

const VALUE_FLAGS = new Set([
  '-n',
  '--namespace',
  '-c',
  '--containers',
  '-p',
  '--patch',
  '--type',
  '--from',
  '--keys',
  '--limits',
  '--requests',
  '-o',
  '--output',
  '-l',
  '--selector',
  '--prefix',
]);

function podSpecOf(obj: Json): Json {
  return (obj['kind'] === 'Pod' ? obj['spec'] : ((obj['spec'] as Json)['template'] as Json)['spec']) as Json;
}
const containersOf = (obj: Json, list: 'containers' | 'initContainers'): Json[] => (podSpecOf(obj)[list] as Json[] | undefined) ?? [];
const byName = (obj: Json, name: string): Json | undefined =>
  [...containersOf(obj, 'containers'), ...containersOf(obj, 'initContainers')].find((c) => c['name'] === name);

/** `expected` holds in `actual`: every key of `expected` equal there; null means absent. */
function expectSubset(actual: unknown, expected: unknown, where: string): void {
  if (expected === null) return expect(actual, where).toBeUndefined();
  if (Array.isArray(expected) && expected.every((e) => typeof e === 'object' && e !== null && 'name' in e)) {
    // Lists merged by name (containers, volumes, env): each patched entry is there, others may be too.
    for (const e of expected as Json[])
      expectSubset(
        (actual as Json[] | undefined)?.find((a) => a['name'] === e['name']),
        e,
        `${where}[${e['name']}]`,
      );
    return;
  }
  if (typeof expected !== 'object' || Array.isArray(expected)) return expect(actual, where).toEqual(expected);
  for (const [k, v] of Object.entries(expected as Json)) expectSubset((actual as Json | undefined)?.[k], v, `${where}.${k}`);
}

function portsOf(container: Json | undefined): { numbers: number[]; names: string[] } {
  const ports = (container?.['ports'] as { containerPort: number; name?: string }[] | undefined) ?? [];
  return { numbers: ports.map((p) => p.containerPort), names: ports.flatMap((p) => (p.name === undefined ? [] : [p.name])) };
}

/** A probe's port must be one the container declares, or the one its log says it listens on. */
function expectProbePort(container: Json | undefined, probe: Json, fixture: DiagnosisFixture, where: string): void {
  const handler = (probe['httpGet'] ?? probe['tcpSocket'] ?? probe['grpc']) as Json | undefined;
  const port = handler?.['port'];
  if (port === undefined) return;
  const declared = portsOf(container);
  if (typeof port === 'string') expect(declared.names, `${where}: named port ${port}`).toContain(port);
  else {
    const listening = [...(fixture.log ?? '').matchAll(/(?:listen\w*|port)\D{0,20}(\d{2,5})/gi)].map((m) => Number(m[1]));
    expect([...declared.numbers, ...listening], `${where}: port ${port}`).toContain(port);
  }
}

/** Applies one workload-changing command with --local to the manifest and checks the result. */
async function applyLocally(line: string, fixture: DiagnosisFixture, doc: DiagnosisDocument, dir: string): Promise<void> {
  if (fixture.pod === undefined) throw new Error(`${line}: a workload change without a pod to build the manifest from`);
  const manifest = workloadManifest(fixture.pod, doc.target.owner);
  const file = join(dir, 'workload.json');
  writeFileSync(file, JSON.stringify(manifest));
  const words = (await shellWords(line, shellEnv(line))).slice(1);
  const head = words[0] === 'set' ? 2 : 1;
  const positional: number[] = [];
  for (let i = head; i < words.length; i++) {
    const w = words[i] ?? '';
    if (VALUE_FLAGS.has(w)) i++;
    else if (!w.startsWith('-')) positional.push(i);
  }
  const first = words[positional[0] ?? -1] ?? '';
  const [kind, name] = first.includes('/') ? first.split('/') : [first, words[positional[1] ?? -1]];
  const refTokens = first.includes('/') ? 1 : 2;
  const kindWord = String(manifest['kind']).toLowerCase();
  expect(kind, `${line}: names the workload's kind`).toBe(kindWord);
  expect(name, `${line}: names the workload`).toBe((manifest['metadata'] as Json)['name']);
  const drop = new Set(positional.slice(0, refTokens));
  const args = [...words.filter((_, i) => !drop.has(i)), '-f', file, '--local', '-o', 'json'];
  const out = await run(KUBECTL, args, { env: target.env, cwd: dir });
  expect(out.stderr, `kubectl ${args.join(' ')}`).toBe('');
  expect(out.code).toBe(0);
  const after = JSON.parse(out.stdout) as Json;

  // A strategic merge patch with a wrong container name adds a container: names must not change,
  // except for a new container the patch means to add (it brings its own image).
  const patchText = words[words.findIndex((w) => w === '-p' || w === '--patch') + 1] ?? '';
  const meant = [...patchText.matchAll(/\{"name":"([^"]+)","image":/g)].map((m) => m[1]);
  for (const list of ['containers', 'initContainers'] as const)
    expect(
      containersOf(after, list)
        .map((c) => c['name'])
        .filter((n) => !meant.includes(String(n)) || containersOf(manifest, list).some((c) => c['name'] === n)),
      `${line}: ${list}`,
    ).toEqual(containersOf(manifest, list).map((c) => c['name']));

  const flag = (f: string): string | undefined => {
    const i = words.findIndex((w) => w === f || w.startsWith(`${f}=`));
    if (i < 0) return undefined;
    const w = words[i] ?? '';
    return w.includes('=') ? w.slice(f.length + 1) : words[i + 1];
  };
  const container = byName(after, flag('-c') ?? flag('--containers') ?? doc.target.container);
  if (words[0] === 'set' && words[1] === 'resources') {
    for (const which of ['limits', 'requests'] as const) {
      for (const pair of (flag(`--${which}`) ?? '').split(',').filter((p) => p !== '')) {
        const [resource = '', value] = pair.split('=');
        expect((container?.['resources'] as Json | undefined)?.[which], `${line}: ${which}`).toMatchObject({ [resource]: value });
      }
    }
  } else if (words[0] === 'set' && words[1] === 'env') {
    const env = (container?.['env'] as Json[] | undefined) ?? [];
    const assignments = words.filter((w, i) => i > 2 && !drop.has(i) && /^[A-Za-z_][A-Za-z0-9_]*=/.test(w) && words[i - 1] !== '--keys');
    for (const a of assignments) {
      const [envName, ...rest] = a.split('=');
      expect(env.find((e) => e['name'] === envName)?.['value'], `${line}: ${envName}`).toBe(rest.join('='));
    }
    for (const key of (flag('--keys') ?? '').split(',').filter((k) => k !== ''))
      expect(
        env.find((e) => e['name'] === key),
        `${line}: ${key} from ${flag('--from')}`,
      ).toMatchObject({ valueFrom: { secretKeyRef: { name: (flag('--from') ?? '').split('/')[1], key } } });
  } else if (words[0] === 'set' && words[1] === 'image') {
    for (const pair of words.filter((w, i) => i > 2 && !drop.has(i) && w.includes('=') && !w.startsWith('-'))) {
      const [c = '', image] = pair.split('=');
      expect(byName(after, c)?.['image'], `${line}: image of ${c}`).toBe(image);
    }
  } else if (words[0] === 'patch') {
    const type = flag('--type') ?? 'strategic';
    const patch = JSON.parse(flag('-p') ?? flag('--patch') ?? 'null') as unknown;
    if (type === 'json') {
      for (const op of patch as { op: string; path: string }[]) {
        const m = /\/(containers|initContainers)\/(\d+)(\/.*)?$/.exec(op.path);
        if (m === null) continue;
        const list = m[1] as 'containers' | 'initContainers';
        expect(containersOf(manifest, list)[Number(m[2])]?.['name'], `${line}: index ${m[2]} is the diagnosed container`).toBe(doc.target.container);
        const field = m[3]?.slice(1);
        if (op.op === 'remove' && field !== undefined) expect(containersOf(after, list)[Number(m[2])]?.[field], `${line}: removed`).toBeUndefined();
      }
    } else {
      const spec =
        manifest['kind'] === 'Pod'
          ? ((patch as Json)['spec'] as Json)
          : ((((patch as Json)['spec'] as Json)['template'] as Json | undefined)?.['spec'] as Json | undefined);
      for (const [key, value] of Object.entries(spec ?? {})) {
        if (key === 'containers' || key === 'initContainers') {
          for (const c of value as Json[]) {
            const patched = byName(after, String(c['name']));
            expectSubset(patched, c, `${line}: ${c['name']}`);
            for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe'])
              if (c[probe] !== undefined) expectProbePort(patched, patched?.[probe] as Json, fixture, `${line}: ${probe}`);
          }
        } else expectSubset(podSpecOf(after)[key], value, `${line}: ${key}`);
      }
      for (const [key, value] of Object.entries(((patch as Json)['spec'] as Json | undefined) ?? {}))
        if (key !== 'template' && manifest['kind'] !== 'Pod') expectSubset((after['spec'] as Json)[key], value, `${line}: spec.${key}`);
    }
  }
}

/** Lines kubectl may print when it parsed the command and the test server answered. */
const ANSWERED = [
  /^Error from server \((NotFound|Forbidden)\)/,
  /^Unable to use a TTY/,
  /^If you don't see a command prompt/,
  /^error: .*(not found|forbidden)/i,
  /^Warning: /,
  /^no$/,
  // `apply` validates against the server's OpenAPI document, which the test server does not serve.
  /failed to download openapi/,
  // `kubectl get … -o yaml | … | kubectl apply|replace -f -`: the test server answered the get with
  // NotFound, so nothing reached apply or replace (only accepted when the same output shows that
  // NotFound, see below).
  /^error: no objects passed to (apply|replace)$/,
];

async function parsedByKubectl(line: string, fixture: DiagnosisFixture, doc: DiagnosisDocument, dir: string): Promise<void> {
  // Files a command reads (`-f x.yaml`, `--from-file=k=./x`) exist, as they would for the reader.
  for (const [, path] of line.matchAll(/(?:-f |--from-file=(?:[^=\s]+=)?|--from-env-file=|> )([\w./-]+)/g)) {
    if (path === undefined || path === '-') continue;
    const content = path.endsWith('.yaml') && fixture.pod !== undefined ? JSON.stringify(workloadManifest(fixture.pod, doc.target.owner)) : 'KEY=value\n';
    const local = join(dir, path.replace(/^\.\//, ''));
    // `--from-file=dir/` takes every file of a directory (kubectl create configmap --help).
    if (path.endsWith('/')) {
      mkdirSync(local, { recursive: true });
      writeFileSync(join(local, 'config.yaml'), content);
    } else {
      writeFileSync(local, content);
    }
  }
  const out = await run('/bin/bash', ['-c', line], { env: shellEnv(line), cwd: dir, timeoutMs: 30_000 });
  expect(out.timedOut, `${line}: timed out`).toBe(false);
  const unexplained = `${out.stderr}\n${out.stdout}`
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^(error|Error)\b/.test(l) || /unknown (flag|command|shorthand)|See 'kubectl/.test(l))
    .filter((l) => !ANSWERED.some((re) => re.test(l)));
  expect(unexplained, `${line}\nstderr: ${out.stderr}`).toEqual([]);
  if (/no objects passed to (apply|replace)/.test(`${out.stderr}\n${out.stdout}`)) {
    expect(out.stderr, `${line}: apply or replace got nothing although its input was not a NotFound`).toMatch(/Error from server \(NotFound\)/);
  }
}

// A patch of an object that is not the workload (its ConfigMap, a StorageClass, a node) is only parsed:
// there is no manifest of it to apply the patch to.
const WORKLOAD_CHANGE =
  /^kubectl (patch|set (resources|env|image)) (?!(configmaps?|cm|secrets?|storageclass(es)?|sc|persistentvolumeclaims?|pvc|nodes?|no|namespaces?|ns|services?|svc)\b)/;

/** Corpus cases plus kind variants: the same crash under a DaemonSet, and under no owner at all. */
function withOwner(f: DiagnosisFixture, kind: 'DaemonSet' | undefined): DiagnosisFixture {
  if (f.pod === undefined) return f;
  const app = f.pod.metadata?.labels?.['app'] ?? 'app';
  const ownerReferences = kind === undefined ? [] : [{ apiVersion: 'apps/v1', kind, name: app, uid: 'u', controller: true }];
  return { ...f, name: `${f.name}-as-${kind ?? 'bare-pod'}`, pod: { ...f.pod, metadata: { ...f.pod.metadata, ownerReferences } } };
}

const variants = fixtures
  .filter((f) => ['exit-zero-migration-in-deployment', 'oom-killed-java-xmx-over-limit', 'liveness-probe-wrong-path-404'].includes(f.name))
  .flatMap((f) => [withOwner(f, 'DaemonSet'), withOwner(f, undefined)]);

const cases = [
  ...corpusDocuments().map(({ fixture, document }) => [fixture.name, fixture, document] as const),
  ...variants.map((f) => {
    const evidence = toEvidence(f);
    const base = corpusDocuments()[0]?.document;
    if (base === undefined) throw new Error('empty corpus');
    const d = diagnose(evidence);
    const owner = evidence.pod?.owner;
    const document: DiagnosisDocument = {
      ...base,
      target: { ...base.target, namespace: evidence.pod?.namespace ?? '', pod: evidence.pod?.name ?? '', container: evidence.container?.name ?? '' },
      ...d,
    };
    if (owner === undefined) delete document.target.owner;
    else document.target.owner = owner;
    return [f.name, f, document] as const;
  }),
];

describe('the kubectl checks can fail', () => {
  const fixture = fixtures.find((f) => f.name === 'oom-killed-java-xmx-over-limit');
  const doc = corpusDocuments().find((c) => c.fixture.name === 'oom-killed-java-xmx-over-limit')?.document;
  it.each([
    ['an unknown resource type', 'kubectl get deploymnt/payment-svc -n payments'],
    ['an unknown flag', 'kubectl logs payment-svc-7b9f6d-xk2p -n payments --previus'],
    ['an unknown command', 'kubectl rollout restrat deployment/payment-svc -n payments'],
  ])('%s', async (_what, line) => {
    if (fixture === undefined || doc === undefined) throw new Error('fixture missing');
    await expect(parsedByKubectl(line, fixture, doc, mkdtempSync(join(tmpdir(), 'crashtriage-cmd-')))).rejects.toThrow();
  });
  it.each([
    [
      'a container name that does not exist (the patch adds a container)',
      `kubectl patch deployment payment-svc -n payments -p '{"spec":{"template":{"spec":{"containers":[{"name":"payment","resources":{"limits":{"memory":"1Gi"}}}]}}}}'`,
    ],
    ['the wrong kind', 'kubectl set resources statefulset/payment-svc -n payments -c payment-svc --limits=memory=1Gi'],
    [
      'a JSON patch at the wrong index',
      `kubectl patch deployment payment-svc -n payments --type json -p '[{"op":"add","path":"/spec/template/spec/containers/1/image","value":"x"}]'`,
    ],
    ['a limit that is not a quantity', 'kubectl set resources deployment/payment-svc -n payments -c payment-svc --limits=memory=MEMORY'],
  ])('%s', async (_what, line) => {
    if (fixture === undefined || doc === undefined) throw new Error('fixture missing');
    await expect(applyLocally(line, fixture, doc, mkdtempSync(join(tmpdir(), 'crashtriage-cmd-')))).rejects.toThrow();
  });
});

describe('suggested commands, checked by the real kubectl', () => {
  it.each(cases)('%s', { timeout: 180_000 }, async (_name, fixture, doc) => {
    const dir = mkdtempSync(join(tmpdir(), 'crashtriage-cmd-'));
    for (const line of commandLines(doc)) {
      if (!line.startsWith('kubectl ')) continue;
      // `set env --from=secret/x` reads the Secret from the cluster, which --local cannot.
      if (WORKLOAD_CHANGE.test(line) && !line.includes(' --from=')) await applyLocally(line, fixture, doc, dir);
      else await parsedByKubectl(line, fixture, doc, dir);
    }
  });

  it.each(cases)('%s: no placeholder written into a Secret or ConfigMap; kind-aware commands', (_name, _fixture, doc) => {
    const all = doc.remedies.flatMap((r) => r.commands.flatMap((c) => c.split('\n')));
    for (const line of all) {
      if (/kubectl (create (secret|configmap)|patch (secret|configmap|cm)\b)/.test(line)) {
        for (const [, value] of line.matchAll(/--(?:from-literal=[^=\s]+|docker-password|docker-username)=(\S+)/g))
          expect(value, `${line}: a value the reader supplies is a shell variable`).toMatch(/^"?\$\{?[A-Z_]/);
        // A value the reader supplies: a shell variable, or the content of the reader's own file (`$(cat ./f)`).
        if (/kubectl patch (secret|configmap)/.test(line))
          expect(line, 'a patched value is a shell variable or a file').toMatch(/\$\{?[A-Z_]|\$\(cat [\w./-]+\)/);
      }
      if (line.startsWith('kubectl debug node/') && /\b(dmesg|chroot|nsenter)\b/.test(line))
        expect(line, 'privileged node debugging says --profile=sysadmin').toContain('--profile=sysadmin');
      if (doc.target.owner === undefined) expect(line, 'a bare pod is recreated, not rolled out').not.toMatch(/kubectl rollout .*\bpod\//);
      if (doc.target.owner?.kind === 'DaemonSet' && doc.cause.id === 'exit-zero')
        expect(line, 'a DaemonSet is not replaced by a Job').not.toMatch(/create (job|cronjob)/);
    }
  });
});
