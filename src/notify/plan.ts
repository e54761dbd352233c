/**
 * Deciding delivery, apart from doing it. Pure: no I/O, no clock. The executor (notifier.ts) claims
 * ledger entries, sends, records and reports; everything it decides on is decided here:
 * - which documents go to which sink, in batch order, and the key each message is remembered under;
 * - whether a message is settled without sending (its sink is unknown; an earlier message of the same
 *   sink must wait for Alertmanager's resend, so this one waits too, keeping the order; the ledger
 *   says it was already sent or refused for good);
 * - what the ledger keeps after an attempt, and what Alertmanager is answered.
 */
import type { RouteSpec } from '../config/config.ts';
import type { DiagnosisDocument } from '../diagnosis/document.ts';
import type { DeliveryKey, LedgerOutcome } from './delivery-ledger.ts';
import { sinkTakes } from './incident-filter.ts';
import { routeSinks } from './route.ts';

/** How one message to one sink ended. */
export type MessageResult = { kind: 'sent' | 'duplicate' } | { kind: 'retry-later' | 'permanent' | 'maybe-sent'; reason: string };

export interface SinkMessage {
  doc: DiagnosisDocument;
  key: DeliveryKey;
}

export interface DeliveryFailure {
  sink: string;
  fingerprint: string;
  reason: string;
}

/**
 * 'delivered': every routed sink has every message, or refused it for good (`permanentFailures`,
 * which a resend cannot fix). 'retry-later': answer 5xx so Alertmanager resends the group.
 */
export type DeliveryOutcome =
  | { kind: 'delivered'; permanentFailures: DeliveryFailure[] }
  | { kind: 'retry-later'; failures: DeliveryFailure[]; permanentFailures: DeliveryFailure[] };

export interface DeliveryRoutes {
  routes: readonly RouteSpec[];
  defaultSinks: readonly string[];
  /** The sinks whose type takes every document of an incident (sink-type.ts `everyDocument`); the others only its news. */
  everyDocument?: ReadonlySet<string>;
}

export function planDelivery(documents: readonly DiagnosisDocument[], config: DeliveryRoutes): Map<string, DiagnosisDocument[]> {
  const plan = new Map<string, DiagnosisDocument[]>();
  for (const doc of documents) {
    for (const sink of routeSinks(doc.alert.labels, config.routes, config.defaultSinks)) {
      if (!sinkTakes(config.everyDocument?.has(sink) === true, doc)) continue;
      const queue = plan.get(sink);
      if (queue === undefined) plan.set(sink, [doc]);
      else queue.push(doc);
    }
  }
  return plan;
}

/** Each sink's queue of messages, in batch order, with the key the ledger knows each one by. */
export function sinkQueues(batch: { groupKey: string; documents: readonly DiagnosisDocument[] }, config: DeliveryRoutes): Map<string, SinkMessage[]> {
  return new Map(
    [...planDelivery(batch.documents, config)].map(([sink, docs]) => [
      sink,
      docs.map((doc) => ({
        doc,
        key: { sink, groupKey: batch.groupKey, fingerprint: doc.alert.fingerprint, status: doc.status, startsAt: doc.alert.startsAt },
      })),
    ]),
  );
}

/** A message settled before its ledger entry is read; undefined: read the ledger. */
export function settledUpfront(message: SinkMessage, sinkExists: boolean, earlier: readonly MessageResult[]): MessageResult | undefined {
  // In order: once a message must wait for Alertmanager's resend, the ones after it wait too.
  if (earlier.some((r) => r.kind === 'retry-later')) return { kind: 'retry-later', reason: 'not attempted: an earlier message to this sink failed' };
  if (!sinkExists) return { kind: 'permanent', reason: `no sink named "${message.key.sink}"` };
  return undefined;
}

/** A message the ledger already settled (sent, or refused for good) is not sent again; undefined: send it. */
export function settledByLedger(known: LedgerOutcome | undefined): MessageResult | undefined {
  return known === undefined ? undefined : { kind: 'duplicate' };
}

/** What the ledger keeps after an attempt; undefined: nothing, so Alertmanager's resend tries again. */
export function ledgerOutcome(result: MessageResult): LedgerOutcome | undefined {
  // A message that may have been posted is kept as sent: a resend must not post it a second time.
  if (result.kind === 'sent' || result.kind === 'maybe-sent') return 'sent';
  if (result.kind === 'permanent') return 'failed-permanently';
  return undefined;
}

/** The answer for Alertmanager from every message's result. */
export function deliveryOutcome(results: readonly { message: SinkMessage; result: MessageResult }[]): DeliveryOutcome {
  const failures: DeliveryFailure[] = [];
  const permanentFailures: DeliveryFailure[] = [];
  for (const { message, result } of results) {
    const failure = { sink: message.key.sink, fingerprint: message.doc.alert.fingerprint };
    if (result.kind === 'retry-later') failures.push({ ...failure, reason: result.reason });
    if (result.kind === 'permanent') permanentFailures.push({ ...failure, reason: result.reason });
  }
  return failures.length > 0 ? { kind: 'retry-later', failures, permanentFailures } : { kind: 'delivered', permanentFailures };
}
