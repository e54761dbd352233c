/**
 * The state replicas share, with `STATE_STORE=kubernetes`: one Lease-backed store per kind of state
 * (lease-store.ts) in the service's own namespace, a periodic bounded garbage
 * collection of expired Leases, and the degraded mode counted in `crashtriage_state_store_degraded_total`.
 */
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import type { PodAlerts } from '../incidents/alert-folding.ts';
import type { IncidentState } from '../incidents/incident.ts';
import type { StormState } from '../incidents/storm.ts';
import type { Metrics } from '../metrics.ts';
import { type DeliveryLedger, type LedgerOutcome, ledgerOver } from '../notify/delivery-ledger.ts';
import { memoryOver, type SinkMemory, type SinkMemoryFactory } from '../notify/sink-memory.ts';
import type { ClickRecord } from '../slack-actions/act.ts';
import type { SilenceWatch } from '../slack-actions/silence-watch.ts';
import { createLeaseClient } from './lease-api.ts';
import { createLeaseStore, type LeaseStore } from './lease-store.ts';
import type { StateStore } from './store.ts';

/** How often expired Leases are deleted, and at most how many per store each time. */
const GC_INTERVAL_MS = 5 * 60_000;
const GC_MAX_DELETES = 200;
const DAY_MS = 24 * 3600_000;

export interface SharedState {
  ledger: DeliveryLedger;
  podAlerts: StateStore<PodAlerts>;
  incidents: StateStore<IncidentState>;
  storms: StateStore<StormState>;
  /** Slack clicks taken (so that one click acts once across replicas) and the "until resolved" silences watched. */
  slackClicks: StateStore<ClickRecord>;
  silenceWatch: StateStore<SilenceWatch>;
  /** What the named sink remembers (the Slack messages it posted), shared by the replicas. */
  sinkMemory(sink: string): SinkMemoryFactory;
  /** One garbage collection of every store now (also run every five minutes). */
  collectGarbage(): Promise<number>;
  close(): Promise<void>;
}

export function createSharedState(config: Pick<Config, 'state' | 'kube' | 'delivery'>, logger: Logger, metrics: Metrics): SharedState | undefined {
  const { state } = config;
  if (state.store !== 'kubernetes' || state.namespace === undefined) return undefined;
  const client = createLeaseClient({
    ...(config.kube.kubeconfigPath !== undefined ? { kubeconfigPath: config.kube.kubeconfigPath } : {}),
    ...(config.kube.context !== undefined ? { context: config.kube.context } : {}),
    timeoutMs: config.kube.timeoutMs,
  });
  const namespace = state.namespace;
  const stores: LeaseStore<unknown>[] = [];
  const store = <T>(name: string, ttlMs: number): LeaseStore<T> => {
    const created = createLeaseStore<T>({
      api: client.api,
      namespace,
      store: name,
      holder: state.holder,
      ttlMs,
      maxWaitMs: config.delivery.budgetMs,
      onDegraded: (which, reason) => {
        metrics.stateDegraded.inc({ store: which });
        logger.warn({ store: which, reason }, "shared state store not usable: served from this replica's memory, a message may be sent twice");
      },
    });
    stores.push(created as LeaseStore<unknown>);
    return created;
  };
  // Each kind of sink memory (slack-posts, slack-digests, …) is a store of its own, made on first
  // use with the sink's own time to live; the sink's name prefixes its keys.
  const sinkStores = new Map<string, LeaseStore<unknown>>();
  const sinkStore = (what: string, ttlMs: number): LeaseStore<unknown> => {
    const found = sinkStores.get(what) ?? store<unknown>(what, ttlMs);
    sinkStores.set(what, found);
    return found;
  };
  const shared: SharedState = {
    ledger: ledgerOver(store<LedgerOutcome>('ledger', config.delivery.dedupeWindowMs)),
    podAlerts: store<PodAlerts>('pod-alerts', DAY_MS),
    incidents: store<IncidentState>('incidents', DAY_MS),
    storms: store<StormState>('storms', DAY_MS),
    // Slack resends a click within seconds; an hour is ample. Watched silences last up to a week.
    slackClicks: store<ClickRecord>('slack-clicks', 3600_000),
    silenceWatch: store<SilenceWatch>('silence-watch', 8 * DAY_MS),
    sinkMemory:
      (sink) =>
      <V>(what: string, options: { ttlMs: number }) =>
        memoryOver(sinkStore(what, options.ttlMs), sink) as SinkMemory<V>,
    async collectGarbage() {
      let deleted = 0;
      for (const s of stores) {
        try {
          deleted += await s.collectGarbage({ maxDeletes: GC_MAX_DELETES });
        } catch (err) {
          logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'shared state: expired Leases not collected this time');
        }
      }
      return deleted;
    },
    close: async () => {
      clearInterval(timer);
      await client.close();
    },
  };
  const timer = setInterval(() => void shared.collectGarbage(), GC_INTERVAL_MS);
  timer.unref();
  logger.info({ namespace, holder: state.holder }, 'state shared by replicas in Kubernetes Leases');
  return shared;
}
