/**
 * exit-zero's second Fix ("if it should keep serving") and its Verify steps. Which long-lived command
 * is right only the workload's owners know, so the Fix is the edit itself: export the manifest, name
 * the container and what it runs now, replace it. The "moved to a Job" check belongs only to the
 * Fix that moves the task to a Job: not to a sidecar (made a regular init container) or a
 * DaemonSet's per-node task (made an init container).
 */
import { describe, expect, it } from 'vitest';
import type { Diagnosis } from '../../../src/diagnosis/document.ts';
import { diagnoseFixture } from './shared-setup.ts';

const keepServing = (d: Diagnosis) => d.remedies.find((r) => /long-lived process/.test(r.title));

describe('exit 0 under a workload that restarts it', () => {
  it('a migration in a Deployment: the Job first; keeping it serving is the export, the named edit and the replace', () => {
    const d = diagnoseFixture('exit-zero-migration-in-deployment');
    expect(d.cause.id).toBe('exit-zero');
    expect(d.remedies[0]?.title).toMatch(/^It is a batch task: run it as a Job/);
    expect(keepServing(d)?.commands).toEqual([
      'kubectl get deployment/db-migrate -n payments -o yaml > db-migrate.yaml',
      '# edit db-migrate.yaml: set command/args of container db-migrate to a process that keeps running (now `python -m migrations upgrade head`)',
      'kubectl replace -f db-migrate.yaml',
    ]);
    expect(d.verify).toContain('kubectl get jobs -n payments -w  # moved to a Job: COMPLETIONS reaches 1/1');
    expect(d.verify).toContain('kubectl rollout status deployment/db-migrate -n payments --timeout=5m  # kept running with a long-lived command');
  });

  it('a bare pod: its fields cannot change in place, so the pod is replaced with --force', () => {
    const d = diagnoseFixture('exit-zero-bare-pod');
    expect(keepServing(d)?.commands).toEqual([
      'kubectl get pod/curl-test -n default -o yaml > curl-test.yaml',
      '# a bare pod cannot be changed in place: edit curl-test.yaml and set command/args of container curl-test to a process that keeps running (now `curl -sf http://web/healthz`)',
      'kubectl replace --force -f curl-test.yaml',
    ]);
    expect(d.verify).toContain('kubectl get jobs -n default -w  # moved to a Job: COMPLETIONS reaches 1/1');
  });

  it('a native sidecar: the init container is named as such; no Job check, the rollout without the Job-or-not remark', () => {
    const d = diagnoseFixture('exit-zero-native-sidecar');
    expect(d.remedies[0]?.title).toMatch(/^A one-shot setup step: make it a regular init container/);
    expect(keepServing(d)?.commands).toEqual([
      'kubectl get deployment/storefront -n web -o yaml > storefront.yaml',
      '# edit storefront.yaml: set command/args of init container config-sync to a process that keeps running (now `/bin/config-sync --once`)',
      'kubectl replace -f storefront.yaml',
    ]);
    expect(d.verify.some((v) => v.includes('kubectl get jobs'))).toBe(false);
    expect(d.verify).toContain('kubectl rollout status deployment/storefront -n web --timeout=5m');
  });

  it("a DaemonSet's per-node task: no Job check either", () => {
    const d = diagnoseFixture('exit-zero-migration-in-deployment', (pod) => {
      for (const ref of pod.metadata?.ownerReferences ?? []) Object.assign(ref, { kind: 'DaemonSet', name: 'db-migrate' });
    });
    expect(d.remedies[0]?.title).toMatch(/per-node setup: run it once per node as an init container of DaemonSet db-migrate/);
    expect(keepServing(d)?.commands[0]).toBe('kubectl get daemonset/db-migrate -n payments -o yaml > db-migrate.yaml');
    expect(d.verify.some((v) => v.includes('kubectl get jobs'))).toBe(false);
    expect(d.verify).toContain('kubectl rollout status daemonset/db-migrate -n payments --timeout=5m');
  });

  it('no command or args in the spec: says it runs the image default; a long script is cut to its start', () => {
    const bare = diagnoseFixture('exit-zero-migration-in-deployment', (pod) => {
      const c = pod.spec?.containers[0];
      if (c !== undefined) Object.assign(c, { command: undefined, args: undefined });
    });
    expect(keepServing(bare)?.commands[1]).toMatch(/to a process that keeps running \(the image's default command now\)$/);
    const long = diagnoseFixture('exit-zero-migration-in-deployment', (pod) => {
      const c = pod.spec?.containers[0];
      if (c !== undefined) Object.assign(c, { command: ['sh', '-c'], args: [`echo start; ${'sleep 1; '.repeat(20)}echo done`] });
    });
    const line = keepServing(long)?.commands[1] ?? '';
    expect(line).toContain('(now `sh -c echo start; sleep 1;');
    expect(line).toMatch(/…`\)$/);
    expect(line.length).toBeLessThan(220);
  });
});
