/**
 * What one webhook request carries from stage to stage: the documents on their way to delivery, and
 * the state it holds (claimed keys, with the values decided so far, committed or released by settle).
 */
import type { DiagnosisDocument } from '../diagnosis/document.ts';
import type { PodFacts } from '../diagnosis/evidence.ts';
import type { WorkloadFacts } from '../incidents/workload.ts';
import { claimAll, type Held, type StateStore } from '../state/store.ts';

/** A document on its way to delivery, with what the incident stage needs to know about it. */
export interface Pending {
  document: DiagnosisDocument;
  podKey?: string;
  pod?: PodFacts;
  facts?: WorkloadFacts;
}

/** Keys of one store held by this request, and the value each is to be committed with. */
export interface Claimed<T> {
  held: Map<string, Held<T>>;
  states: Map<string, T | undefined>;
}

export async function claimKeys<T>(store: StateStore<T>, keys: Iterable<string | undefined>): Promise<Claimed<T>> {
  const held = await claimAll(
    store,
    [...keys].filter((k): k is string => k !== undefined),
  );
  return { held, states: new Map([...held].map(([key, h]) => [key, h.value])) };
}

/** Lets every claim go unchanged: the request failed before delivery said what to keep. */
export async function releaseAll(...claims: readonly (Claimed<unknown> | undefined)[]): Promise<void> {
  await Promise.all(claims.flatMap((c) => [...(c?.held.values() ?? [])].map((h) => h.release())));
}
