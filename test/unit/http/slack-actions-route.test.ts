/** POST /slack/actions, through buildApp: its own parser, its refusals, and /alerts left as it was. */
import { createHmac } from 'node:crypto';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/http/app.ts';
import { createMetrics } from '../../../src/metrics.ts';
import type { Click } from '../../../src/slack-actions/actions/action-type.ts';
import { webhookPayload } from '../../fixtures/alertmanager/payloads.ts';
import { blockActionsPayload, formBody } from '../../fixtures/slack/block-actions.ts';

const SECRET = 'route-test-secret';
const apps: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const a of apps.splice(0)) await a.close();
});

async function app() {
  const clicks: Click[] = [];
  const received: unknown[] = [];
  const built = await buildApp({
    config: { webhookToken: 't', bodyLimitBytes: 1024 * 1024 },
    logger: pino({ level: 'silent' }),
    metrics: createMetrics({ defaultMetrics: false }),
    pipeline: {
      async process(payload) {
        received.push(payload);
        return { kind: 'delivered', alerts: payload.alerts.length };
      },
    },
    health: { readiness: () => ({ ready: true, kubeApi: {} }) },
    slackActions: {
      signingSecret: SECRET,
      clicks: {
        async handle(click) {
          clicks.push(click);
          return 'done';
        },
      },
    },
  });
  apps.push(built);
  return { app: built, clicks, received };
}

const signed = (body: string, type = 'application/x-www-form-urlencoded') => {
  const ts = String(Math.floor(Date.now() / 1000));
  return {
    'content-type': type,
    'x-slack-request-timestamp': ts,
    'x-slack-signature': `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`,
  };
};

describe('POST /slack/actions', () => {
  it('200 with no body for a signed click, handed on once', async () => {
    const { app: a, clicks } = await app();
    const body = formBody(blockActionsPayload('docs', { action: 'ack', ticket: 'v1.x.y' }));
    const res = await a.inject({ method: 'POST', url: '/slack/actions', headers: signed(body), payload: body });
    expect({ status: res.statusCode, body: res.body }).toEqual({ status: 200, body: '' });
    await new Promise((r) => setImmediate(r));
    expect(clicks.map((c) => c.action)).toEqual(['ack']);
  });

  it('401 with no body for the same request again (a replay)', async () => {
    const { app: a, clicks } = await app();
    const body = formBody(blockActionsPayload('docs', { action: 'ack', ticket: 'v1.x.y' }));
    const headers = signed(body);
    await a.inject({ method: 'POST', url: '/slack/actions', headers, payload: body });
    const again = await a.inject({ method: 'POST', url: '/slack/actions', headers, payload: body });
    expect({ status: again.statusCode, body: again.body }).toEqual({ status: 401, body: '' });
    await new Promise((r) => setImmediate(r));
    expect(clicks).toHaveLength(1);
  });

  it('415 for JSON: only the form Slack sends is parsed here', async () => {
    const { app: a, clicks } = await app();
    const body = JSON.stringify(blockActionsPayload('docs', { action: 'ack', ticket: 'v1.x.y' }));
    const res = await a.inject({ method: 'POST', url: '/slack/actions', headers: signed(body, 'application/json'), payload: body });
    expect(res.statusCode).toBe(415);
    expect(clicks).toHaveLength(0);
  });

  it('200 and nothing done for a signed interaction that is not a click on our controls', async () => {
    const { app: a, clicks } = await app();
    const body = formBody({ type: 'view_submission', user: { id: 'U0ALICE' } });
    const res = await a.inject({ method: 'POST', url: '/slack/actions', headers: signed(body), payload: body });
    expect(res.statusCode).toBe(200);
    await new Promise((r) => setImmediate(r));
    expect(clicks).toHaveLength(0);
  });

  it('leaves /alerts as it was: its JSON parser, and its 415 for a form', async () => {
    const { app: a, received } = await app();
    const alerts = await a.inject({
      method: 'POST',
      url: '/alerts',
      headers: { authorization: 'Bearer t', 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'a=b',
    });
    expect(alerts.statusCode).toBe(415);
    expect(received).toHaveLength(0);
    const json = await a.inject({ method: 'POST', url: '/alerts', headers: { authorization: 'Bearer t' }, payload: webhookPayload() });
    expect(json.statusCode).toBe(200);
    expect(received).toHaveLength(1);
  });
});
