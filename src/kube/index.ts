/** What the pipeline, the CLI and the demo use from `src/kube`. */

export { createKubeHealth, type KubeHealth } from './api-health.ts';
export { type ClusterReaders, createClusterReaders } from './clusters.ts';
export { eventsNewestFirst } from './event-facts.ts';
export { type GatherDeps, gatherEvidence, type RequestBounds } from './gather-evidence.ts';
export { coalescingReader, gatherForAlerts, limitedReader } from './gather-for-alerts.ts';
export { KubeConfigError } from './kube-config.ts';
export { KubeReadError } from './kube-error.ts';
export { findContainer, podFacts } from './pod-facts.ts';
export { DEFAULT_LOG_REQUEST } from './previous-log.ts';
export type { ApiCallObserver, ApiResource, KubeApiReader, KubeReader, KubeReaderOptions, LogRequest } from './reader.ts';
export { createKubeReader, noopApiCallObserver } from './reader.ts';
export { type KubeTarget, selectFailingContainer, targetFromLabels } from './target.ts';
