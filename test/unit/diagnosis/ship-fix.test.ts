/**
 * A bug in the program's own code: the first Fix is the build with the fix deployed (remedies/ship-fix.ts),
 * the trace second; and the checks that keep that remedy away from evidence that contradicts it (a
 * refused system call, an unreachable dependency) or from a step whose answer the message quotes.
 */
import type { IContainer } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import type { Diagnosis } from '../../../src/diagnosis/document.ts';
import { repositoryOf } from '../../../src/diagnosis/remedies/image-ref.ts';
import type { OwnerKind } from '../../fixtures/diagnosis/k8s.ts';
import { commandsOf as commands, diagnoseCrash } from './shared-setup.ts';

const run = (log: string, exitCode: number, more: { owner?: OwnerKind; message?: string; image?: string; spec?: Partial<IContainer> } = {}): Diagnosis =>
  diagnoseCrash(log, { exitCode, ran: 3, image: 'registry.example:5000/team/api:1.0.0', ...more });

describe('a crash in its own code: the build with the fix first', () => {
  it('keeps the repository the pod runs from, and asks only for the tag', () => {
    expect(repositoryOf('registry.example:5000/team/api:1.0.0')).toBe('registry.example:5000/team/api');
    expect(repositoryOf('ghcr.io/org/api:2.1@sha256:0123abcd')).toBe('ghcr.io/org/api');
    expect(repositoryOf('nginx')).toBe('nginx');
    const d = run('panic: assignment to entry in nil map\n\ngoroutine 1 [running]:\nmain.(*Registry).Add(...)\n\t/src/registry.go:41\n', 2);
    expect(d.remedies[0]).toEqual({
      kind: 'remedy',
      title: 'Deploy a build fixing registry.go:41',
      commands: ["read -r -p 'fixed tag: ' TAG", 'kubectl set image deployment/api -n shop api=registry.example:5000/team/api:"$TAG"'],
    });
  });

  it("names the innermost frame of a Python traceback in the program's own code, not a library's", () => {
    const d = run(
      [
        'Traceback (most recent call last):',
        '  File "/app/worker.py", line 77, in <module>',
        '    job = queue.pop()',
        '  File "/usr/local/lib/python3.12/site-packages/rq/queue.py", line 310, in pop',
        '    return self._jobs.pop()',
        "AttributeError: 'NoneType' object has no attribute 'pop'",
      ].join('\n'),
      1,
    );
    expect(d.remedies[0]).toMatchObject({ kind: 'remedy', title: 'Deploy a build fixing worker.py:77' });
  });

  it('recreates a Job (its pod template is immutable) instead of set image', () => {
    const d = run(
      'panic: runtime error: invalid memory address or nil pointer dereference\n\ngoroutine 1 [running]:\nmain.run()\n\t/src/job.go:12 +0x1d\n',
      2,
      {
        owner: 'Job',
      },
    );
    expect(d.remedies[0]?.kind).toBe('remedy');
    expect(d.remedies[0]?.commands.join('\n')).toContain('kubectl replace --force -f');
    expect(d.remedies[0]?.commands.join('\n')).not.toContain('set image');
  });

  it('offers no build when the abort says the system refused the call (EPERM): a thread that cannot start runs Unconfined', () => {
    const log = 'thread.c:82: fatal error: pthread_create() failed: Operation not permitted\nAborted';
    const d = run(log, 134);
    expect(d.cause.detail).toBe('abort');
    expect(d.remedies[0]).toMatchObject({ kind: 'remedy', title: expect.stringContaining('seccompProfile Unconfined') });
    expect(d.remedies[0]?.commands[0]).toContain('"securityContext":{"seccompProfile":{"type":"Unconfined"}}');
    expect(d.remedies[1]?.title).toContain('EPERM');
    expect(commands(d)).toContain('containerRuntimeVersion');
    expect(commands(d)).not.toContain('set image');
    // Already Unconfined: the profile is not it, and the node's runtime is the step that decides.
    const unconfined = run(log, 134, { spec: { securityContext: { seccompProfile: { type: 'Unconfined' } } } });
    expect(unconfined.remedies[0]).toMatchObject({ kind: 'diagnostic', title: expect.stringContaining('EPERM') });
    expect(commands(unconfined)).not.toContain('"type":"Unconfined"');
    // Another refused call (not a thread) is no seccomp case the evidence shows.
    const other = run('util.c:12: fatal error: unshare() failed: Operation not permitted\nAborted', 134);
    expect(other.remedies[0]).toMatchObject({ kind: 'diagnostic' });
  });

  it('offers no build when the exception is a connection refused by a dependency', () => {
    const d = run(
      [
        'org.springframework.beans.factory.BeanCreationException: Error creating bean',
        '\tat org.springframework.boot.SpringApplication.run(SpringApplication.java:335)',
        'Caused by: org.postgresql.util.PSQLException: Connection to orders-db:5432 refused.',
        '\tat org.postgresql.core.v3.ConnectionFactoryImpl.openConnectionImpl(ConnectionFactoryImpl.java:342)',
      ].join('\n'),
      1,
    );
    expect(d.cause.detail).toBe('dependency-unreachable');
    expect(commands(d)).not.toContain('set image');
  });

  it('a segfault in a Python native extension: a build with another version of that package', () => {
    const d = run(
      [
        'Fatal Python error: Segmentation fault',
        '',
        'Current thread 0x00007f3a2c1b5740 (most recent call first):',
        '  File "/usr/local/lib/python3.11/site-packages/tokenizers/__init__.py", line 78 in encode',
        '  File "/app/serve.py", line 41 in handle',
      ].join('\n'),
      139,
    );
    expect(d.cause.id).toBe('segfault');
    expect(d.remedies[0]).toMatchObject({ kind: 'remedy' });
    expect(d.remedies[0]?.title).toContain("tokenizers's native code (tokenizers/__init__.py:78): another tokenizers version");
  });

  it('a segfault with nothing in its log stays a step, whose title says the crashing frame decides', () => {
    const d = run('', 139);
    expect(d.remedies[0]).toMatchObject({ kind: 'diagnostic' });
    expect(d.remedies[0]?.title).toContain('the crashing frame decides');
  });
});

describe('an empty log: no read of the termination message the exit record already gave', () => {
  it('neither when the message quotes it, nor when the record says there was none', () => {
    const quoted = run('', 1, { message: 'cannot reach the license server' });
    expect(quoted.cause.summary).toContain('cannot reach the license server');
    expect(commands(quoted)).not.toContain('lastState.terminated.message');
    const silent = run('', 1);
    expect(silent.cause.summary).toContain('it left no termination message');
    expect(commands(silent)).not.toContain('lastState.terminated.message');
    // The step that decides comes first and says so.
    expect(silent.remedies[0]).toMatchObject({ kind: 'diagnostic', title: expect.stringContaining('decides') });
    expect(commands(silent)).toContain('--copy-to=');
  });
});

describe("a crash on the Kubernetes API's 403 for a URL: the grant, not a build", () => {
  it("reads kube-rs' Status(403) with the URL of the list a reflector makes (oam-dev/rudr#50)", () => {
    const d = run(
      `thread 'main' panicked at 'component reflector cannot be created: Error(Status(403), "https://10.0.0.1/apis/core.hydra.io/v1alpha1/namespaces/shop/components?")', src/libcore/result.rs:999:5`,
      101,
    );
    expect(d.remedies[0]).toMatchObject({ kind: 'remedy', title: expect.stringContaining('Grant list components.core.hydra.io') });
    expect(d.remedies[0]?.commands[0]).toBe('kubectl create role default-access -n shop --verb=list,watch --resource=components.core.hydra.io');
    expect(commands(d)).toContain('RUST_BACKTRACE=1');
    expect(commands(d)).not.toContain('set image');
  });

  it("reads aiohttp's ClientResponseError for a cluster-scoped custom resource (zakkg3/ClusterSecret#2)", () => {
    const d = run(
      [
        'Traceback (most recent call last):',
        '  File "/src/handlers.py", line 41, in startup',
        '    await api.list_cluster_custom_object("clustersecret.io", "v1", "clustersecrets")',
        "aiohttp.client_exceptions.ClientResponseError: 403, message='Forbidden', url=URL('https://10.32.0.1:443/apis/clustersecret.io/v1/clustersecrets')",
      ].join('\n'),
      1,
    );
    expect(d.remedies[0]?.kind).toBe('remedy');
    expect(d.remedies[0]?.commands[0]).toBe('kubectl create clusterrole default-access --verb=list,watch --resource=clustersecrets.clustersecret.io');
  });

  it("leaves a 403 from another REST API's /api/v1 path to the code", () => {
    const d = run(
      [
        'Traceback (most recent call last):',
        '  File "/app/sync.py", line 12, in <module>',
        '    r.raise_for_status()',
        'requests.exceptions.HTTPError: 403 Client Error: Forbidden for url: https://grafana.internal/api/v1/users',
      ].join('\n'),
      1,
    );
    expect(commands(d)).not.toContain('kubectl create role');
    expect(d.remedies[0]?.title).toBe('Deploy a build fixing sync.py:12');
  });
});
