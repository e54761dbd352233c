/**
 * Stage 3, diagnose: each alert read becomes its document: the pure diagnosis, the memory history
 * for OOM causes, the alert around it, a fresh resolve's resolution, and the owner's problems and
 * pod selector (kept so that the resolve can find the pod that replaced this one).
 */
import type { FastifyBaseLogger } from 'fastify';
import { buildDocument } from '../alertmanager/document.ts';
import type { Evidence } from '../diagnosis/evidence.ts';
import { decideResolution, firingFacts, type ResolveRead } from '../incidents/resolution.ts';
import type { PipelineDeps } from './ports.ts';
import type { ReadAlert } from './read.ts';
import type { Pending } from './request.ts';

export type DiagnoseDeps = Pick<PipelineDeps, 'diagnose' | 'history' | 'metrics'> & { clock: () => number };

export async function diagnoseAll(
  read: readonly ReadAlert[],
  podKeyOf: ReadonlyMap<ReadAlert['alert'], string | undefined>,
  deps: DiagnoseDeps,
  log: FastifyBaseLogger,
): Promise<Pending[]> {
  const diagnosed = await Promise.all(
    read.map(async ({ alert, found, workload }) => {
      const plain = deps.diagnose(found);
      if (deps.history === undefined) return { alert, found, diagnosis: plain, workload: await workload };
      const enriched = await deps.history.enrich(found, plain);
      if (enriched.ms !== undefined) log.debug({ fingerprint: alert.fingerprint, ms: Math.round(enriched.ms) }, 'memory history read');
      const withProblem = enriched.problem === undefined ? found : { ...found, problems: [...found.problems, enriched.problem] };
      return { alert, found: withProblem, diagnosis: enriched.diagnosis, workload: await workload };
    }),
  );
  return diagnosed.map(({ alert, found, diagnosis, workload }) => {
    if (alert.status === 'firing') deps.metrics.diagnoses.inc({ cause: diagnosis.cause.id, confidence: diagnosis.cause.confidence });
    const document = buildDocument(alert, found, diagnosis);
    // A resolve with no firing message to reuse was read afresh: its evidence says how the pod is now.
    if (alert.status === 'resolved' && document.target.pod !== '')
      document.resolution = decideResolution(readOfEvidence(found), firingFacts(document), new Date(deps.clock())).resolution;
    if (workload !== undefined) document.problems.push(...workload.problems.map(({ source, kind, message }) => ({ source, kind, message })));
    // Kept with the firing document, so that its resolve can find the pod that replaced this one.
    if (workload?.podSelector !== undefined && document.target.owner !== undefined) document.target.ownerSelector = workload.podSelector;
    const item: Pending = { document };
    const podKey = podKeyOf.get(alert);
    if (podKey !== undefined) item.podKey = podKey;
    if (found.pod !== undefined) item.pod = found.pod;
    if (workload !== undefined) item.facts = workload;
    log.info(
      {
        fingerprint: alert.fingerprint,
        pod: `${document.target.namespace}/${document.target.pod}`,
        cause: diagnosis.cause.id,
        ...(diagnosis.cause.detail === undefined ? {} : { detail: diagnosis.cause.detail }),
        confidence: diagnosis.cause.confidence,
        problems: document.problems.length,
      },
      'diagnosed',
    );
    return item;
  });
}

/** The pod read as evidence, as the resolve decision takes it; its problems are in the document already. */
function readOfEvidence(found: Evidence): ResolveRead {
  if (found.pod !== undefined) return { kind: 'pod', pod: found.pod };
  const problem = found.problems.find((p) => p.source === 'pod');
  if (problem?.kind === 'not-found') return { kind: 'gone' };
  return { kind: 'failed', message: problem?.message ?? 'the pod was not read' };
}
