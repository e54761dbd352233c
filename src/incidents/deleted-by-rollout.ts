/**
 * A container stopped by its pod's deletion (cause detail `pod-deleting`): from the pod alone a
 * rollout, a scale-down and a `kubectl delete` look the same, so the diagnosis' first step asks for
 * the owner's revisions (src/diagnosis/remedies/pod.ts). The incident has them: when the owner has a
 * revision newer than the pod's, a rollout replaced the pod, and the first step says so, with nothing
 * to change and the commands that confirm the rollout completes. Pure.
 */
import type { DiagnosisDocument, Remedy } from '../diagnosis/document.ts';
import { shq } from '../diagnosis/shell.ts';
import { type WorkloadFacts, workloadName } from './workload.ts';

const ROLLING: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

/** "Rollout to revision 7 replaced it", when the facts show a revision newer than the pod's; else undefined. */
export function replacedByRollout(facts: WorkloadFacts, podRevision: string | undefined): { revision: number; podRevision: number } | undefined {
  if (!ROLLING.has(facts.workload.kind) || podRevision === undefined) return undefined;
  const mine = facts.revisions.find((r) => r.name === podRevision);
  const newest = facts.revisions.reduce<number | undefined>((n, r) => (n === undefined || r.revision > n ? r.revision : n), undefined);
  if (mine === undefined || newest === undefined || newest <= mine.revision) return undefined;
  return { revision: newest, podRevision: mine.revision };
}

/** The document with its first step replaced by "a rollout replaced it: nothing to change" when the facts show it. */
export function withRolloutReplacement(document: DiagnosisDocument, facts: WorkloadFacts | undefined, podRevision: string | undefined): DiagnosisDocument {
  if (facts === undefined || document.cause.detail !== 'pod-deleting' || document.remedies[0]?.kind !== 'diagnostic') return document;
  const rollout = replacedByRollout(facts, podRevision);
  if (rollout === undefined) return document;
  const ref = workloadName(facts.workload);
  const selector = facts.podSelector ?? document.target.ownerSelector;
  const replaced: Remedy = {
    kind: 'no-change',
    title: `Rollout to revision ${rollout.revision} replaced it (this pod ran revision ${rollout.podRevision}): nothing to change; confirm the rollout completes`,
    commands: [
      `kubectl rollout status ${ref} -n ${shq(facts.namespace)} --timeout=5m`,
      ...(selector === undefined ? [] : [`kubectl get pods -n ${shq(facts.namespace)} -l ${shq(selector)} -o wide`]),
    ],
  };
  return { ...document, remedies: [replaced, ...document.remedies.slice(1)], verify: document.verify.filter((v) => !replaced.commands.includes(v)) };
}
