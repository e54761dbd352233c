/**
 * Issue #28, "commands that run": every command in every code block of every bench case's message
 * (bench/cases/<id>/, diagnosed and rendered) runs as written. bash parses each line (and each command a
 * comment tells the reader to type); the real kubectl runs each kubectl line against the case's own
 * cluster on the fake API server (test/support/bench-cluster.ts: its pod, events, log, node, owner
 * and the ConfigMaps and Secrets its spec references): reads succeed, or fail with NotFound only for
 * objects the evidence does not show to exist; writes run with --dry-run=client against the real
 * object (a JSON patch's `test`, a strategic merge, `set env` are applied). No placeholder, no `…`,
 * no prose where arguments go, no `-it` piped, no read of a pod or node the evidence says is gone
 * (test/support/message-commands.ts). `node bench/commands.ts` prints the same figures.
 *
 * The second block shows each check fails on the command it is there to catch.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchCluster } from '../support/bench-cluster.ts';
import { checkCaseCommands } from '../support/bench-commands.ts';
import { benchCaseDocuments } from '../support/corpus-documents.ts';
import { type FakeKubeApi, startFakeKubeApi } from '../support/fake-kube-api.ts';
import { KUBECTL, type KubectlTarget, startKubectlTarget } from '../support/kubectl.ts';
import { bashParses, kubectlComplaints, staticComplaints } from '../support/message-commands.ts';

const cases = benchCaseDocuments();
let parseOnly: KubectlTarget;
beforeAll(async () => {
  parseOnly = await startKubectlTarget();
});
afterAll(async () => {
  await parseOnly?.close();
});

describe('every command of every bench message runs as written', () => {
  it.each(cases.map((c) => [c.id, c] as const))('%s', { timeout: 240_000 }, async (id, c) => {
    const result = await checkCaseCommands(id, c.document, KUBECTL, parseOnly.env);
    expect(result.failures.map((f) => `${f.where}: ${f.why}\n  ${f.line}`)).toEqual([]);
  });
});

describe('the checks catch what they are for', () => {
  const kafka = cases.find((c) => c.id === 'app-crash-kafka-port-service-link');
  const pod = kafka?.document.target.pod ?? '';
  let api: FakeKubeApi;
  const dir = mkdtempSync(join(tmpdir(), 'crashtriage-checks-'));
  beforeAll(async () => {
    if (kafka === undefined) throw new Error('bench case app-crash-kafka-port-service-link missing');
    api = await startFakeKubeApi(benchCluster(kafka.id, kafka.document).options);
  });
  afterAll(async () => {
    await api?.close();
  });
  const complaints = (line: string) =>
    kubectlComplaints(
      line,
      {
        cluster: { PATH: '/usr/bin:/bin', HOME: dir, KUBECONFIG: api.kubeconfigPath },
        parseOnly: parseOnly.env,
        kubectl: KUBECTL,
        mayBeMissing: (r) => !/^(pods|deployments)/.test(r),
      },
      dir,
    );

  it.each([
    ['a placeholder', "sed -i 's/x//' <the script>", /placeholder/],
    ['an ellipsis', 'docker buildx build --platform linux/amd64 …', /ellipsis/],
    ['-it piped', 'kubectl debug node/n -it --image=busybox:1.36 -- chroot /host dmesg -T | grep oom', /interactive/],
    ['which -c', 'which -c node', /which -c/],
    ['a doubled slash in find -path', "find / -path '*//config*'", /doubled|'\/\/'/],
    ['prose for arguments', 'ldd on the binary; ls', /prose/],
    ['a gone node', 'kubectl describe node node-a-3', /gone/],
  ])('static: %s', (_what, line, why) => {
    expect(staticComplaints(line, new Set(['node/node-a-3'])).join('; ')).toMatch(why);
  });

  it('bash -n: prose in parentheses', async () => {
    expect(await bashParses("ls -la /proc/1/root/ (the target container's filesystem)")).toMatch(/syntax error/);
    expect(await bashParses('ls -la /proc/1/root/ ; ps')).toBeUndefined();
  });

  it('kubectl: a wrong workload name, a JSON patch whose test fails, a flag kubectl lacks, a previous log that is not there', async () => {
    expect(await complaints(`kubectl patch deployment app-crash-kafka -n shop --type merge -p '{"spec":{}}'`)).toEqual([expect.stringMatching(/NotFound/)]);
    expect(
      await complaints(
        `kubectl patch deployment app-crash-kafka-port-service-l -n shop --type json -p '[{"op":"test","path":"/spec/template/spec/containers/0/args","value":["--nope"]}]'`,
      ),
    ).not.toEqual([]);
    expect(await complaints(`kubectl logs ${pod} -n shop --previuos`)).not.toEqual([]);
    expect(await complaints(`kubectl logs ${pod} -n shop -c nope --previous`)).not.toEqual([]);
    // and what runs, runs
    expect(await complaints(`kubectl logs ${pod} -n shop -c app-crash-kafka-port-service-l --previous --tail=5`)).toEqual([]);
    expect(await complaints(`kubectl rollout undo deployment/app-crash-kafka-port-service-l -n shop`)).toEqual([]);
    expect(await complaints(`kubectl top pod ${pod} -n shop --containers`)).toEqual([]);
  });
});
