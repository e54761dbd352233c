/** What the pipeline, the CLI and the demo use from `src/kube`. */
export { createKubeReader, noopApiCallObserver } from './reader.ts';
export type { ApiCallObserver, ApiResource, KubeApiReader, KubeReader, KubeReaderOptions, LogRequest } from './reader.ts';
export { gatherEvidence, type GatherDeps } from './gather-evidence.ts';
export { gatherForAlerts, coalescingReader } from './gather-for-alerts.ts';
export { targetFromLabels, selectFailingContainer, type KubeTarget } from './target.ts';
export { podFacts, findContainer } from './pod-facts.ts';
export { eventsNewestFirst } from './event-facts.ts';
export { KubeReadError } from './kube-error.ts';
export { KubeConfigError } from './kube-config.ts';
export { DEFAULT_LOG_REQUEST } from './previous-log.ts';
