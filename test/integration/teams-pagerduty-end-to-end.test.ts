/**
 * Teams and PagerDuty end to end: the real Alertmanager (grouping by cluster, namespace and pod, so
 * each pod's alerts come in requests of their own) → the service as main.ts wires it, its state in
 * the fake API server's Leases (STATE_STORE=kubernetes) → the Workflows and PagerDuty stand-ins.
 * Several workloads crash at once, PagerDuty throttles for a while (Alertmanager resends), the
 * service restarts in the middle, and then the pods recover.
 */
import { describe, expect, it } from 'vitest';
import { deploymentScenario } from '../fixtures/kube/workloads.ts';
import { type PostableAlert, waitFor } from '../support/alertmanager.ts';
import { recoveredPod } from '../support/kube-fixtures.ts';
import { startWorld, workloadFixtures } from '../support/world.ts';

function stockAlerts(namespace: string, pod: string, startsAt: string, endsAt?: string): PostableAlert[] {
  const end = endsAt === undefined ? {} : { endsAt };
  return [
    { labels: { alertname: 'KubePodCrashLooping', namespace, pod, container: 'app', reason: 'CrashLoopBackOff', severity: 'critical' }, startsAt, ...end },
    { labels: { alertname: 'KubePodNotReady', namespace, pod, severity: 'warning' }, startsAt, ...end },
  ];
}

/** The card's header text (its first TextBlock). */
const headerOf = (card: Record<string, unknown>): string => String((card['body'] as { text?: string }[])[0]?.text);

describe('Teams and PagerDuty end to end', () => {
  it('four workloads crash together: one card and one PagerDuty alert per incident, nothing doubled across resends and a restart; the recovery resolves each', async () => {
    const now = new Date();
    const names = ['cart', 'search', 'orders', 'payments'];
    const scenarios = names.map((name) =>
      deploymentScenario({ namespace: 'shop', name, replicas: 3, revisions: [{ image: `${name}:1.0`, minutesAgo: 9000 }], crashing: 3, now }),
    );
    const w = await startWorld({
      kube: workloadFixtures(...scenarios),
      sinks: ['teams', 'pagerduty', 'hook'],
      env: { STATE_STORE: 'kubernetes', STATE_NAMESPACE: 'crashtriage', POD_NAME: 'crashtriage-e2e' },
      alertmanager: { groupBy: ['cluster', 'namespace', 'pod'] },
    });
    const { api, teams, pagerduty: pd, alertmanager } = w;

    // Teams and PagerDuty are unreachable at first: every request is answered 503 and Alertmanager resends.
    await teams.setDown(true);
    await pd.setDown(true);
    const startsAt = new Date(Date.now() - 30_000).toISOString();
    const pods = scenarios.flatMap((s) => s.crashing);
    await alertmanager.push(pods.flatMap((pod) => stockAlerts('shop', pod, startsAt)));
    await alertmanager.waitForNotification('failed', 40_000);
    expect(teams.posts).toHaveLength(0);

    // A restart between Alertmanager's resends: the ledger and the incidents are in the Leases.
    await w.restart();
    await teams.setDown(false);
    await pd.setDown(false);
    const podsIn = (): number =>
      pd.alerts.reduce((n, a) => n + new Set(a.triggers.map((t) => (t['payload'] as { custom_details: { pod: string } }).custom_details.pod)).size, 0);
    await waitFor('every pod in its PagerDuty alert', () => (podsIn() >= 12 ? true : undefined), 60_000);
    await waitFor('four cards', () => (teams.posts.length >= 4 ? true : undefined), 20_000);
    await new Promise((r) => setTimeout(r, 3000));

    // Teams: one card per incident (a card cannot be edited: the pods that joined add nothing).
    expect(teams.failedRuns).toEqual([]);
    expect(teams.posts).toHaveLength(4);
    const headers = teams.posts.map((p) => headerOf(p.cards[0] ?? {}));
    for (const name of names) expect(headers.filter((h) => h.includes(`shop/${name}:`))).toHaveLength(1);
    // The mark says what to do (a sure fix, a fix to judge, cause unknown); the critical severity is in the facts.
    expect(headers.every((h) => /^(?:🔧|🔶|❓) /.test(h))).toBe(true);
    expect(teams.posts.every((p) => JSON.stringify(p.cards[0] ?? {}).includes('(critical)'))).toBe(true);
    // PagerDuty: one alert per incident, keyed by the incident; its later pods updated it.
    expect(pd.alerts).toHaveLength(4);
    expect(new Set(pd.alerts.map((a) => a.dedupKey)).size).toBe(4);
    for (const alert of pd.alerts) {
      expect(alert.status).toBe('triggered');
      expect(alert.dedupKey).toMatch(/^shop\/deployment\/(cart|search|orders|payments)@/);
      const first = alert.triggers[0] as { payload: { severity: string; source: string; class: string; group: string } };
      expect(first.payload).toMatchObject({ severity: 'critical', group: 'shop', class: expect.any(String) });
      expect(first.payload.source).toMatch(/^shop\/deployment\//);
    }
    expect(pd.events.filter((e) => e['event_action'] === 'trigger').length).toBeGreaterThanOrEqual(12);

    // Recovery: every pod runs again, and Alertmanager sends the resolves.
    for (const s of scenarios) for (const pod of s.pods) api.setPod(recoveredPod(pod as Record<string, unknown>, new Date(Date.now() - 10 * 60_000), 0));
    const endsAt = new Date().toISOString();
    await alertmanager.push(pods.flatMap((pod) => stockAlerts('shop', pod, startsAt, endsAt)));
    await waitFor('every PagerDuty alert resolved', () => (pd.alerts.every((a) => a.status === 'resolved') ? true : undefined), 40_000);
    await waitFor('four resolve cards', () => (teams.posts.length >= 8 ? true : undefined), 20_000);
    await new Promise((r) => setTimeout(r, 2500));
    expect(pd.alerts).toHaveLength(4);
    expect(pd.events.filter((e) => e['event_action'] === 'resolve')).toHaveLength(4);
    expect(teams.posts).toHaveLength(8);
    const resolves = teams.posts.slice(4).map((p) => headerOf(p.cards[0] ?? {}));
    expect(resolves.every((h) => h.startsWith('✅ Resolved: shop/'))).toBe(true);
    expect(new Set(resolves).size).toBe(4);
  }, 120_000);
});
