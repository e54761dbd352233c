/** The pipeline with hand-written fakes of its ports (evidence source, deliverer) and the real diagnosis. */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/diagnosis/diagnose.ts';
import type { Evidence } from '../../src/diagnosis/evidence.ts';
import type { WebhookAlert } from '../../src/http/alertmanager-payload.ts';
import { createMetrics } from '../../src/metrics.ts';
import type { DeliveryBatch, DeliveryOutcome } from '../../src/notify/notifier.ts';
import { createPipeline } from '../../src/pipeline.ts';
import { crashLoopAlert, webhookPayload } from '../support/alertmanager-payloads.ts';

const log = pino({ level: 'silent' });

function fakes(outcome: DeliveryOutcome = { kind: 'delivered', permanentFailures: [] }) {
  const read: WebhookAlert[][] = [];
  const delivered: DeliveryBatch[] = [];
  const evidence = {
    async gather(alerts: readonly WebhookAlert[]): Promise<Evidence[]> {
      read.push([...alerts]);
      return alerts.map((a) => ({
        now: '2026-11-25T12:00:00Z',
        target: { namespace: a.labels['namespace'] ?? '', pod: a.labels['pod'] ?? '' },
        events: [],
        problems: [{ source: 'pod', kind: 'forbidden', message: 'forbidden: cannot get pods', missingPermission: 'get pods' }],
      }));
    },
  };
  const notifier = {
    async deliver(batch: DeliveryBatch): Promise<DeliveryOutcome> {
      delivered.push(batch);
      return outcome;
    },
  };
  const pipeline = createPipeline({ evidence, diagnose, notifier, metrics: createMetrics({ defaultMetrics: false }) });
  return { pipeline, read, delivered };
}

const notReady = (): WebhookAlert => {
  const a = crashLoopAlert({ fingerprint: 'bbbb', labels: { alertname: 'KubePodNotReady' } });
  delete (a.labels as Record<string, string | undefined>)['container'];
  return a;
};

describe('pipeline', () => {
  it('sends one message for KubePodCrashLooping and KubePodNotReady of one pod', async () => {
    const f = fakes();
    const outcome = await f.pipeline.process(webhookPayload([notReady(), crashLoopAlert()]), log);
    expect(outcome).toEqual({ kind: 'delivered', alerts: 2 });
    expect(f.delivered).toHaveLength(1);
    expect(f.delivered[0]?.documents.map((d) => d.alert.name)).toEqual(['KubePodCrashLooping']);
  });

  it('delivers an alert whose evidence could not be read, with the problem in the document', async () => {
    const f = fakes();
    await f.pipeline.process(webhookPayload(), log);
    const doc = f.delivered[0]?.documents[0];
    expect(doc?.cause.id).toBe('unknown');
    expect(doc?.problems).toEqual([{ source: 'pod', kind: 'forbidden', message: 'forbidden: cannot get pods' }]);
  });

  it('resolves from the remembered firing diagnosis without reading the API again', async () => {
    const f = fakes();
    await f.pipeline.process(webhookPayload(), log);
    const resolved = crashLoopAlert({ status: 'resolved', endsAt: '2026-11-25T11:00:00Z' });
    await f.pipeline.process(webhookPayload([resolved]), log);
    expect(f.read).toHaveLength(1);
    const doc = f.delivered[1]?.documents[0];
    expect(doc).toMatchObject({ status: 'resolved', alert: { endsAt: '2026-11-25T11:00:00Z' }, cause: { id: 'unknown' } });
  });

  it('asks for a retry when the notifier could not deliver', async () => {
    const f = fakes({ kind: 'retry-later', failures: [{ sink: 'slack', fingerprint: 'a3f1c2d4e5b6a7c8', reason: 'HTTP 503' }], permanentFailures: [] });
    const outcome = await f.pipeline.process(webhookPayload(), log);
    expect(outcome).toMatchObject({ kind: 'retry-later', failures: [{ sink: 'slack' }] });
  });
});
