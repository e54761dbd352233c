/**
 * Deciding delivery, apart from doing it. Pure: no I/O, no clock. The executor (notifier.ts) claims
 * ledger entries, sends, records and reports; everything it decides on is decided here:
 * - which documents go to which sink, in batch order, and the key each message is remembered under;
 *   an incident's document goes with the news for what that sink was told of it (incidents/told.ts),
 *   so a sink that missed the incident's first message gets it, and one that has it only what is new;
 *   a storm's digest likewise: new to a sink that has not had it, an update to one that has;
 * - whether a message is settled without sending (its sink is unknown; an earlier message of the same
 *   sink must wait for Alertmanager's resend, so this one waits too, keeping the order; the ledger
 *   says it was already sent or refused for good);
 * - what the ledger keeps after an attempt, and what Alertmanager is answered.
 */
import type { RouteSpec } from '../config/config.ts';
import type { DiagnosisDocument, StormRef } from '../diagnosis/document.ts';
import { forSink, type SinkView, type SinkViews, told } from '../incidents/told.ts';
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

/** A message a sink now has (sent, sent before, or maybe posted). */
export interface Taken {
  sink: string;
  fingerprint: string;
}

/**
 * 'delivered': every routed sink has every message, or refused it for good (`permanentFailures`,
 * which a resend cannot fix). 'retry-later': answer 5xx so Alertmanager resends the group.
 * `taken`, when the batch said what each sink was told (`told`): the messages of those incidents
 * each sink now has.
 */
export type DeliveryOutcome =
  | { kind: 'delivered'; permanentFailures: DeliveryFailure[]; taken?: Taken[] }
  | { kind: 'retry-later'; failures: DeliveryFailure[]; permanentFailures: DeliveryFailure[]; taken?: Taken[] };

export interface DeliveryRoutes {
  routes: readonly RouteSpec[];
  defaultSinks: readonly string[];
  /** The sinks whose type takes every document of an incident (sink-type.ts `everyDocument`); the others only its news. */
  everyDocument?: ReadonlySet<string>;
}

/**
 * Each sink's documents, in batch order. With `toldBefore` (incident id → what each sink was told
 * before this batch), an incident's document carries the news for that sink, decided on what the
 * sink was told before it and by the documents of the batch it takes ahead of it.
 */
export function planDelivery(
  documents: readonly DiagnosisDocument[],
  config: DeliveryRoutes,
  toldBefore: ReadonlyMap<string, SinkViews> = new Map(),
  digestsTold: ReadonlyMap<string, readonly string[]> = new Map(),
): Map<string, DiagnosisDocument[]> {
  const plan = new Map<string, DiagnosisDocument[]>();
  /** Per sink and incident id: what the sink will have been told once it took the documents planned so far. */
  const views = new Map<string, SinkView | undefined>();
  /** Per sink and storm id: the digests a sink takes in this batch. */
  const digestsPlanned = new Set<string>();
  for (const doc of documents) {
    const id = doc.incident?.id;
    const before = id === undefined ? undefined : toldBefore.get(id);
    const storm = doc.incident?.storm;
    const digestTold = storm === undefined ? undefined : digestsTold.get(storm.id);
    for (const sink of routeSinks(doc.alert.labels, config.routes, config.defaultSinks)) {
      const viewKey = JSON.stringify([sink, id]);
      const view = views.has(viewKey) ? views.get(viewKey) : before?.[sink];
      let message = before === undefined ? doc : forSink(view, doc);
      const digestKey = JSON.stringify([sink, storm?.id]);
      if (digestTold !== undefined) message = withDigestNews(message, digestTold.includes(sink) || digestsPlanned.has(digestKey) ? 'updated' : 'opened');
      if (!sinkTakes(config.everyDocument?.has(sink) === true, message)) continue;
      if (before !== undefined) views.set(viewKey, told(view, doc));
      if (digestTold !== undefined) digestsPlanned.add(digestKey);
      const queue = plan.get(sink);
      if (queue === undefined) plan.set(sink, [message]);
      else queue.push(message);
    }
  }
  return plan;
}

/** The document with its digest's news as one sink is to get it. */
function withDigestNews(doc: DiagnosisDocument, news: StormRef['news']): DiagnosisDocument {
  const incident = doc.incident;
  if (incident?.storm === undefined || incident.storm.news === news) return doc;
  return { ...doc, incident: { ...incident, storm: { ...incident.storm, news } } };
}

/** Each sink's queue of messages, in batch order, with the key the ledger knows each one by. */
export function sinkQueues(
  batch: {
    groupKey: string;
    documents: readonly DiagnosisDocument[];
    told?: ReadonlyMap<string, SinkViews>;
    digestsTold?: ReadonlyMap<string, readonly string[]>;
  },
  config: DeliveryRoutes,
): Map<string, SinkMessage[]> {
  return new Map(
    [...planDelivery(batch.documents, config, batch.told, batch.digestsTold)].map(([sink, docs]) => [
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

/**
 * The answer for Alertmanager from every message's result; with `told` or `digestsTold` (the
 * batch's), also what each sink now has of those incidents and digests.
 */
export function deliveryOutcome(
  results: readonly { message: SinkMessage; result: MessageResult }[],
  told?: ReadonlyMap<string, SinkViews>,
  digestsTold?: ReadonlyMap<string, readonly string[]>,
): DeliveryOutcome {
  const failures: DeliveryFailure[] = [];
  const permanentFailures: DeliveryFailure[] = [];
  const taken: Taken[] = [];
  for (const { message, result } of results) {
    const failure = { sink: message.key.sink, fingerprint: message.doc.alert.fingerprint };
    if (result.kind === 'retry-later') failures.push({ ...failure, reason: result.reason });
    if (result.kind === 'permanent') permanentFailures.push({ ...failure, reason: result.reason });
    const id = message.doc.incident?.id;
    const storm = message.doc.incident?.storm?.id;
    const known = (id !== undefined && told?.has(id) === true) || (storm !== undefined && digestsTold?.has(storm) === true);
    if ((ledgerOutcome(result) === 'sent' || result.kind === 'duplicate') && known) taken.push(failure);
  }
  const withTaken = told === undefined && digestsTold === undefined ? {} : { taken };
  return failures.length > 0 ? { kind: 'retry-later', failures, permanentFailures, ...withTaken } : { kind: 'delivered', permanentFailures, ...withTaken };
}
