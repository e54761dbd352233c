/**
 * What the pipeline remembers between webhook requests, one store per kind: which alert leads each
 * pod's message, the pods of each workload's incident, each namespace's storm. Shared by the replicas
 * when `STATE_STORE=kubernetes` (shared.ts), else this process's memory.
 */
import type { PodAlerts } from '../incidents/alert-folding.ts';
import type { IncidentState } from '../incidents/incident.ts';
import type { StormState } from '../incidents/storm.ts';
import { createMemoryStore } from './memory-store.ts';
import type { StateStore } from './store.ts';

export interface PipelineState {
  podAlerts: StateStore<PodAlerts>;
  incidents: StateStore<IncidentState>;
  storms: StateStore<StormState>;
}

/** The shared stores when there are some, else one replica's memory. */
export function pipelineState(shared?: PipelineState): PipelineState {
  return shared ?? { podAlerts: createMemoryStore(), incidents: createMemoryStore(), storms: createMemoryStore() };
}
