import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crashLoopAlert, webhookPayload } from '../../fixtures/alertmanager/payloads.ts';
import { build, TEST_TOKEN } from '../../support/build-app.ts';

const auth = { authorization: `Bearer ${TEST_TOKEN}` };
const json = { 'content-type': 'application/json', ...auth };

describe('POST /alerts', () => {
  it('200 and hands the payload to the pipeline when token and body are valid', async () => {
    const { app, received } = await build();
    const res = await app.inject({ method: 'POST', url: '/alerts', headers: json, payload: webhookPayload() });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'delivered', alerts: 1 });
    expect(received).toHaveLength(1);
    expect(received[0]?.alerts[0]?.labels['pod']).toBe('payment-svc-7b9f6d-xk2p');
  });

  it('keeps every label and annotation, including ones the schema does not name', async () => {
    const { app, received } = await build();
    const alert = crashLoopAlert({ labels: { team: 'payments-core', 'weird.label': 'x' } });
    await app.inject({ method: 'POST', url: '/alerts', headers: json, payload: webhookPayload([alert]) });
    expect(received[0]?.alerts[0]?.labels).toMatchObject({ team: 'payments-core', 'weird.label': 'x' });
    expect(received[0]?.alerts[0]?.annotations['runbook_url']).toContain('kubepodcrashlooping');
  });

  it.each([
    ['no authorization header', {}],
    ['a wrong token', { authorization: 'Bearer nope' }],
    ['the right token with another scheme', { authorization: `Basic ${TEST_TOKEN}` }],
    ['the token with a suffix', { authorization: `Bearer ${TEST_TOKEN}x` }],
  ])('401 with no detail for %s', async (_name, headers) => {
    const { app, received } = await build();
    const res = await app.inject({ method: 'POST', url: '/alerts', headers: { 'content-type': 'application/json', ...headers }, payload: webhookPayload() });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error: 'unauthorized', message: 'unauthorized' });
    expect(received).toHaveLength(0);
  });

  it('401 before reading the body, so an unauthenticated 50 MiB body is not parsed', async () => {
    const { app } = await build();
    const res = await app.inject({ method: 'POST', url: '/alerts', headers: { 'content-type': 'application/json' }, payload: 'x'.repeat(50 * 1024 * 1024) });
    expect(res.statusCode).toBe(401);
  });

  it('accepts requests without a token when none is configured', async () => {
    const { app } = await build({ token: null });
    const res = await app.inject({ method: 'POST', url: '/alerts', headers: { 'content-type': 'application/json' }, payload: webhookPayload() });
    expect(res.statusCode).toBe(200);
  });

  it('415 for a body that is not JSON by content type', async () => {
    const { app } = await build();
    const res = await app.inject({
      method: 'POST',
      url: '/alerts',
      headers: { ...auth, 'content-type': 'text/plain' },
      payload: JSON.stringify(webhookPayload()),
    });
    expect(res.statusCode).toBe(415);
    expect(res.json().error).toBe('unsupported_media_type');
  });

  it('413 for a body over the limit', async () => {
    const { app } = await build({ bodyLimitBytes: 4096 });
    const alerts = Array.from({ length: 50 }, (_, i) => crashLoopAlert({ fingerprint: `f${i}` }));
    const res = await app.inject({ method: 'POST', url: '/alerts', headers: json, payload: webhookPayload(alerts) });
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toBe('payload_too_large');
  });

  it.each([
    ['invalid JSON', '{"version": "4",'],
    ['an empty body', ''],
  ])('400 for %s', async (_name, payload) => {
    const { app } = await build();
    const res = await app.inject({ method: 'POST', url: '/alerts', headers: json, payload });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('invalid_json');
  });

  it.each([
    ['version is not "4"', { ...webhookPayload(), version: '3' }, '/version'],
    ['alerts is missing', { ...webhookPayload(), alerts: undefined }, '/alerts'],
    ['alerts is empty', { ...webhookPayload(), alerts: [] }, '/alerts'],
    ['an alert has no fingerprint', webhookPayload([{ ...crashLoopAlert(), fingerprint: undefined } as never]), '/alerts/0/fingerprint'],
    ['a label is not a string', webhookPayload([crashLoopAlert({ labels: { pod: 7 as never } })]), '/alerts/0/labels/pod'],
    ['an alert status is unknown', webhookPayload([crashLoopAlert({ status: 'pending' as never })]), '/alerts/0/status'],
    ['startsAt is not a time', webhookPayload([crashLoopAlert({ startsAt: 'yesterday' })]), '/alerts/0/startsAt'],
    ['the body is an array', [webhookPayload()], '/'],
  ])('400 naming the field when %s', async (_name, payload, field) => {
    const { app, received } = await build();
    const res = await app.inject({ method: 'POST', url: '/alerts', headers: json, payload: JSON.stringify(payload) });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'invalid_payload', field });
    expect(received).toHaveLength(0);
  });

  it('4xx for any malformed body, and the app keeps serving', async () => {
    const { app } = await build();
    const valid = webhookPayload();
    const mutation = fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.string(),
      fc.record({ key: fc.constantFrom(...Object.keys(valid)), value: fc.jsonValue() }).map(({ key, value }) => JSON.stringify({ ...valid, [key]: value })),
      fc
        .record({ key: fc.constantFrom(...Object.keys(crashLoopAlert())), value: fc.jsonValue() })
        .map(({ key, value }) => JSON.stringify({ ...valid, alerts: [{ ...crashLoopAlert(), [key]: value }] })),
    );
    await fc.assert(
      fc.asyncProperty(mutation, async (body) => {
        const res = await app.inject({ method: 'POST', url: '/alerts', headers: json, payload: body });
        // A mutation can leave the payload valid (e.g. a string label replaced by a string): then 200.
        expect(res.statusCode === 200 || (res.statusCode >= 400 && res.statusCode < 500)).toBe(true);
      }),
      { numRuns: 300 },
    );
    const after = await app.inject({ method: 'POST', url: '/alerts', headers: json, payload: valid });
    expect(after.statusCode).toBe(200);
  });

  it('503 with the failures when a sink did not take the message, so Alertmanager retries', async () => {
    const t = await build();
    t.setOutcome(async (p) => ({
      kind: 'retry-later',
      alerts: p.alerts.length,
      failures: [{ sink: 'slack', fingerprint: 'a3f1c2d4e5b6a7c8', reason: 'HTTP 503' }],
    }));
    const res = await t.app.inject({ method: 'POST', url: '/alerts', headers: json, payload: webhookPayload() });
    expect(res.statusCode).toBe(503);
    expect(res.json().failures[0].sink).toBe('slack');
  });

  it('500 without the error text when the pipeline throws', async () => {
    const t = await build();
    t.setOutcome(async () => {
      throw new Error('secret detail xoxb-123');
    });
    const res = await t.app.inject({ method: 'POST', url: '/alerts', headers: json, payload: webhookPayload() });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('xoxb');
  });

  it('counts alerts by status and alertname, and requests by outcome', async () => {
    const t = await build();
    await t.app.inject({
      method: 'POST',
      url: '/alerts',
      headers: json,
      payload: webhookPayload([crashLoopAlert(), crashLoopAlert({ status: 'resolved', fingerprint: 'b2' })]),
    });
    await t.app.inject({ method: 'POST', url: '/alerts', headers: { 'content-type': 'application/json' }, payload: webhookPayload() });
    const text = await t.metrics.registry.metrics();
    expect(text).toContain('crashtriage_alerts_received_total{status="firing",alertname="KubePodCrashLooping"} 1');
    expect(text).toContain('crashtriage_alerts_received_total{status="resolved",alertname="KubePodCrashLooping"} 1');
    expect(text).toContain('crashtriage_webhook_requests_total{outcome="accepted"} 1');
    expect(text).toContain('crashtriage_webhook_requests_total{outcome="rejected_auth"} 1');
  });
});
