/**
 * The Slack actions assembled from config: the click handler over the pipeline's stores, the
 * receivers Slack reaches it by (the request URL's route deps, the Socket Mode client), the watch of
 * "until resolved" silences, and how the bot sink signs its buttons. wire.ts plugs it in.
 */
import type { Logger } from 'pino';
import { type AlertmanagerClient, createAlertmanagerClient } from '../alertmanager/silences.ts';
import type { AlertmanagerConfig, SlackActionsConfig } from '../config/slack-actions.ts';
import type { IncidentRef } from '../diagnosis/document.ts';
import type { PodAlerts } from '../incidents/alert-folding.ts';
import type { IncidentState } from '../incidents/incident.ts';
import type { Metrics } from '../metrics.ts';
import { createMemoryStore } from '../state/memory-store.ts';
import type { StateStore } from '../state/store.ts';
import { type ClickHandler, type ClickRecord, createClickHandler } from './act.ts';
import { parseAllowlist } from './allowlist.ts';
import { parseClick } from './block-actions.ts';
import { buttonKey, signTicket } from './button-value.ts';
import type { PodReads } from './pod-check.ts';
import { createSilenceWatcher, type SilenceWatch, type SilenceWatcher } from './silence-watch.ts';
import { createSlackWeb } from './slack-web.ts';
import { createSocketModeClient, type SocketModeClient } from './socket-mode.ts';

export interface SlackActions {
  /** For POST /slack/actions, when a signing secret is set. */
  route?: { signingSecret: string; clicks: ClickHandler };
  /** The bot sink's button signer (notifier's slackButtons). */
  buttons: { sink: string; sign(incident: IncidentRef, namespace: string): string };
  watcher: SilenceWatcher;
  /** Connects Socket Mode (when an app token is set) and starts the watch. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface SlackActionsDeps {
  config: SlackActionsConfig;
  alertmanager: AlertmanagerConfig;
  logger: Logger;
  metrics: Metrics;
  incidents: StateStore<IncidentState>;
  podAlerts: StateStore<PodAlerts>;
  reads: PodReads;
  clusterLabel: string;
  /** Shared by the replicas with STATE_STORE=kubernetes; this process's memory otherwise. */
  clicks?: StateStore<ClickRecord>;
  watch?: StateStore<SilenceWatch>;
  fetch?: typeof fetch;
  /** Tests pass a client of their own; by default one over ALERTMANAGER_URL. */
  alertmanagerClient?: AlertmanagerClient;
}

export function createSlackActions(deps: SlackActionsDeps): SlackActions {
  const { config } = deps;
  const logger = deps.logger.child({ component: 'slack-actions' });
  const parsed = parseAllowlist(config.allowed);
  if (!parsed.ok) throw new Error(`SLACK_ACTIONS_ALLOWED: ${parsed.errors.join('; ')}`);
  const key = buttonKey(config.botToken);
  const slack = createSlackWeb({
    botToken: config.botToken,
    ...(config.apiUrl === undefined ? {} : { apiUrl: config.apiUrl }),
    ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
  });
  const alertmanager =
    deps.alertmanagerClient ??
    createAlertmanagerClient({
      url: deps.alertmanager.url,
      ...(deps.alertmanager.bearerToken === undefined ? {} : { bearerToken: deps.alertmanager.bearerToken }),
    });
  const watch = deps.watch ?? createMemoryStore<SilenceWatch>({ ttlMs: 8 * 24 * 3600_000 });
  const clicks = createClickHandler({
    key,
    allowlist: parsed.allowlist,
    slack,
    alertmanager,
    incidents: deps.incidents,
    podAlerts: deps.podAlerts,
    clicks: deps.clicks ?? createMemoryStore<ClickRecord>({ ttlMs: 3600_000 }),
    watch,
    reads: deps.reads,
    clusterLabel: deps.clusterLabel,
    logger,
    count: (action, outcome) => deps.metrics.slackActions.inc({ action, outcome }),
  });
  const watcher = createSilenceWatcher({
    watch,
    incidents: deps.incidents,
    podAlerts: deps.podAlerts,
    reads: deps.reads,
    alertmanager,
    slack,
    clusterLabel: deps.clusterLabel,
    logger,
  });
  let socket: SocketModeClient | undefined;
  if (config.appToken !== undefined) {
    socket = createSocketModeClient({
      appToken: config.appToken,
      ...(config.apiUrl === undefined ? {} : { apiUrl: config.apiUrl }),
      ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
      logger,
      onInteractive: (payload) => {
        const click = parseClick(payload);
        if (!click.ok) {
          logger.info({ reason: click.reason }, 'Slack interaction ignored');
          return;
        }
        void clicks.handle(click.click).catch((err: unknown) => logger.error({ err }, 'Slack action failed'));
      },
    });
  }
  return {
    ...(config.signingSecret === undefined ? {} : { route: { signingSecret: config.signingSecret, clicks } }),
    buttons: {
      sink: config.sink,
      sign: (incident, namespace) =>
        signTicket(key, { id: incident.id, ...(incident.cluster === undefined ? {} : { cluster: incident.cluster }), namespace, workload: incident.workload }),
    },
    watcher,
    async start() {
      watcher.start(config.checkIntervalMs);
      // Socket Mode connects in the background: the service serves alerts whether Slack is reachable or not.
      if (socket !== undefined) void socket.start();
    },
    async close() {
      watcher.stop();
      await socket?.close();
      if (deps.alertmanagerClient === undefined) await alertmanager.close();
    },
  };
}
