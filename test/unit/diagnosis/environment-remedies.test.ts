/**
 * The program's environment and its image (#28 items 1, 3): an unreachable dependency, a wrong
 * entrypoint and an image that cannot be pulled lead with the change that ends the loop, the check
 * second; and the checks that keep each remedy from evidence that contradicts it.
 */

import type { IContainer } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import type { Diagnosis } from '../../../src/diagnosis/document.ts';
import { benchDiagnosis as bench, diagnoseCrash } from './shared-setup.ts';

const run = (log: string, exitCode: number, spec?: Partial<IContainer>): Diagnosis =>
  diagnoseCrash(log, { exitCode, ran: 2, image: 'registry.example/team/api:1.0.0', ...(spec === undefined ? {} : { spec }) });

describe('an unreachable dependency', () => {
  it('refused at host:port: the pod waits for it in an init container first, the reachability check second', () => {
    const d = run('Error: connect ECONNREFUSED 10.96.44.12:6379\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)\n', 1);
    expect(d.remedies[0]?.kind).toBe('remedy');
    expect(d.remedies[0]?.title).toContain('wait until 10.96.44.12:6379 accepts connections');
    expect(d.remedies[0]?.commands.join('\n')).toContain('until nc -z -w 3 10.96.44.12 6379');
    // Only the init container: a containers entry holding just the app container's name would merge by
    // name into that container and change nothing (strategic merge patch, patchMergeKey name).
    const patch = /-p '(.*)'$/.exec(d.remedies[0]?.commands[0] ?? '')?.[1] ?? '';
    expect(Object.keys(JSON.parse(patch).spec.template.spec)).toEqual(['initContainers']);
    expect(d.remedies[1]).toMatchObject({ kind: 'diagnostic', title: 'Check that 10.96.44.12:6379 is up and reachable from shop' });
    // Its check runs without a terminal (-i, not -it).
    expect(d.remedies[1]?.commands.join('\n')).not.toContain(' -it ');
  });

  it('a name that does not resolve gets no wait (it would wait for ever on a wrong name): where its Service is decides (./service-home.test.ts)', () => {
    const d = bench('app-crash-go-logrus-no-such-host');
    expect(d.remedies.map((r) => r.commands.join('\n')).join('\n')).not.toContain('until nc');
    expect(d.remedies[0]).toMatchObject({
      kind: 'remedy',
      title:
        'Make redis-master resolve in platform to redis-master.redis.svc.cluster.local (an ExternalName Service): Service redis-master is in namespace redis, not platform',
    });
  });

  it('the bench cases of refused connections lead with the wait', () => {
    for (const id of ['sub-dependency-refused-jdbc-first-install', 'seed-payment-svc-python-db-refused', 'app-crash-go-zap-fatal-connection-refused'])
      expect(bench(id).remedies[0]?.title, id).toMatch(/^Make the pod wait until \S+:\d+ accepts connections/);
  });
});

describe('a wrong entrypoint', () => {
  it('with a command override: dropping it comes first, the look into the image second', () => {
    const d = bench('bad-entrypoint-shell-127');
    expect(d.remedies[0]).toMatchObject({ kind: 'remedy', title: 'Drop the command override ["/bin/sh","-c","/app/start.sh"] so the image ENTRYPOINT runs' });
    expect(d.remedies[1]?.kind).toBe('diagnostic');
  });

  it('without one the image is wrong: a build that fixes it first (execute bit, architecture)', () => {
    expect(bench('bad-entrypoint-permission-126').remedies[0]).toMatchObject({
      kind: 'remedy',
      title: 'Deploy an image with /app/geoip-server executable (RUN chmod +x /app/geoip-server in the Dockerfile)',
    });
    const arch = bench('bad-entrypoint-exec-format-error-255').remedies;
    expect(arch[0]?.kind).toBe('remedy');
    expect(arch[0]?.commands).toEqual([
      "read -r -p 'fixed tag: ' TAG",
      'kubectl set image deployment/feature-flags -n platform feature-flags=registry.acme.io/feature-flags:"$TAG"',
    ]);
    expect(arch[1]?.title).toBe("Compare the image's architecture with the node's");
  });
});

describe('an image that cannot be pulled', () => {
  it('a tag that does not exist: set image to one that does, asked for, first; the registry check last', () => {
    const r = bench('image-pull-tag-not-found').remedies;
    expect(r[0]).toEqual({
      kind: 'remedy',
      title: 'Point the workload at a tag of nginx that exists',
      commands: ["read -r -p 'a tag that exists: ' TAG", 'kubectl set image deployment/nginx-edge -n web nginx-edge=nginx:"$TAG"'],
    });
    expect(r.at(-1)?.kind).toBe('diagnostic');
  });

  it('an upper-case repository name: the same name in lower case (the tag kept)', () => {
    const r = bench('image-pull-invalid-name').remedies;
    expect(r[0]).toEqual({
      kind: 'remedy',
      title: 'Use the repository name in lower case: ghcr.io/acme/blog:2.0',
      commands: ['kubectl set image deployment/blog -n web blog=ghcr.io/acme/blog:2.0'],
    });
  });
});
