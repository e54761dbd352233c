import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { judgeSinkProbes, probeConfiguredSinks, probePagerDuty, probeTeams, type SinkProbe } from '../../../src/doctor/sink-probes.ts';
import { type PagerDutyStandin, startPagerDutyStandin } from '../../support/pagerduty-standin.ts';
import { startTeamsStandin, type TeamsStandin } from '../../support/teams-standin.ts';

let teams: TeamsStandin;
let pd: PagerDutyStandin;
beforeEach(async () => {
  [teams, pd] = await Promise.all([startTeamsStandin(), startPagerDutyStandin()]);
});
afterEach(async () => {
  await Promise.all([teams.close(), pd.close()]);
});

const judge = (p: SinkProbe) => {
  const [finding] = judgeSinkProbes([p]);
  if (finding === undefined) throw new Error('no finding');
  return finding;
};

describe('doctor: the Teams and PagerDuty sinks', () => {
  it('Teams: the host answers a GET without running the flow; the finding says the flow belongs to a user', async () => {
    const answer = await probeTeams(teams.url, fetch, 2000);
    expect(answer).toEqual({ status: 400, code: 'TriggerRequestMethodNotValid' });
    expect(teams.posts).toHaveLength(0);
    const f = judge({ name: 'teams', type: 'teams', answer });
    expect(f.verdict).toBe('check');
    expect(f.says).toContain('belongs to the user who created it');
    expect(f.says).toContain('stops');
    expect(JSON.stringify(f)).not.toContain(teams.sig);
  });

  it('Teams: a gone flow (404) or a refused signature (401) drops every card', async () => {
    teams.failNext('flowGone', 1);
    expect(judge({ name: 'teams', type: 'teams', answer: await probeTeams(teams.url, fetch, 2000) })).toMatchObject({
      verdict: 'drops',
      says: expect.stringContaining('HTTP 404 WorkflowNotFound: the flow is gone'),
    });
    const bad = await probeTeams(teams.url.replace(/sig=[^&]+/, 'sig=x'), fetch, 2000);
    expect(judge({ name: 'teams', type: 'teams', answer: bad })).toMatchObject({
      verdict: 'drops',
      says: expect.stringContaining('signature (sig=) is refused'),
    });
    await teams.setDown(true);
    expect(judge({ name: 'teams', type: 'teams', answer: await probeTeams(teams.url, fetch, 2000) }).verdict).toBe('drops');
  });

  it('PagerDuty: the key is accepted by an acknowledge of no alert, which opens nothing', async () => {
    const answer = await probePagerDuty(pd.url, pd.routingKey, fetch, 2000);
    expect(answer).toEqual({ status: 202 });
    expect(pd.alerts).toHaveLength(0);
    expect(judge({ name: 'pagerduty', type: 'pagerduty', answer }).verdict).toBe('ok');
  });

  it("PagerDuty: a wrong key drops every page, in PagerDuty's words; the key is not printed", async () => {
    const answer = await probePagerDuty(pd.url, 'not-a-routing-key', fetch, 2000);
    const f = judge({ name: 'pagerduty', type: 'pagerduty', answer });
    expect(f).toMatchObject({ verdict: 'drops', says: expect.stringContaining("HTTP 400: Length of 'routing_key' is incorrect (should be 32 characters)") });
    expect(JSON.stringify(f)).not.toContain('not-a-routing-key');
    pd.failNext('unavailable', 1);
    expect(judge({ name: 'pagerduty', type: 'pagerduty', answer: await probePagerDuty(pd.url, pd.routingKey, fetch, 2000) }).verdict).toBe('warns');
  });

  it("probes the sinks the service's settings configure, and only those", async () => {
    const probes = await probeConfiguredSinks(
      { TEAMS_WEBHOOK_URL: teams.url, PAGERDUTY_ROUTING_KEY: pd.routingKey, PAGERDUTY_URL: pd.url, FORWARD_WEBHOOK_URL: 'http://127.0.0.1:9/none' },
      fetch,
      2000,
    );
    expect(probes).toEqual([
      { name: 'teams', type: 'teams', answer: { status: 400, code: 'TriggerRequestMethodNotValid' } },
      { name: 'pagerduty', type: 'pagerduty', answer: { status: 202 } },
    ]);
    expect(await probeConfiguredSinks({ TEAMS_WEBHOOK_URL: 'not a url' }, fetch, 2000)).toEqual([]);
  });
});
