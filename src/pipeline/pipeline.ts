/**
 * The webhook pipeline (docs/architecture.md "The flow"): one request's alerts go through six stages,
 * each taking what the one before produced and nothing else:
 *   claim (claim.ts) → read (read.ts) → diagnose (diagnose.ts) → fold into incidents (fold.ts)
 *   → deliver (deliver.ts) → settle (settle.ts).
 * Enrichment never loses an alert: whatever could not be read travels in the document's `problems`.
 * What the pipeline remembers changes only after delivery: each pod's and each incident's state is
 * claimed, decided on purely, and settled once delivery said what reached the sinks. A claim also
 * makes concurrent requests about one pod or one workload take turns, so that one Slack message is
 * posted per incident.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { WebhookPayload } from '../alertmanager/payload.ts';
import { STORM_DEFAULTS } from '../incidents/storm.ts';
import type { DeliveryOutcome } from '../notify/notifier.ts';
import { claimPods } from './claim.ts';
import { deliver } from './deliver.ts';
import { diagnoseAll } from './diagnose.ts';
import { type Folded, foldIntoIncidents } from './fold.ts';
import type { AlertPipeline, PipelineDeps, PipelineOutcome, ProcessOptions } from './ports.ts';
import { readCluster } from './read.ts';
import { releaseAll } from './request.ts';
import { settle } from './settle.ts';

/** Of the time left when a request starts, the share reading evidence may use; delivery keeps the rest. */
export const EVIDENCE_SHARE = 0.6;

export function createPipeline(deps: PipelineDeps): AlertPipeline {
  const clusterLabel = deps.clusterLabel ?? 'cluster';
  const clock = deps.clock ?? Date.now;
  const foldSettings = { clusterLabel, storm: deps.storm ?? STORM_DEFAULTS, clock };

  return {
    async process(payload: WebhookPayload, log: FastifyBaseLogger, options: ProcessOptions = {}): Promise<PipelineOutcome> {
      const { deadline } = options;
      const evidenceDeadline = deadline === undefined ? undefined : clock() + (deadline - clock()) * EVIDENCE_SHARE;
      const claimed = await claimPods(payload.alerts, deps.state.podAlerts, clusterLabel, log);
      let folded: Folded | undefined;
      let result: DeliveryOutcome;
      try {
        const { read, resolved } = await readCluster(claimed, { ...deps, clock }, evidenceDeadline);
        const diagnosed = await diagnoseAll(read, claimed.podKeyOf, { ...deps, clock }, log);
        folded = await foldIntoIncidents([...resolved, ...diagnosed], claimed.pods, deps.state, foldSettings);
        result = await deliver(folded.documents, payload, deps.notifier, deadline, folded.told, folded.digestsTold);
      } catch (err) {
        // Nothing was delivered, or delivery itself failed: every claim goes back as it was.
        await releaseAll(claimed.pods, folded?.incidents, folded?.storms);
        throw err;
      }
      return settle(result, claimed, folded, payload.alerts.length);
    },
  };
}
