/**
 * The pipeline's ports: what the webhook route calls (`AlertPipeline`) and what the pipeline calls
 * (evidence, workloads, resolved pods, delivery), with the dependencies `createPipeline` takes.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { WebhookAlert, WebhookPayload } from '../alertmanager/payload.ts';
import type { Diagnosis } from '../diagnosis/document.ts';
import type { Evidence, PodFacts } from '../diagnosis/evidence.ts';
import type { MemoryHistorySource } from '../history/index.ts';
import type { ResolveRead } from '../incidents/resolution.ts';
import type { StormSettings } from '../incidents/storm.ts';
import type { WorkloadFacts, WorkloadRef } from '../incidents/workload.ts';
import type { Metrics } from '../metrics.ts';
import type { Notifier } from '../notify/notifier.ts';
import type { PipelineState } from '../state/pipeline-state.ts';

/** What happened to one webhook request's alerts. */
export type PipelineOutcome =
  | { kind: 'delivered'; alerts: number }
  | { kind: 'retry-later'; alerts: number; failures: { sink: string; fingerprint: string; reason: string }[] };

/** The port the webhook route calls: where evidence, diagnosis and delivery plug in. */
export interface AlertPipeline {
  process(payload: WebhookPayload, log: FastifyBaseLogger, options?: ProcessOptions): Promise<PipelineOutcome>;
}

export interface ProcessOptions {
  /** When the webhook request must be answered (ms since the epoch): reading gets a share, delivery the rest. */
  deadline?: number;
}

/** Reads evidence for alerts, one Evidence per alert in order, coalescing repeated pods. */
export interface EvidenceSource {
  /** An alert not read by `deadline` gets evidence that says so (a timeout problem), never a rejection. */
  gather(alerts: readonly WebhookAlert[], options?: { deadline?: number }): Promise<Evidence[]>;
}

/**
 * Reads the workload that owns a pod (its status and revisions), at most once per workload in a short
 * while: started from the alert's labels beside the evidence, confirmed by the pod once it is read.
 */
export interface WorkloadSource {
  start(labels: Readonly<Record<string, string>>): { confirm(pod: PodFacts): Promise<WorkloadFacts> };
  /** An alert of this workload resolved: what is remembered about it is read afresh next time. */
  forget(labels: Readonly<Record<string, string>>, namespace: string, workload: WorkloadRef): void;
}

/**
 * Reads an alert's pod once when the alert resolves (in the alert's cluster) and, when it is gone
 * or going and `ownerSelector` is known, its owner's pods through that selector; never rejects.
 */
export interface ResolvedPodSource {
  read(labels: Readonly<Record<string, string>>, namespace: string, pod: string, options: { ownerSelector?: string; deadline?: number }): Promise<ResolveRead>;
}

/** The delivery port: the notifier, or a fake in tests. */
export type Deliverer = Pick<Notifier, 'deliver'>;

export interface PipelineDeps {
  evidence: EvidenceSource;
  diagnose: (evidence: Evidence) => Diagnosis;
  notifier: Deliverer;
  metrics: Metrics;
  /** What the pipeline remembers between requests: pods' alerts, incidents, storms (src/state/pipeline-state.ts). */
  state: PipelineState;
  /** Without it, a pod's workload is its controller as the pod names it, with no status or revisions. */
  workloads?: WorkloadSource;
  /** Without it, a resolve that reuses the firing diagnosis does not say how the pod is now. */
  resolvedPods?: ResolvedPodSource;
  /** The alert label naming the cluster (default `cluster`). */
  clusterLabel?: string;
  clock?: () => number;
  /** Prometheus memory history for OOM causes, when PROMETHEUS_URL is set. */
  history?: Pick<MemoryHistorySource, 'enrich'>;
  /** When a namespace's new incidents go into one digest. */
  storm?: StormSettings;
}
