import { describe, expect, it } from 'vitest';
import { CRASH_LOOP_ALERTNAMES } from '../../../src/alertmanager/alertnames.ts';
import { workloadMatchers, workloadPodRegex, workloadSilence } from '../../../src/slack-actions/workload-silence.ts';

/** Alertmanager anchors matcher regexes: ^(?:re)$ (pkg/labels/matcher.go). */
const matches = (re: string, value: string): boolean => new RegExp(`^(?:${re})$`).test(value);

describe('workload silence', () => {
  it.each([
    // Pod names as the controllers generate them (kubernetes pkg/controller: generateName + 5 random characters).
    ['Deployment', 'checkout', ['checkout-7d9f8b6c5-x2x4q', 'checkout-5f6c7d8b9-qw4zt'], ['checkout-api-7d9f8b6c5-x2x4q', 'checkout', 'checkout-x2x4q']],
    ['StatefulSet', 'db', ['db-0', 'db-12'], ['db-main-0', 'db-x2x4q']],
    ['DaemonSet', 'node-exporter', ['node-exporter-5xk2v'], ['node-exporter-extra-5xk2v', 'node-exporter-5xk2']],
    ['Job', 'migrate', ['migrate-8kq2m'], ['migrate-v2-8kq2m']],
    ['CronJob', 'nightly-report', ['nightly-report-28912345-8kq2m'], ['nightly-report-8kq2m', 'nightly-report-extra-28912345-8kq2m']],
    ['ReplicaSet', 'web-7d4b9c8f6', ['web-7d4b9c8f6-x2kqp'], ['web-7d4b9c8f6']],
  ])('a %s %s covers its own pods and not its neighbours’', (kind, name, own, others) => {
    const re = workloadPodRegex({ kind, name });
    if (re === undefined) throw new Error('no regex');
    for (const pod of own) expect(matches(re, pod), pod).toBe(true);
    for (const pod of others) expect(matches(re, pod), pod).toBe(false);
  });

  it('escapes what RE2 would read as a metacharacter (names may hold dots)', () => {
    const re = workloadPodRegex({ kind: 'StatefulSet', name: 'kafka.broker' }) ?? '';
    expect(matches(re, 'kafka.broker-0')).toBe(true);
    expect(matches(re, 'kafkaXbroker-0')).toBe(false);
  });

  it('a bare pod is matched by its name alone', () => {
    const m = workloadMatchers({ id: 'i', namespace: 'default', workload: { kind: 'Pod', name: 'debug-shell' } }, { clusterLabel: 'cluster', alertnames: [] });
    expect(m.find((x) => x.name === 'pod')).toEqual({ name: 'pod', value: 'debug-shell', isRegex: false, isEqual: true });
  });

  it('names the namespace, the cluster, and the crash-loop alerts plus any the incident fired under', () => {
    const m = workloadMatchers(
      { id: 'i', cluster: 'prod-eu', namespace: 'shop', workload: { kind: 'Deployment', name: 'checkout' } },
      { clusterLabel: 'k8s_cluster', alertnames: ['MyTeamPodCrashing'] },
    );
    expect(m.map((x) => x.name)).toEqual(['alertname', 'namespace', 'pod', 'k8s_cluster']);
    const alertname = m[0]?.value ?? '';
    for (const name of [...CRASH_LOOP_ALERTNAMES, 'MyTeamPodCrashing']) expect(matches(alertname, name), name).toBe(true);
    expect(matches(alertname, 'KubeNodeNotReady')).toBe(false);
    expect(m[3]).toEqual({ name: 'k8s_cluster', value: 'prod-eu', isRegex: false, isEqual: true });
  });

  it('says who and why, and ends when the choice says (until resolved: a week at most)', () => {
    const now = Date.parse('2026-12-06T12:00:00Z');
    const base = {
      ticket: { id: 'shop/deployment/checkout@x', namespace: 'shop', workload: { kind: 'Deployment', name: 'checkout' } },
      alertnames: [],
      clusterLabel: 'cluster',
      now,
    };
    const s = workloadSilence({ ...base, choice: '4h', user: { id: 'U0ALICE', name: 'alice' } });
    expect(s).toMatchObject({ startsAt: '2026-12-06T12:00:00.000Z', endsAt: '2026-12-06T16:00:00.000Z', createdBy: 'alice (Slack U0ALICE)' });
    expect(s.comment).toBe('crashtriage: deployment/checkout in shop crash looping, silenced from Slack for 4h; incident shop/deployment/checkout@x');
    const u = workloadSilence({ ...base, choice: 'until-resolved', user: { id: 'U0BOB' } });
    expect(u.endsAt).toBe('2026-12-13T12:00:00.000Z');
    expect(u.createdBy).toBe('U0BOB (Slack U0BOB)');
    expect(u.comment).toContain('until crashtriage finds it healthy again (at most 7 days)');
  });
});
