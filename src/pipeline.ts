/**
 * The webhook pipeline: for each alert, target → evidence → diagnosis → incident → delivery
 * (docs/architecture.md "The flow").
 * Enrichment never loses an alert: whatever could not be read travels in the document's `problems`.
 * What the pipeline remembers changes only after delivery: each pod's and each incident's state is
 * claimed, decided on purely, and committed when its messages were delivered, or released unchanged
 * for Alertmanager's resend. A claim also makes concurrent requests about one pod or one workload
 * take turns, so that one Slack message is posted per incident.
 */
import type { FastifyBaseLogger } from 'fastify';
import { buildDocument, keptLabels } from './alertmanager/document.ts';
import type { WebhookAlert, WebhookPayload } from './alertmanager/payload.ts';
import { raceDeadline } from './deadline.ts';
import type { Diagnosis, DiagnosisDocument } from './diagnosis/document.ts';
import type { Evidence, PodFacts } from './diagnosis/evidence.ts';
import type { MemoryHistorySource } from './history/index.ts';
import { decideFold, leadFirst, type PodAlerts, podStateKey, rememberFiring } from './incidents/alert-folding.ts';
import { decideIncident, type IncidentInput, type IncidentState, incidentKey, workloadOfTarget } from './incidents/incident.ts';
import { decideResolution, firingFacts, type ResolveRead, replacementSelector } from './incidents/resolution.ts';
import { decideStorm, STORM_DEFAULTS, type StormSettings, type StormState, stormKey } from './incidents/storm.ts';
import { podRevisionName, type WorkloadFacts, type WorkloadRef } from './incidents/workload.ts';
import type { Metrics } from './metrics.ts';
import type { DeliveryOutcome, Notifier } from './notify/notifier.ts';
import { createMemoryStore } from './state/memory-store.ts';
import { claimAll, type Held, type StateStore } from './state/store.ts';

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

/** Of the time left when a request starts, the share reading evidence may use; delivery keeps the rest. */
export const EVIDENCE_SHARE = 0.6;

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
  /** Without it, a pod's workload is its controller as the pod names it, with no status or revisions. */
  workloads?: WorkloadSource;
  /** Without it, a resolve that reuses the firing diagnosis does not say how the pod is now. */
  resolvedPods?: ResolvedPodSource;
  /** The alert label naming the cluster (default `cluster`). */
  clusterLabel?: string;
  clock?: () => number;
  /** Which alert leads each pod's message; in memory by default. */
  podAlerts?: StateStore<PodAlerts>;
  /** Prometheus memory history for OOM causes, when PROMETHEUS_URL is set. */
  history?: Pick<MemoryHistorySource, 'enrich'>;
  /** The pods of each workload's incident; in memory by default. */
  incidents?: StateStore<IncidentState>;
  /** When a namespace's new incidents go into one digest. */
  storm?: StormSettings;
  /** Each namespace's recent incidents and digest; in memory by default. */
  storms?: StateStore<StormState>;
}

/** A document on its way to delivery, with what the incident step needs to know about it. */
interface Pending {
  document: DiagnosisDocument;
  podKey?: string;
  pod?: PodFacts;
  facts?: WorkloadFacts;
}

export function createPipeline(deps: PipelineDeps): AlertPipeline {
  const podAlerts = deps.podAlerts ?? createMemoryStore<PodAlerts>();
  const incidents = deps.incidents ?? createMemoryStore<IncidentState>();
  const clusterLabel = deps.clusterLabel ?? 'cluster';
  const storms = deps.storms ?? createMemoryStore<StormState>();
  const stormSettings = deps.storm ?? STORM_DEFAULTS;
  const clock = deps.clock ?? Date.now;

  return {
    async process(payload: WebhookPayload, log: FastifyBaseLogger, options: ProcessOptions = {}): Promise<PipelineOutcome> {
      const { deadline } = options;
      const evidenceDeadline = deadline === undefined ? undefined : clock() + (deadline - clock()) * EVIDENCE_SHARE;
      const alerts = leadFirst(payload.alerts);
      const keyOf = new Map(alerts.map((a) => [a, podStateKey(a.labels, clusterLabel)]));
      const podHeld = await claimAll(podAlerts, defined(keyOf.values()));
      const podStates = new Map([...podHeld].map(([key, h]) => [key, h.value]));
      let incidentHeld = new Map<string, Held<IncidentState>>();
      const incidentStates = new Map<string, IncidentState | undefined>();
      let stormHeld = new Map<string, Held<StormState>>();
      const stormStates = new Map<string, StormState | undefined>();
      const keysOfFingerprint = new Map<string, string[]>();
      let result: DeliveryOutcome;
      try {
        const pending: Pending[] = [];
        const toRead: WebhookAlert[] = [];
        const resolveReads: { item: Pending; read: Promise<ResolveRead> }[] = [];
        for (const alert of alerts) {
          const podKey = keyOf.get(alert);
          if (podKey === undefined) {
            // Without a pod there is nothing to fold on: every such alert speaks for itself.
            toRead.push(alert);
            continue;
          }
          keysOfFingerprint.set(alert.fingerprint, [podKey]);
          const decision = decideFold(podStates.get(podKey), alert);
          podStates.set(podKey, decision.next);
          if (decision.claim.kind === 'folded') {
            log.info(
              { fingerprint: alert.fingerprint, alertname: alert.labels['alertname'], into: decision.claim.into },
              'alert folded into the message of another alert for the same pod',
            );
          } else if (alert.status === 'resolved' && decision.claim.firing !== undefined) {
            const item: Pending = { document: resolvedFrom(decision.claim.firing, alert), podKey };
            pending.push(item);
            const { namespace, pod, owner } = item.document.target;
            if (owner !== undefined) deps.workloads?.forget(alert.labels, namespace, owner);
            const ownerSelector = replacementSelector(item.document.target);
            const options = {
              ...(ownerSelector === undefined ? {} : { ownerSelector }),
              ...(evidenceDeadline === undefined ? {} : { deadline: evidenceDeadline }),
            };
            if (deps.resolvedPods !== undefined && namespace !== '' && pod !== '')
              resolveReads.push({
                item,
                read: deps.resolvedPods
                  .read(alert.labels, namespace, pod, options)
                  .catch((err: unknown): ResolveRead => ({ kind: 'failed', message: err instanceof Error ? err.message : String(err) })),
              });
          } else {
            toRead.push(alert);
          }
        }

        // The owner's reads start now, on the alert's word, in the same round as the pod's.
        const owners = toRead.map((alert) => (deps.workloads === undefined || alert.status !== 'firing' ? undefined : deps.workloads.start(alert.labels)));
        const evidence = toRead.length === 0 ? [] : await deps.evidence.gather(toRead, evidenceDeadline === undefined ? {} : { deadline: evidenceDeadline });
        // The pods of resolved alerts were read alongside the evidence, within the same share of the deadline.
        const resolved = await Promise.all(
          resolveReads.map(async ({ item, read }) => {
            if (evidenceDeadline === undefined) return { item, read: await read };
            const raced = await raceDeadline(read, evidenceDeadline, clock);
            return { item, read: raced.kind === 'done' ? raced.value : ({ kind: 'late' } as const) };
          }),
        );
        for (const { item, read } of resolved) {
          const decision = decideResolution(read, firingFacts(item.document), new Date(clock()));
          item.document = {
            ...item.document,
            resolution: decision.resolution,
            problems: decision.problem === undefined ? item.document.problems : [...item.document.problems, decision.problem],
          };
        }
        const diagnosed = await Promise.all(
          toRead.map(async (alert, i) => {
            const found = evidence[i];
            if (found === undefined) throw new Error(`evidence source returned ${evidence.length} results for ${toRead.length} alerts`);
            const owner = found.pod?.owner;
            if (alert.status === 'resolved' && owner !== undefined && found.pod !== undefined) deps.workloads?.forget(alert.labels, found.pod.namespace, owner);
            const workload = found.pod === undefined ? undefined : owners[i]?.confirm(found.pod);
            const plain = deps.diagnose(found);
            if (deps.history === undefined) return { alert, found, diagnosis: plain, workload: await workload };
            const enriched = await deps.history.enrich(found, plain);
            if (enriched.ms !== undefined) log.debug({ fingerprint: alert.fingerprint, ms: Math.round(enriched.ms) }, 'memory history read');
            const read = enriched.problem === undefined ? found : { ...found, problems: [...found.problems, enriched.problem] };
            return { alert, found: read, diagnosis: enriched.diagnosis, workload: await workload };
          }),
        );
        for (const { alert, found, diagnosis, workload } of diagnosed) {
          if (alert.status === 'firing') deps.metrics.diagnoses.inc({ cause: diagnosis.cause.id, confidence: diagnosis.cause.confidence });
          const document = buildDocument(alert, found, diagnosis);
          // A resolve with no firing message to reuse was read afresh: its evidence says how the pod is now.
          if (alert.status === 'resolved' && document.target.pod !== '')
            document.resolution = decideResolution(readOfEvidence(found), firingFacts(document), new Date(clock())).resolution;
          if (workload !== undefined) document.problems.push(...workload.problems.map(({ source, kind, message }) => ({ source, kind, message })));
          // Kept with the firing document, so that its resolve can find the pod that replaced this one.
          if (workload?.podSelector !== undefined && document.target.owner !== undefined) document.target.ownerSelector = workload.podSelector;
          const item: Pending = { document };
          const podKey = keyOf.get(alert);
          if (podKey !== undefined) item.podKey = podKey;
          if (found.pod !== undefined) item.pod = found.pod;
          if (workload !== undefined) item.facts = workload;
          pending.push(item);
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
        }

        // The incident step: claim every workload this request touches, then decide in order.
        const inputs = pending.map((p) => incidentInput(p, clusterLabel, new Date(clock()).toISOString()));
        incidentHeld = await claimAll(incidents, defined(inputs.map((i) => i?.key)));
        for (const [key, h] of incidentHeld) incidentStates.set(key, h.value);
        const stormKeyOf = (input: { input: IncidentInput }): string => stormKey(input.input.cluster, input.input.document.target.namespace);
        stormHeld = await claimAll(storms, defined(inputs.map((i) => (i === undefined ? undefined : stormKeyOf(i)))));
        for (const [key, h] of stormHeld) stormStates.set(key, h.value);
        const now = new Date(clock()).toISOString();
        const documents = pending.map((p, i) => {
          const input = inputs[i];
          let document = p.document;
          if (input !== undefined) {
            const decision = decideIncident(incidentStates.get(input.key), input.input);
            incidentStates.set(input.key, decision.next);
            document = decision.document;
            const sKey = stormKeyOf(input);
            const incident = document.incident;
            if (incident !== undefined) {
              const storm = decideStorm(stormStates.get(sKey), incident, document.target.namespace, now, stormSettings);
              stormStates.set(sKey, storm.next);
              if (storm.storm !== undefined) document = { ...document, incident: { ...incident, storm: storm.storm } };
            }
            keysOfFingerprint.set(document.alert.fingerprint, [...(keysOfFingerprint.get(document.alert.fingerprint) ?? []), input.key, sKey]);
          }
          if (p.podKey !== undefined) podStates.set(p.podKey, rememberFiring(podStates.get(p.podKey), document));
          return document;
        });

        result =
          documents.length === 0
            ? { kind: 'delivered', permanentFailures: [] }
            : await deps.notifier.deliver({
                groupKey: payload.groupKey,
                receiver: payload.receiver,
                externalURL: payload.externalURL,
                documents,
                ...(deadline === undefined ? {} : { deadline }),
              });
      } catch (err) {
        await Promise.all([...podHeld.values(), ...incidentHeld.values(), ...stormHeld.values()].map((h) => h.release()));
        throw err;
      }
      const undelivered = new Set(result.kind === 'delivered' ? [] : result.failures.flatMap((f) => keysOfFingerprint.get(f.fingerprint) ?? []));
      const settle = <T>(held: Map<string, Held<T>>, states: Map<string, T | undefined>): Promise<void>[] =>
        [...held].map(([key, h]) => (undelivered.has(key) ? h.release() : h.commit(states.get(key))));
      await Promise.all([...settle(podHeld, podStates), ...settle(incidentHeld, incidentStates), ...settle(stormHeld, stormStates)]);
      return result.kind === 'delivered'
        ? { kind: 'delivered', alerts: payload.alerts.length }
        : { kind: 'retry-later', alerts: payload.alerts.length, failures: result.failures };
    },
  };
}

/** The incident a document belongs to; none for an alert that names no pod. */
function incidentInput(p: Pending, clusterLabel: string, now: string): { key: string; input: IncidentInput } | undefined {
  const { document } = p;
  if (document.target.pod === '' || document.target.namespace === '') return undefined;
  const workload = p.facts?.workload ?? document.incident?.workload ?? workloadOfTarget(document.target);
  const cluster = document.alert.labels[clusterLabel];
  const input: IncidentInput = { document, workload, now };
  if (cluster !== undefined && cluster !== '') input.cluster = cluster;
  if (p.facts !== undefined) input.facts = p.facts;
  const revision = p.pod === undefined ? undefined : podRevisionName(p.pod, workload);
  if (revision !== undefined) input.podRevision = revision;
  return { key: incidentKey(input.cluster, document.target.namespace, workload), input };
}

function defined(values: Iterable<string | undefined>): string[] {
  return [...values].filter((v): v is string => v !== undefined);
}

/** The pod read as evidence, as the resolve decision takes it; its problems are in the document already. */
function readOfEvidence(found: Evidence): ResolveRead {
  if (found.pod !== undefined) return { kind: 'pod', pod: found.pod };
  const problem = found.problems.find((p) => p.source === 'pod');
  if (problem?.kind === 'not-found') return { kind: 'gone' };
  return { kind: 'failed', message: problem?.message ?? 'the pod was not read' };
}

/** The resolved message reuses the firing diagnosis: the pod is often gone by the time it resolves. */
function resolvedFrom(firing: DiagnosisDocument, alert: WebhookAlert): DiagnosisDocument {
  return {
    ...firing,
    status: 'resolved',
    alert: {
      ...firing.alert,
      labels: keptLabels(alert.labels),
      annotations: keptLabels(alert.annotations),
      ...(alert.endsAt !== '' ? { endsAt: alert.endsAt } : {}),
    },
  };
}
