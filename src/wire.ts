/**
 * All wiring in one place: builds the adapters from config (Kubernetes reader, sinks) and hands them
 * to the pipeline and the app. Tests and the demo build the same service with their own config.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config/config.ts';
import { diagnose } from './diagnosis/diagnose.ts';
import { createMemoryHistorySource } from './history/index.ts';
import { createPrometheusClient } from './history/prometheus.ts';
import { buildApp } from './http/app.ts';
import type { ReadinessReport } from './http/health-routes.ts';
import { type ApiResource, createClusterReaders, createKubeHealth } from './kube/index.ts';
import { createMetrics, primeFailureSeries } from './metrics.ts';
import { createLedgerLookup } from './notify/ledger-lookup.ts';
import { createNotifier, type NotifierDeps } from './notify/notifier.ts';
import { createPipeline } from './pipeline/pipeline.ts';
import { withResendMemo } from './resend-memo.ts';
import { createSlackActions, type SlackActions } from './slack-actions/index.ts';
import { pipelineState } from './state/pipeline-state.ts';
import { createSharedState } from './state/shared.ts';

/** Every resource the reader reads (a Record, so that tsc names a resource added to ApiResource but not here). */
const EVERY_API_RESOURCE: Record<ApiResource, true> = {
  pods: true,
  'pods/log': true,
  events: true,
  nodes: true,
  services: true,
  persistentvolumeclaims: true,
  storageclasses: true,
  deployments: true,
  replicasets: true,
  statefulsets: true,
  daemonsets: true,
  controllerrevisions: true,
  jobs: true,
};

export interface Service {
  app: FastifyInstance;
  /** Marks the service not ready (readyz 503) while it drains. */
  shuttingDown(): void;
  close(): Promise<void>;
  /** With Slack actions on: the watch of "until resolved" silences (tests run a round at will). */
  slackActions?: Pick<SlackActions, 'watcher'>;
}

export interface WireOverrides {
  /** Where the console sink writes (the demo captures it). */
  stdout?: NotifierDeps['stdout'];
}

export async function wireService(config: Config, logger: Logger, overrides: WireOverrides = {}): Promise<Service> {
  const metrics = createMetrics();
  primeFailureSeries(metrics, Object.keys(config.sinks), Object.keys(EVERY_API_RESOURCE));
  const kubeHealth = createKubeHealth(metrics);
  const clusters = createClusterReaders({
    clusterLabel: config.kube.clusterLabel,
    ...(config.kube.clusterName !== undefined ? { clusterName: config.kube.clusterName } : {}),
    clusters: config.kube.clusters,
    reader: {
      ...(config.kube.kubeconfigPath !== undefined ? { kubeconfigPath: config.kube.kubeconfigPath } : {}),
      ...(config.kube.context !== undefined ? { context: config.kube.context } : {}),
      timeoutMs: config.kube.timeoutMs,
      maxInFlight: config.kube.maxInFlight,
      // The log read is the largest response; leave room for JSON pods with many containers.
      maxResponseBytes: Math.max(4 * 1024 * 1024, 2 * config.kube.logLimitBytes),
      onApiCall: kubeHealth,
    },
  });
  const logRequest = { tailLines: config.kube.logTailLines, limitBytes: config.kube.logLimitBytes };
  const history =
    config.prometheus === undefined
      ? undefined
      : createMemoryHistorySource(createPrometheusClient(config.prometheus), { windowHours: config.prometheus.historyHours });
  // With STATE_STORE=kubernetes: the ledger, the Slack messages and the incidents in Leases, shared by the replicas.
  const shared = createSharedState(config, logger, metrics);
  // The pipeline's memory, which the Slack actions read and change too (under the same claims).
  const state = pipelineState(shared);
  const { podAlerts, incidents } = state;
  const resolvedPods: NonNullable<Parameters<typeof createPipeline>[0]['resolvedPods']> = {
    read: (labels, namespace, pod, options) => clusters.readResolved(labels, namespace, pod, options),
  };
  const actions =
    config.slackActions === undefined || config.alertmanager === undefined
      ? undefined
      : createSlackActions({
          config: config.slackActions,
          alertmanager: config.alertmanager,
          logger,
          metrics,
          incidents,
          podAlerts,
          reads: resolvedPods,
          clusterLabel: config.kube.clusterLabel,
          ...(shared === undefined ? {} : { clicks: shared.slackClicks, watch: shared.silenceWatch }),
        });
  const notifier = createNotifier({
    config,
    logger,
    metrics,
    ...(overrides.stdout !== undefined ? { stdout: overrides.stdout } : {}),
    ...(shared === undefined ? {} : { ledger: shared.ledger, sinkMemory: shared.sinkMemory }),
    ...(actions === undefined ? {} : { slackButtons: actions.buttons }),
  });
  const pipeline = withResendMemo(
    createPipeline({
      evidence: {
        gather: (alerts, options = {}) =>
          clusters.gather(alerts, logRequest, new Date(), {
            maxInFlight: config.kube.maxInFlightPerRequest,
            ...(options.deadline === undefined ? {} : { deadline: options.deadline }),
          }),
      },
      workloads: {
        start: (labels) => clusters.startWorkload(labels),
        forget: (labels, namespace, workload) => clusters.forgetWorkload(labels, namespace, workload),
      },
      resolvedPods,
      clusterLabel: config.kube.clusterLabel,
      storm: config.storm,
      diagnose,
      notifier,
      metrics,
      ...(history === undefined ? {} : { history }),
      state,
    }),
    {
      ttlMs: config.delivery.dedupeWindowMs,
      // A resend that reaches the other replica (or a restarted one): the shared ledger says what every sink has.
      ...(shared === undefined
        ? {}
        : {
            everySinkHas: createLedgerLookup({
              ledger: shared.ledger,
              config,
              onError: (err) =>
                logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'delivery ledger not read before enrichment: the alert is read as ever'),
            }),
          }),
    },
  );

  let stopping = false;
  const readiness = (): ReadinessReport =>
    stopping ? { ready: false, reason: 'shutting down', kubeApi: kubeHealth.report() } : { ready: true, kubeApi: kubeHealth.report() };
  const app = await buildApp({
    config,
    logger,
    metrics,
    pipeline,
    health: { readiness },
    ...(actions?.route === undefined ? {} : { slackActions: actions.route }),
  });
  await actions?.start();
  let closing: Promise<void> | undefined;
  return {
    app,
    shuttingDown: () => {
      stopping = true;
    },
    ...(actions === undefined ? {} : { slackActions: { watcher: actions.watcher } }),
    close: () =>
      (closing ??= (async () => {
        await actions?.close();
        await notifier.close();
        await clusters.close();
        await history?.close();
        await shared?.close();
      })()),
  };
}
