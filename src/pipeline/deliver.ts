/**
 * Stage 5, deliver: the request's documents to the notifier in one batch (routes, per-sink queues,
 * the ledger, retries: src/notify/notifier.ts), with the whole request's deadline and what each
 * sink was told of the incidents (src/incidents/told.ts) and of the storms' digests.
 */
import type { WebhookPayload } from '../alertmanager/payload.ts';
import type { DiagnosisDocument } from '../diagnosis/document.ts';
import type { SinkViews } from '../incidents/told.ts';
import type { DeliveryOutcome } from '../notify/notifier.ts';
import type { Deliverer } from './ports.ts';

export async function deliver(
  documents: DiagnosisDocument[],
  payload: Pick<WebhookPayload, 'groupKey' | 'receiver' | 'externalURL'>,
  notifier: Deliverer,
  deadline: number | undefined,
  told: ReadonlyMap<string, SinkViews> = new Map(),
  digestsTold: ReadonlyMap<string, readonly string[]> = new Map(),
): Promise<DeliveryOutcome> {
  if (documents.length === 0) return { kind: 'delivered', permanentFailures: [] };
  return notifier.deliver({
    groupKey: payload.groupKey,
    receiver: payload.receiver,
    externalURL: payload.externalURL,
    documents,
    ...(deadline === undefined ? {} : { deadline }),
    ...(told.size === 0 ? {} : { told }),
    ...(digestsTold.size === 0 ? {} : { digestsTold }),
  });
}
