/**
 * Acting from Slack, end to end: the real Alertmanager fires at the service, the Slack bot sink posts
 * the first message with its controls, and a click (Slack's block_actions payload, signed as Slack
 * signs it) comes back on POST /slack/actions. The silence is created in that same real Alertmanager,
 * whose own answer says which alerts it silences; the stand-in Slack records the update, the thread
 * reply and the ephemeral answers.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { kubeFixture } from '../../fixtures/kube/index.ts';
import { blockActionsPayload, type ClickSpec, formBody } from '../../fixtures/slack/block-actions.ts';
import { type RunningAlertmanager, waitFor } from '../../support/alertmanager.ts';
import { recoveredPod, scenarioObjects } from '../../support/kube-fixtures.ts';
import { startWorld } from '../../support/world.ts';

const SECRET = 'slack-signing-secret-8f74';

const fixture = kubeFixture('deployment-oomkilled');
const firing = (pod: string) => ({
  labels: {
    alertname: 'KubePodCrashLooping',
    namespace: fixture.namespace,
    pod,
    container: fixture.container,
    reason: 'CrashLoopBackOff',
    severity: 'warning',
  },
  annotations: { summary: `Pod ${fixture.namespace}/${pod} is crash looping.` },
  startsAt: new Date(Date.now() - 20 * 60_000).toISOString(),
});

/** The fixture's pod, the Slack bot sink with its actions on, and the Alertmanager silences are made in. */
async function startActionsWorld() {
  const w = await startWorld({
    kube: scenarioObjects(['deployment-oomkilled']),
    sinks: ['slack'],
    slack: { groups: { S0ONCALL: ['U0CAROL'] } },
    env: ({ alertmanager }) => ({ SLACK_SIGNING_SECRET: SECRET, SLACK_ACTIONS_ALLOWED: 'U0ALICE,S0ONCALL', ALERTMANAGER_URL: alertmanager.url }),
  });
  return Object.assign(w, { stopAlertmanager: () => w.alertmanager.stop() });
}
type World = Awaited<ReturnType<typeof startActionsWorld>>;

/** Fires the fixture's alert and waits for the first message; its ticket is on the ack button. */
async function firstMessage(w: World): Promise<{ ts: string; ticket: string }> {
  await w.alertmanager.push([firing(fixture.podName)]);
  const post = await waitFor('the first message', () => w.slack.messages.find((m) => m.via === 'chat.postMessage' && m.thread_ts === undefined));
  const controls = (post.blocks ?? []).find((b) => (b as { type?: string }).type === 'actions') as
    | { elements: { action_id: string; value?: string }[] }
    | undefined;
  expect(controls?.elements.map((e) => e.action_id)).toEqual(['silence', 'ack', 'recheck']);
  return { ts: post.ts ?? '', ticket: controls?.elements[1]?.value ?? '' };
}

/** Signed as Slack signs (docs.slack.dev/authentication/verifying-requests-from-slack), independently of src/. */
function signed(body: string, options: { secret?: string; at?: number } = {}): Record<string, string> {
  const ts = String(Math.floor((options.at ?? Date.now()) / 1000));
  const sig = `v0=${createHmac('sha256', options.secret ?? SECRET)
    .update(`v0:${ts}:${body}`)
    .digest('hex')}`;
  return { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': ts, 'x-slack-signature': sig };
}

async function click(w: World, spec: ClickSpec, headers?: (body: string) => Record<string, string>, body?: string) {
  const raw = body ?? formBody(blockActionsPayload('docs', spec));
  const started = Date.now();
  const res = await fetch(`${w.address}/slack/actions`, { method: 'POST', headers: (headers ?? signed)(raw), body: raw });
  return { status: res.status, body: await res.text(), ms: Date.now() - started, raw, headers: (headers ?? signed)(raw) };
}

interface AmSilence {
  id: string;
  status: { state: string };
  matchers: { name: string; value: string; isRegex: boolean }[];
  createdBy: string;
  comment: string;
  endsAt: string;
}
const silences = async (am: RunningAlertmanager): Promise<AmSilence[]> => (await (await fetch(`${am.url}/api/v2/silences`)).json()) as AmSilence[];
const active = async (am: RunningAlertmanager) => (await silences(am)).filter((s) => s.status.state === 'active');

describe('Slack actions with the real Alertmanager', () => {
  it("a click creates exactly one silence that silences the workload's next alerts and not another workload's", async () => {
    const w = await startActionsWorld();
    const { ts, ticket } = await firstMessage(w);
    const answer = await click(w, { action: 'silence', choice: '4h', ticket, messageTs: ts });
    expect(answer).toMatchObject({ status: 200, body: '' });
    expect(answer.ms).toBeLessThan(3000);
    const [silence] = await waitFor('the silence', async () => ((await active(w.alertmanager)).length > 0 ? await active(w.alertmanager) : undefined));
    expect(await active(w.alertmanager)).toHaveLength(1);
    expect(silence?.createdBy).toBe('alice (Slack U0ALICE)');
    expect(silence?.comment).toMatch(/billing-api in payments crash looping, silenced from Slack for 4h; incident /);
    expect(Date.parse(silence?.endsAt ?? '') - Date.now()).toBeGreaterThan(4 * 3600_000 - 60_000);

    // The workload's next pod is silenced; a pod of another workload (a name that shares the prefix) is not.
    const nextPod = 'billing-api-5f6c7d8b9-zz9zz';
    const otherPod = 'billing-api-worker-6b7c8d9f5-k2k2k';
    await w.alertmanager.push([firing(nextPod), firing(otherPod)]);
    const states = await waitFor('both alerts', async () => {
      const alerts = (await (await fetch(`${w.alertmanager.url}/api/v2/alerts`)).json()) as {
        labels: { pod: string };
        status: { state: string; silencedBy: string[] };
      }[];
      const of = (pod: string) => alerts.find((a) => a.labels.pod === pod)?.status;
      return of(nextPod) !== undefined && of(otherPod) !== undefined ? { next: of(nextPod), other: of(otherPod) } : undefined;
    });
    expect(states.next).toMatchObject({ state: 'suppressed', silencedBy: [silence?.id] });
    expect(states.other).toMatchObject({ state: 'active', silencedBy: [] });

    // The message says who did what, and so does its thread.
    const update = await waitFor('the update', () => w.slack.messages.find((m) => m.via === 'chat.update' && JSON.stringify(m.blocks).includes('silenced 4h')));
    expect(JSON.stringify(update.blocks)).toContain('silenced 4h by <@U0ALICE>, until <!date^');
    expect(JSON.stringify(update.blocks)).toContain('"action_id":"silence"');
    await waitFor('the thread reply', () => w.slack.messages.find((m) => m.thread_ts === ts && m.text?.includes(`silence \`${silence?.id}\``)));
  }, 60_000);

  it('signature failures are refused 401 with no body and create no silence: wrong secret, a byte altered, 6 minutes old, replayed; a forged button value is refused too', async () => {
    const w = await startActionsWorld();
    const { ts, ticket } = await firstMessage(w);
    const spec: ClickSpec = { action: 'silence', choice: '1h', ticket, messageTs: ts };
    const wrongSecret = await click(w, spec, (b) => signed(b, { secret: 'not-the-secret' }));
    const raw = formBody(blockActionsPayload('docs', spec));
    const altered = await click(w, spec, () => signed(raw), `${raw.slice(0, -1)}${raw.endsWith('A') ? 'B' : 'A'}`);
    const old = await click(w, spec, (b) => signed(b, { at: Date.now() - 6 * 60_000 }));
    const unsigned = await click(w, spec, () => ({ 'content-type': 'application/x-www-form-urlencoded' }));
    for (const r of [wrongSecret, altered, old, unsigned]) expect({ status: r.status, body: r.body }).toEqual({ status: 401, body: '' });

    // A valid request once, then the same request again (a replay within the five minutes).
    const first = await click(w, { ...spec, actionTs: '1700000200.000001' });
    expect(first.status).toBe(200);
    await waitFor('the one silence', async () => ((await active(w.alertmanager)).length === 1 ? true : undefined));
    const replay = await fetch(`${w.address}/slack/actions`, { method: 'POST', headers: first.headers, body: first.raw });
    expect({ status: replay.status, body: await replay.text() }).toEqual({ status: 401, body: '' });

    // Validly signed by Slack, but the button's value was not signed by the service.
    const [v, body] = ticket.split('.');
    const forgedValue = `${v}.${body}.${'A'.repeat(43)}`;
    const forged = await click(w, { action: 'silence', choice: '24h', ticket: forgedValue, messageTs: ts, actionTs: '1700000300.000001' });
    expect(forged.status).toBe(200);
    await waitFor('the refusal', () => w.slack.ephemerals.find((e) => e.text.includes('not made by crashtriage')));
    await new Promise((r) => setTimeout(r, 300));
    expect(await active(w.alertmanager)).toHaveLength(1);
    const metrics = await (await fetch(`${w.address}/metrics`)).text();
    for (const reason of ['bad-signature', 'stale-timestamp', 'missing-headers', 'replayed'])
      expect(metrics).toMatch(new RegExp(`crashtriage_slack_requests_refused_total\\{reason="${reason}"\\} [1-9]`));
    expect(metrics).toMatch(/crashtriage_slack_actions_total\{action="silence",outcome="forged"\} 1/);
  }, 60_000);

  it('a user not allowed gets an ephemeral "not allowed" and nothing changes; a member of an allowed group may act', async () => {
    const w = await startActionsWorld();
    const { ts, ticket } = await firstMessage(w);
    await click(w, { action: 'silence', choice: '1h', ticket, messageTs: ts, user: 'U0MALLORY' });
    await waitFor('the refusal', () => w.slack.ephemerals.find((e) => e.user === 'U0MALLORY' && e.text.includes('not allowed')));
    expect(await active(w.alertmanager)).toHaveLength(0);
    expect(w.slack.messages.filter((m) => m.via === 'chat.update')).toHaveLength(0);
    await click(w, { action: 'ack', ticket, messageTs: ts, user: 'U0CAROL' });
    const update = await waitFor('the update', () => w.slack.messages.find((m) => m.via === 'chat.update'));
    expect(JSON.stringify(update.blocks)).toContain('<@U0CAROL> is on it');
    await waitFor('the thread reply', () => w.slack.messages.find((m) => m.thread_ts === ts && m.text === ':eyes: <@U0CAROL> is on it'));
  }, 60_000);

  it('Alertmanager down: the user gets an ephemeral error, and nothing is half-done (no silence recorded, no update, no thread reply)', async () => {
    const w = await startActionsWorld();
    const { ts, ticket } = await firstMessage(w);
    await w.stopAlertmanager();
    const answer = await click(w, { action: 'silence', choice: '4h', ticket, messageTs: ts });
    expect(answer.status).toBe(200);
    const told = await waitFor('the error', () => w.slack.ephemerals.find((e) => e.user === 'U0ALICE'));
    expect(told.text).toMatch(/^:warning: Could not silence deployment\/billing-api: cannot reach Alertmanager .*Nothing was changed/);
    expect(w.slack.messages.filter((m) => m.via === 'chat.update' || m.thread_ts === ts).filter((m) => JSON.stringify(m).includes('silenced'))).toHaveLength(0);
    // The incident holds no silence: an ack now shows only the ack.
    await click(w, { action: 'ack', ticket, messageTs: ts, actionTs: '1700000400.000001' });
    const update = await waitFor('the update', () => w.slack.messages.find((m) => m.via === 'chat.update'));
    expect(JSON.stringify(update.blocks)).not.toContain('silenced');
  }, 60_000);

  it('"until resolved" is expired by the resolve check once the workload is healthy, and the thread says so', async () => {
    const w = await startActionsWorld();
    const { ts, ticket } = await firstMessage(w);
    await click(w, { action: 'silence', choice: 'until-resolved', ticket, messageTs: ts });
    const [silence] = await waitFor('the silence', async () => ((await active(w.alertmanager)).length > 0 ? await active(w.alertmanager) : undefined));
    const watcher = w.service.slackActions?.watcher;
    if (watcher === undefined) throw new Error('no watcher');
    // Still crash looping: the check keeps the silence.
    expect(await watcher.checkNow()).toBe(0);
    expect(await active(w.alertmanager)).toHaveLength(1);
    const restarts = (fixture.rawPod as { status: { containerStatuses: { restartCount: number }[] } }).status.containerStatuses[0]?.restartCount ?? 0;
    w.api.setPod(recoveredPod(fixture.rawPod, new Date(Date.now() - 12 * 60_000), restarts));
    expect(await watcher.checkNow()).toBe(1);
    expect(await active(w.alertmanager)).toHaveLength(0);
    expect((await silences(w.alertmanager)).find((s) => s.id === silence?.id)?.status.state).toBe('expired');
    const reply = await waitFor('the thread reply', () => w.slack.messages.find((m) => m.thread_ts === ts && m.text?.startsWith(':bell:')));
    expect(reply.text).toContain(`silence \`${silence?.id}\` expired`);
    expect(reply.text).toContain('recovered');
    // Nothing left to watch.
    expect(await watcher.checkNow()).toBe(0);
  }, 60_000);

  it('"Check again" reads the pods now and replies in the thread with what changed', async () => {
    const w = await startActionsWorld();
    const { ts, ticket } = await firstMessage(w);
    const restarts = (fixture.rawPod as { status: { containerStatuses: { restartCount: number }[] } }).status.containerStatuses[0]?.restartCount ?? 0;
    w.api.setPod(recoveredPod(fixture.rawPod, new Date(Date.now() - 12 * 60_000), restarts));
    await click(w, { action: 'recheck', ticket, messageTs: ts, user: 'U0ALICE' });
    const reply = await waitFor('the thread reply', () => w.slack.messages.find((m) => m.thread_ts === ts && m.text?.startsWith(':mag:')));
    expect(reply.text).toContain(`\`${fixture.podName}\` (was: `);
    expect(reply.text).toContain('Running for 12m, 0 restarts since');
  }, 60_000);

  it('a click on the message of an incident that is over changes nothing and says so to the user alone', async () => {
    const w = await startActionsWorld();
    const { ts, ticket } = await firstMessage(w);
    const restarts = (fixture.rawPod as { status: { containerStatuses: { restartCount: number }[] } }).status.containerStatuses[0]?.restartCount ?? 0;
    w.api.setPod(recoveredPod(fixture.rawPod, new Date(Date.now() - 12 * 60_000), restarts));
    await w.alertmanager.push([{ ...firing(fixture.podName), endsAt: new Date().toISOString() }]);
    const resolved = await waitFor('the resolved update', () => w.slack.messages.find((m) => m.via === 'chat.update' && m.ts === ts));
    // Once resolved, the message keeps no buttons.
    expect(JSON.stringify(resolved.blocks)).not.toContain('"action_id":"silence"');
    const updates = w.slack.messages.filter((m) => m.via === 'chat.update').length;
    await click(w, { action: 'silence', choice: '1h', ticket, messageTs: ts });
    const told = await waitFor('the answer', () => w.slack.ephemerals.find((e) => e.user === 'U0ALICE'));
    expect(told.text).toBe('This crash loop of deployment/billing-api is over (its alerts resolved): nothing to do.');
    expect(await active(w.alertmanager)).toHaveLength(0);
    expect(w.slack.messages.filter((m) => m.via === 'chat.update')).toHaveLength(updates);
    const metrics = await (await fetch(`${w.address}/metrics`)).text();
    expect(metrics).toMatch(/crashtriage_slack_actions_total\{action="silence",outcome="stale"\} 1/);
  }, 60_000);
});
