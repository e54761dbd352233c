import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { oomDocument } from '../../fixtures/notify/documents.ts';
import { startWebhookCapture, type WebhookCapture } from '../../support/webhook-capture.ts';
import { batch, GROUP_KEY, harness } from './harness.ts';

let hook: WebhookCapture;
beforeEach(async () => {
  hook = await startWebhookCapture();
});
afterEach(async () => {
  await hook.close();
});

const setup = () => harness({ sinks: { forward: { type: 'webhook', url: hook.url } } });

describe('generic webhook sink', () => {
  it('firing → POSTs the diagnosis document as JSON with an Idempotency-Key', async () => {
    const h = setup();
    const doc = oomDocument();
    expect((await h.notifier.deliver(batch([doc]))).kind).toBe('delivered');
    expect(hook.accepted).toHaveLength(1);
    const req = hook.accepted[0];
    expect(req?.method).toBe('POST');
    expect(req?.headers['content-type']).toMatch(/^application\/json/);
    expect(req?.body).toEqual(doc);
    const key = JSON.stringify(['forward', GROUP_KEY, doc.alert.fingerprint, 'firing', doc.alert.startsAt]);
    expect(req?.headers['idempotency-key']).toBe(createHash('sha256').update(key).digest('hex'));
  });

  it('503 then OK → retried, the same Idempotency-Key on every attempt', async () => {
    const h = setup();
    hook.failNext(503, 2);
    expect((await h.notifier.deliver(batch([oomDocument()]))).kind).toBe('delivered');
    expect(hook.requestCount()).toBe(3);
    expect(hook.accepted).toHaveLength(1);
  });

  it('400 → permanent: not retried, listed for the log', async () => {
    const h = setup();
    hook.failNext(400, 3);
    expect(await h.notifier.deliver(batch([oomDocument()]))).toMatchObject({ kind: 'delivered', permanentFailures: [{ sink: 'forward', reason: 'HTTP 400' }] });
    expect(hook.requestCount()).toBe(1);
  });

  it('no answer within the attempt timeout → timeout is transient: retried, then retry-later', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/`;
      const h = harness({ sinks: { forward: { type: 'webhook', url } }, budgetMs: 400, sinkTimeoutMs: 100 });
      const outcome = await h.notifier.deliver(batch([oomDocument()]));
      expect(outcome.kind === 'retry-later' && outcome.failures[0]?.reason).toContain('no answer within the attempt timeout');
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
