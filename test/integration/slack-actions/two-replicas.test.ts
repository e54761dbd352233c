/**
 * Two replicas sharing the fake API server's Leases (STATE_STORE=kubernetes) receive the same click:
 * Slack resends a click it thinks was not answered (`X-Slack-Retry-Num`), re-signed, and a load
 * balancer may hand the resend to the other replica. The real Alertmanager ends with one silence.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { kubeFixture } from '../../fixtures/kube/index.ts';
import { blockActionsPayload, formBody } from '../../fixtures/slack/block-actions.ts';
import { waitFor } from '../../support/alertmanager.ts';
import { scenarioObjects } from '../../support/kube-fixtures.ts';
import { startWorld } from '../../support/world.ts';

const SECRET = 'two-replica-signing-secret';

const fixture = kubeFixture('deployment-oomkilled');

function signed(body: string, retry: number): Record<string, string> {
  const ts = String(Math.floor(Date.now() / 1000) - retry);
  return {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': ts,
    'x-slack-signature': `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`,
    ...(retry === 0 ? {} : { 'x-slack-retry-num': String(retry), 'x-slack-retry-reason': 'http_timeout' }),
  };
}

describe('two replicas, one click delivered to both', () => {
  it('creates one silence, and the other replica counts a duplicate', async () => {
    const w = await startWorld({
      kube: scenarioObjects(['deployment-oomkilled']),
      sinks: ['slack'],
      env: ({ alertmanager }) => ({
        STATE_STORE: 'kubernetes',
        STATE_NAMESPACE: 'crashtriage',
        POD_NAME: 'crashtriage-0',
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_ACTIONS_ALLOWED: 'U0ALICE',
        ALERTMANAGER_URL: alertmanager.url,
      }),
    });
    const { slack, alertmanager } = w;
    const addresses = [w.address, await w.startReplica({ POD_NAME: 'crashtriage-1' })];

    await alertmanager.push([
      {
        labels: { alertname: 'KubePodCrashLooping', namespace: fixture.namespace, pod: fixture.podName, container: fixture.container, severity: 'warning' },
        startsAt: new Date(Date.now() - 20 * 60_000).toISOString(),
      },
    ]);
    const post = await waitFor('the first message', () => slack.messages.find((m) => m.via === 'chat.postMessage' && m.thread_ts === undefined));
    const controls = (post.blocks ?? []).find((b) => (b as { type?: string }).type === 'actions') as { elements: { value?: string }[] };
    const body = formBody(
      blockActionsPayload('docs', { action: 'silence', choice: '1h', ticket: controls.elements[1]?.value ?? '', messageTs: post.ts ?? '' }),
    );

    const answers = await Promise.all(addresses.map((a, i) => fetch(`${a}/slack/actions`, { method: 'POST', headers: signed(body, i), body })));
    expect(answers.map((r) => r.status)).toEqual([200, 200]);
    await waitFor('both replicas to finish', async () => {
      const counted = await Promise.all(
        addresses.map(async (a) => (await (await fetch(`${a}/metrics`)).text()).split('\n').filter((l) => l.startsWith('crashtriage_slack_actions_total{'))),
      );
      return counted.flat().length === 2 ? counted.flat() : undefined;
    });
    const counted = (await Promise.all(addresses.map(async (a) => (await (await fetch(`${a}/metrics`)).text()).split('\n')))).flat();
    expect(counted.filter((l) => l.startsWith('crashtriage_slack_actions_total{')).sort()).toEqual([
      'crashtriage_slack_actions_total{action="silence",outcome="done"} 1',
      'crashtriage_slack_actions_total{action="silence",outcome="duplicate"} 1',
    ]);
    const silences = (await (await fetch(`${alertmanager.url}/api/v2/silences`)).json()) as { status: { state: string } }[];
    expect(silences.filter((s) => s.status.state === 'active')).toHaveLength(1);
    expect(slack.messages.filter((m) => m.thread_ts === post.ts && m.text?.includes('silenced 1h'))).toHaveLength(1);
  }, 60_000);
});
