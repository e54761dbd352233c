/**
 * The real Alertmanager posting to the service over HTTP with `http_config.authorization`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { crashLoopAlert } from '../fixtures/alertmanager/payloads.ts';
import { type RunningAlertmanager, startAlertmanager, waitFor } from '../support/alertmanager.ts';
import { build, TEST_TOKEN } from '../support/build-app.ts';

let alertmanager: RunningAlertmanager | undefined;
afterEach(async () => {
  await alertmanager?.stop();
  alertmanager = undefined;
});

const crashLoop = {
  labels: crashLoopAlert().labels,
  annotations: { summary: 'Pod is crash looping.' },
  generatorURL: 'http://prometheus.example:9090/graph?g0.expr=x',
};

describe('Alertmanager → POST /alerts', () => {
  it('delivers a pushed alert that the service accepts with the right token', async () => {
    const t = await build();
    const address = await t.app.listen({ host: '127.0.0.1', port: 0 });
    alertmanager = await startAlertmanager({ webhookUrl: `${address}/alerts`, token: TEST_TOKEN });
    await alertmanager.push([crashLoop]);

    const payload = await waitFor('the webhook', () => t.received[0]);
    expect(payload.version).toBe('4');
    expect(payload.alerts[0]?.labels).toMatchObject(crashLoop.labels);
    expect(payload.alerts[0]?.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(payload.externalURL).toBe(alertmanager.url);
    const am = alertmanager;
    await am.waitForNotification('sent');
    expect(await am.metric('alertmanager_notifications_failed_total', { integration: 'webhook' })).toBe(0);
  });

  it('rejects Alertmanager with a wrong token, and Alertmanager records the failure', async () => {
    const t = await build();
    const address = await t.app.listen({ host: '127.0.0.1', port: 0 });
    alertmanager = await startAlertmanager({ webhookUrl: `${address}/alerts`, token: 'wrong-token' });
    await alertmanager.push([crashLoop]);

    const am = alertmanager;
    await am.waitForNotification('failed');
    expect(t.received).toHaveLength(0);
    expect(await t.metrics.registry.getSingleMetricAsString('crashtriage_webhook_requests_total')).toMatch(/outcome="rejected_auth"\} [1-9]/);
    expect(am.logs()).toMatch(/401/);
  });
});
