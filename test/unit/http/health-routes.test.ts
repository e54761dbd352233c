import { describe, expect, it } from 'vitest';
import { build } from '../../support/build-app.ts';

describe('health and metrics', () => {
  it('200 on /healthz', async () => {
    const { app } = await build();
    expect((await app.inject('/healthz')).statusCode).toBe(200);
  });

  it('200 on /readyz with the API health as information', async () => {
    const t = await build();
    t.setReadiness({ ready: true, kubeApi: { lastFailure: '2026-11-25T10:00:00Z', lastError: 'timeout' } });
    const res = await t.app.inject('/readyz');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ready', kubeApi: { lastError: 'timeout' } });
  });

  it('503 on /readyz with the reason when not ready', async () => {
    const t = await build();
    t.setReadiness({ ready: false, reason: 'shutting down', kubeApi: {} });
    const res = await t.app.inject('/readyz');
    expect(res.statusCode).toBe(503);
    expect(res.json().reason).toBe('shutting down');
  });

  it('serves Prometheus text on /metrics', async () => {
    const { app } = await build();
    const res = await app.inject('/metrics');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toContain('# TYPE crashtriage_webhook_requests_total counter');
  });

  it('404 as JSON for an unknown route', async () => {
    const { app } = await build();
    const res = await app.inject('/nope');
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toBe('not_found');
  });
});
