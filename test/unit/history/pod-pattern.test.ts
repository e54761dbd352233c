/**
 * The workload's pods as the anchored regex the memory-history queries put in `pod=~"…"`: from the
 * owner's kind when known (each controller names its pods its own way), else from the shape of the
 * alerted pod's name. Checked by matching real pod names, as Prometheus would (RE2 anchors `=~`).
 */
import { describe, expect, it } from 'vitest';
import { podPattern } from '../../../src/history/read.ts';

/** The pattern as Prometheus reads it: the PromQL string's `\\` is one backslash, anchored at both ends. */
const promRegex = (pattern: string): RegExp => new RegExp(`^(?:${pattern.replace(/\\\\/g, '\\')})$`);

describe('podPattern', () => {
  it.each<[string, string, { kind: string; name: string } | undefined, string[], string[]]>([
    [
      'a Deployment',
      'api-7d9f8b6c5-x2x4q',
      { kind: 'Deployment', name: 'api' },
      ['api-7d9f8b6c5-x2x4q', 'api-5c8f7-abcde'],
      ['api-v2-7d9f8b6c5-x2x4q', 'api-0'],
    ],
    ['a StatefulSet', 'db-0', { kind: 'StatefulSet', name: 'db' }, ['db-0', 'db-12'], ['db-backup-0', 'db-x2x4q']],
    ['a DaemonSet', 'agent-x2x4q', { kind: 'DaemonSet', name: 'agent' }, ['agent-x2x4q', 'agent-9zz8k'], ['agent-canary-x2x4q', 'agent-0']],
    ['a Job', 'migrate-x2x4q', { kind: 'Job', name: 'migrate' }, ['migrate-abcde'], ['migrate-7d9f8b6c5-x2x4q']],
    ['an owner of another kind: the name decides', 'web-7d9f8b6c5-x2x4q', { kind: 'Rollout', name: 'web' }, ['web-5c8f7d9-abcde'], ['web-0']],
    ['no owner, a Deployment-shaped name', 'web-7d9f8b6c5-x2x4q', undefined, ['web-5c8f7d9-abcde'], ['web-0', 'webx-5c8f7d9-abcde']],
    ['no owner, a generated suffix', 'worker-x2x4q', undefined, ['worker-abcde'], ['worker-0']],
    ['no owner, an ordinal', 'redis-2', undefined, ['redis-0', 'redis-10'], ['redis-abcde']],
    ['no owner, a bare name', 'debug', undefined, ['debug'], ['debug-0', 'debugx']],
    ['a dot is a dot, not any character', 'a.b', undefined, ['a.b'], ['aXb']],
  ])('%s', (_what, pod, owner, same, other) => {
    const re = promRegex(podPattern(pod, owner));
    for (const name of same) expect(name, `${name} belongs to the workload of ${pod}`).toMatch(re);
    for (const name of other) expect(name, `${name} is not of the workload of ${pod}`).not.toMatch(re);
  });
});
