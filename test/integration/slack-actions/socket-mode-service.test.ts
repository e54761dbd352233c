/**
 * The service with Socket Mode only (SLACK_APP_TOKEN, no signing secret): it connects to the
 * WebSocket stand-in by itself, a click arrives as an interactive envelope, is acknowledged at once
 * and creates the silence in the real Alertmanager; after Slack rotates the URL, the next click
 * arrives on the new connection. Nothing listens on POST /slack/actions.
 */
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/config.ts';
import { wireService } from '../../../src/wire.ts';
import { kubeFixture } from '../../fixtures/kube/index.ts';
import { blockActionsPayload } from '../../fixtures/slack/block-actions.ts';
import { startAlertmanager, waitFor } from '../../support/alertmanager.ts';
import { startFakeKubeApi } from '../../support/fake-kube-api.ts';
import { freePort } from '../../support/free-port.ts';
import { scenarioObjects } from '../../support/kube-fixtures.ts';
import { startSocketStandin } from '../../support/slack-socket-standin.ts';
import { startSlackStandin } from '../../support/slack-standin.ts';

const TOKEN = 'socket-mode-service-token';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
const fixture = kubeFixture('deployment-oomkilled');

describe('the service over Socket Mode', () => {
  it('connects, acts on a click from an envelope, and keeps acting after Slack rotates the URL', async () => {
    const api = await startFakeKubeApi(scenarioObjects(['deployment-oomkilled']));
    cleanups.push(() => api.close());
    const socket = await startSocketStandin();
    cleanups.push(() => socket.close());
    const slack = await startSlackStandin({ socketMode: { apiUrl: socket.apiUrl } });
    cleanups.push(() => slack.close());
    const port = await freePort();
    const alertmanager = await startAlertmanager({ webhookUrl: `http://127.0.0.1:${port}/alerts`, token: TOKEN });
    cleanups.push(() => alertmanager.stop());
    const config = loadConfig({
      WEBHOOK_TOKEN: TOKEN,
      KUBECONFIG: api.kubeconfigPath,
      SLACK_BOT_TOKEN: slack.token,
      SLACK_CHANNEL: slack.channel,
      SLACK_API_URL: slack.apiUrl,
      SLACK_APP_TOKEN: socket.appToken,
      SLACK_ACTIONS_ALLOWED: 'U0ALICE',
      ALERTMANAGER_URL: alertmanager.url,
      LOG_LEVEL: 'silent',
    });
    if (!config.ok) throw new Error(config.errors.join('\n'));
    const service = await wireService(config.config, pino({ level: 'silent' }));
    cleanups.push(async () => {
      await service.app.close();
      await service.close();
    });
    const address = await service.app.listen({ host: '127.0.0.1', port });
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
