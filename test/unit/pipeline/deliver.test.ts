/** Stage 5 alone: one batch to the deliverer, or nothing when there is nothing to send. */
import { describe, expect, it } from 'vitest';
import type { DeliveryBatch } from '../../../src/notify/notifier.ts';
import { deliver } from '../../../src/pipeline/deliver.ts';
import { webhookPayload } from '../../fixtures/alertmanager/payloads.ts';
import { documentOf } from './stage-fixtures.ts';

describe('deliver stage', () => {
  const recording = () => {
    const batches: DeliveryBatch[] = [];
    return {
      batches,
      deliver: async (b: DeliveryBatch) => {
        batches.push(b);
        return { kind: 'delivered' as const, permanentFailures: [] };
      },
    };
  };

  it("hands the documents to the deliverer as one batch with the group and the request's deadline", async () => {
    const notifier = recording();
    const doc = documentOf();
    expect(await deliver([doc], webhookPayload(), notifier, 1234)).toEqual({ kind: 'delivered', permanentFailures: [] });
    expect(notifier.batches).toEqual([
      {
        groupKey: webhookPayload().groupKey,
        receiver: 'crashtriage',
        externalURL: 'http://alertmanager.monitoring.svc:9093',
        documents: [doc],
        deadline: 1234,
      },
    ]);
  });

  it('calls no deliverer when every alert was folded', async () => {
    const notifier = recording();
    expect(await deliver([], webhookPayload(), notifier, undefined)).toEqual({ kind: 'delivered', permanentFailures: [] });
    expect(notifier.batches).toEqual([]);
  });
});
