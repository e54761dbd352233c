/** `$(VAR)` references the kubelet leaves unexpanded: which the spec shows, and which it cannot rule out. */
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/diagnosis/diagnose.ts';
import type { ContainerFacts, EnvFacts } from '../../../src/diagnosis/evidence.ts';
import { unexpandedRefs } from '../../../src/diagnosis/rules/env-ref-rule.ts';
import { variableRefs } from '../../../src/kube/container-facts.ts';
import { fixtures, toEvidence } from '../../fixtures/diagnosis/index.ts';

const value = (name: string, v: string): EnvFacts => ({ name, from: { kind: 'value', refs: variableRefs(v) } });
const secret = (name: string): EnvFacts => ({ name, from: { kind: 'secretKeyRef', name: 's', key: 'k', optional: false } });
const container = (env: EnvFacts[], envFrom: ContainerFacts['envFrom'] = []): ContainerFacts => ({ name: 'app', env, envFrom }) as unknown as ContainerFacts;

describe('variableRefs', () => {
  it.each<[string, string[]]>([
    ['postgres://u:$(DB_PASSWORD)@db/app', ['DB_PASSWORD']],
    ['$(PROTOCOL)://$(HOST):$(PORT)/$(HOST)', ['PROTOCOL', 'HOST', 'PORT']],
    ['$$(ESCAPED) stays literal', []],
    ['$$$(AFTER_ESCAPE)', ['AFTER_ESCAPE']],
    ['$HOME and {HOME} forms are the shell, not the kubelet', []],
    ['$(UNCLOSED', []],
  ])('%s', (v, refs) => {
    expect(variableRefs(v)).toEqual(refs);
  });
});

describe('unexpandedRefs', () => {
  it('a reference to an earlier entry is expanded', () => {
    expect(unexpandedRefs(container([secret('DB_PASSWORD'), value('DATABASE_URL', 'x:$(DB_PASSWORD)')]), true)).toEqual([]);
  });

  it('a reference to a later entry is not', () => {
    expect(unexpandedRefs(container([value('DATABASE_URL', 'x:$(DB_PASSWORD)'), secret('DB_PASSWORD')]), true)).toEqual([
      { env: 'DATABASE_URL', index: 0, ref: 'DB_PASSWORD', definedAt: 1 },
    ]);
  });

  it('a reference defined nowhere is not, unless envFrom or a service link may define it', () => {
    const env = [value('URL', 'http://$(API_SERVICE_HOST):$(API_SERVICE_PORT)/$(TENANT)')];
    expect(unexpandedRefs(container(env), true)).toEqual([{ env: 'URL', index: 0, ref: 'TENANT' }]);
    expect(unexpandedRefs(container(env), false).map((r) => r.ref)).toEqual(['API_SERVICE_HOST', 'API_SERVICE_PORT', 'TENANT']);
    expect(unexpandedRefs(container(env, [{ kind: 'configMap', name: 'settings', optional: false }]), true)).toEqual([]);
  });
});

describe('the rule', () => {
  const fider = fixtures.find((f) => f.name === 'sub-env-ref-fider-password-after-url');
  const fiderPod = fider?.pod;
  if (fider === undefined || fiderPod === undefined) throw new Error('fixture missing');

  it('with the entries in order, the refused password is db-auth again', () => {
    const pod = structuredClone(fiderPod);
    const env = pod.spec?.containers[0]?.env ?? [];
    const password = env.pop();
    if (password !== undefined) env.unshift(password);
    expect(diagnose(toEvidence({ ...fider, pod })).cause.detail).toBe('db-auth');
  });

  it('an unrelated crash line is not blamed on the reference', () => {
    const log = 'panic: runtime error: index out of range [3] with length 3\n\ngoroutine 1 [running]:\nmain.main()\n\t/app/main.go:12 +0x1d';
    expect(diagnose(toEvidence({ ...fider, log })).cause.detail).not.toBe('env-ref-unexpanded');
  });

  it('the literal in the log decides with high confidence', () => {
    const log = 'connecting to postgres://fider:$(POSTGRES_PASSWORD)@postgres:5432/fider\nerror: could not connect';
    const d = diagnose(toEvidence({ ...fider, log }));
    expect(d.cause.detail).toBe('env-ref-unexpanded');
    expect(d.cause.confidence).toBe('high');
    // The log line is quoted (its URL credentials redacted); the title names the reference.
    expect(d.evidence.find((l) => l.source === 'logs')?.text).toMatch(/^connecting to postgres:\/\//);
    expect(d.cause.title).toContain('$(POSTGRES_PASSWORD)');
  });
});
