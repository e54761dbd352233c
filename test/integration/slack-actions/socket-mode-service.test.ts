/**
 * The service with Socket Mode only (SLACK_APP_TOKEN, no signing secret): it connects to the
 * WebSocket stand-in by itself, a click arrives as an interactive envelope, is acknowledged at once
 * and creates the silence in the real Alertmanager; after Slack rotates the URL, the next click
 * arrives on the new connection. Nothing listens on POST /slack/actions.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { kubeFixture } from '../../fixtures/kube/index.ts';
import { blockActionsPayload } from '../../fixtures/slack/block-actions.ts';
import { waitFor } from '../../support/alertmanager.ts';
import { scenarioObjects } from '../../support/kube-fixtures.ts';
import { startSocketStandin } from '../../support/slack-socket-standin.ts';
import { startWorld } from '../../support/world.ts';

const fixture = kubeFixture('deployment-oomkilled');

describe('the service over Socket Mode', () => {
  it('connects, acts on a click from an envelope, and keeps acting after Slack rotates the URL', async () => {
    const socket = await startSocketStandin();
    onTestFinished(() => socket.close());
    const { slack, alertmanager, address } = await startWorld({
      kube: scenarioObjects(['deployment-oomkilled']),
      sinks: ['slack'],
      slack: { socketMode: { apiUrl: socket.apiUrl } },
      env: ({ alertmanager }) => ({ SLACK_APP_TOKEN: socket.appToken, SLACK_ACTIONS_ALLOWED: 'U0ALICE', ALERTMANAGER_URL: alertmanager.url }),
    });
    await socket.waitForLive(1, 1);
    expect(
      (await fetch(`${address}/slack/actions`, { method: 'POST', body: 'payload=%7B%7D', headers: { 'content-type': 'application/x-www-form-urlencoded' } }))
        .status,
    ).toBe(404);

    await alertmanager.push([
      {
        labels: { alertname: 'KubePodCrashLooping', namespace: fixture.namespace, pod: fixture.podName, container: fixture.container, severity: 'warning' },
        startsAt: new Date(Date.now() - 20 * 60_000).toISOString(),
      },
    ]);
    const post = await waitFor('the first message', () => slack.messages.find((m) => m.via === 'chat.postMessage' && m.thread_ts === undefined));
    const controls = (post.blocks ?? []).find((b) => (b as { type?: string }).type === 'actions') as { elements: { value?: string }[] };
    const ticket = controls.elements[1]?.value ?? '';

    const ackMs = await socket.sendInteractive(blockActionsPayload('dm-button', { action: 'silence', choice: '24h', ticket, messageTs: post.ts ?? '' }));
    expect(ackMs).toBeLessThan(3000);
    const silences = async () =>
      ((await (await fetch(`${alertmanager.url}/api/v2/silences`)).json()) as { status: { state: string }; createdBy: string }[]).filter(
        (s) => s.status.state === 'active',
      );
    await waitFor('the silence', async () => ((await silences()).length === 1 ? true : undefined));

    socket.disconnect('refresh_requested', 60_000);
    await socket.waitForLive(1, 2);
    await socket.sendInteractive(
      blockActionsPayload('grid-thread', { action: 'ack', ticket, messageTs: post.ts ?? '', user: 'U0ALICE', actionTs: '1700000999.000001' }),
    );
    await waitFor('the ack in the thread', () => slack.messages.find((m) => m.thread_ts === post.ts && m.text === ':eyes: <@U0ALICE> is on it'));
    expect(await silences()).toHaveLength(1);
  }, 60_000);
});
