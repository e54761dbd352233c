/**
 * Whether every sink an alert goes to already has its message, asked of the delivery ledger before
 * the cluster is read. Alertmanager's resend of a delivered group may reach the other replica (or a
 * restarted one), whose own memory (src/resend-memo.ts) knows nothing of it; the ledger they share
 * does. Which sinks an alert goes to follows from its labels alone (route.ts); whether a sink takes
 * its document depends on the incident's news (incident-filter.ts), which only reading can tell. So
 * the rule is the safe one: the alert is answered without reading only when every routed sink has
 * an entry (sent, or refused for good) under the key its message would have (plan.ts
 * `sinkQueues`). A sink without one (it failed, it did not take that document, the message is
 * still being sent, the ledger could not be read in time) means the alert is read as ever.
 */
import { keptLabels } from '../alertmanager/document.ts';
import type { WebhookAlert } from '../alertmanager/payload.ts';
import type { Config } from '../config/config.ts';
import { raceDeadline } from '../deadline.ts';
import type { DeliveryKey, DeliveryLedger } from './delivery-ledger.ts';
import { routeSinks } from './route.ts';

/** The routes, and the sinks configured (a route naming another is settled without a ledger entry). */
export type LedgerLookupConfig = Pick<Config, 'routes' | 'defaultSinks'> & { sinks: Readonly<Record<string, unknown>> };

/**
 * The ledger keys of an alert's message at every sink it is routed to, as the notifier would key
 * them (the document keeps the alert's fingerprint, status and startsAt, and its kept labels);
 * undefined when it is routed to no configured sink (nothing to look up: read as ever).
 */
export function routedKeys(groupKey: string, alert: WebhookAlert, config: LedgerLookupConfig): DeliveryKey[] | undefined {
  const sinks = routeSinks(keptLabels(alert.labels), config.routes, config.defaultSinks).filter((s) => s in config.sinks);
  if (sinks.length === 0) return undefined;
  return sinks.map((sink) => ({ sink, groupKey, fingerprint: alert.fingerprint, status: alert.status, startsAt: alert.startsAt }));
}

export interface LedgerLookupDeps {
  ledger: Pick<DeliveryLedger, 'peek'>;
  config: LedgerLookupConfig;
  clock?: () => number;
  /** The ledger could not be read: those alerts are read from the cluster. */
  onError?: (err: unknown) => void;
}

/** The alerts of `alerts` every routed sink has; the lookups end by `deadline` (the rest are read). */
export type EverySinkHas = (groupKey: string, alerts: readonly WebhookAlert[], deadline?: number) => Promise<ReadonlySet<WebhookAlert>>;

export function createLedgerLookup(deps: LedgerLookupDeps): EverySinkHas {
  const clock = deps.clock ?? Date.now;
  /** One read per sink, in route order, stopping at the first sink that lacks the message: a first delivery costs one read per alert. */
  const everySinkHas = async (keys: readonly DeliveryKey[]): Promise<boolean> => {
    for (const key of keys) if ((await deps.ledger.peek(key)) === undefined) return false;
    return true;
  };
  return async (groupKey, alerts, deadline) => {
    const found = new Set<WebhookAlert>();
    const lookups = Promise.all(
      alerts.map(async (alert) => {
        const keys = routedKeys(groupKey, alert, deps.config);
        if (keys === undefined) return;
        try {
          if (await everySinkHas(keys)) found.add(alert);
        } catch (err) {
          deps.onError?.(err);
        }
      }),
    );
    if (deadline === undefined) await lookups;
    else if ((await raceDeadline(lookups, deadline, clock)).kind === 'late') return new Set(found);
    return found;
  };
}
