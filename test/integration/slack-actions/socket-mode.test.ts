/**
 * The Socket Mode client against a WebSocket stand-in that answers apps.connections.open, sends
 * interactive envelopes, asks for a new connection (every disconnect reason Slack documents), drops
 * the connection and refuses a URL used twice: every click is acknowledged at once and handed on once.
 */
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createSocketModeClient, type SocketModeClient } from '../../../src/slack-actions/socket-mode.ts';
import { REPLIES, type SocketStandin, startSocketStandin } from '../../support/slack-socket-standin.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function world(token?: string): Promise<{ slack: SocketStandin; client: SocketModeClient; received: unknown[] }> {
  const slack = await startSocketStandin();
  cleanups.push(() => slack.close());
  const received: unknown[] = [];
  const client = createSocketModeClient({
    appToken: token ?? slack.appToken,
    apiUrl: slack.apiUrl,
    logger: pino({ level: 'silent' }),
    onInteractive: (payload) => received.push(payload),
    retry: { firstMs: 20, maxMs: 100 },
  });
  cleanups.push(() => client.close());
  return { slack, client, received };
}

const click = (n: number) => ({ type: 'block_actions', user: { id: 'U0ALICE' }, actions: [{ action_id: 'ack', action_ts: `1700000000.${n}` }] });

describe('Socket Mode client', () => {
  it('opens a URL, is greeted, acknowledges each envelope at once and hands its payload on once', async () => {
    const { slack, client, received } = await world();
    await client.start();
    expect(slack.answers).toEqual(['opened']);
    const ms = await slack.sendInteractive(click(1));
    expect(ms).toBeLessThan(3000);
    await slack.sendInteractive(click(2));
    expect(received).toEqual([click(1), click(2)]);
    expect(slack.acks).toHaveLength(2);
  });

  it.each([
    ['refresh_requested', REPLIES.disconnectRefresh.source],
    ['warning', REPLIES.disconnectWarning.source],
    ['link_disabled', REPLIES.disconnectLinkDisabled.source],
  ] as const)('on disconnect (%s) opens a new URL before the old connection ends, and clicks keep arriving (%s)', async (reason, _source) => {
    const { slack, client, received } = await world();
    await client.start();
    slack.disconnect(reason, 60_000);
    // The client opens the new connection and closes the old one itself, long before Slack would.
    await slack.waitForLive(1, 2);
    expect(client.connections).toBe(2);
    await slack.sendInteractive(click(3));
    expect(received).toEqual([click(3)]);
  });

  it('reconnects with a new URL when the connection drops without a word', async () => {
    const { slack, client, received } = await world();
    await client.start();
    slack.drop();
    await slack.waitForLive(1, 2);
    await slack.sendInteractive(click(4));
    expect(received).toEqual([click(4)]);
  });

  it.each([
    ['a bot token', 'xoxb-a-bot-token', 'wrongTokenType'],
    ['an unknown app token', 'xapp-1-A0OTHER-1-wrong', 'invalidAuth'],
    ['no token', '', 'notAuthed'],
  ] as const)('with %s, apps.connections.open refuses (%s): it keeps retrying with back-off and never connects', async (_what, token, row) => {
    const { slack, client } = await world(token);
    void client.start();
    await new Promise((r) => setTimeout(r, 300));
    expect(slack.live).toBe(0);
    expect(slack.answers.length).toBeGreaterThanOrEqual(2);
    expect(new Set(slack.answers)).toEqual(new Set([row]));
    expect(REPLIES[row].source).toMatch(/^https:\/\/docs\.slack\.dev\//);
  });

  it('a URL is good for one connection only: the stand-in refuses it the second time', async () => {
    const { slack, client } = await world();
    await client.start();
    const answer = await fetch(`${slack.apiUrl}/apps.connections.open`, { method: 'POST', headers: { authorization: `Bearer ${slack.appToken}` } });
    const { url } = (await answer.json()) as { url: string };
    const first = new WebSocket(url);
    await new Promise((r) => first.addEventListener('message', r, { once: true }));
    const second = new WebSocket(url);
    const code = await new Promise((r) => second.addEventListener('error', () => r('refused'), { once: true }));
    expect(code).toBe('refused');
    first.close();
  });
});
