/**
 * One alert's evidence: the pod, the container's log and the pod's events, read in parallel where
 * they do not depend on each other, with every failure kept as a `problems` entry. Cost: 3 API calls;
 * one more when a long-lined log needs a second, smaller read; one more when the pod shows a kill or
 * an eviction that the node may explain (the node read); one more when the log the alert's container
 * pointed at is the wrong one (an init container blocks it, or a first run has no previous log and
 * its current log is read instead); one more when the log names a host that does not resolve, or
 * that an init container waits for (the Services of that name, after the log:
 * src/diagnosis/service-query.ts); one per claim and one more when the scheduler says a claim the
 * pod mounts is unbound (the claims and the StorageClasses: src/diagnosis/claim-query.ts decides).
 * When the alert does not name the container, the log read waits for the pod to pick one.
 */
import type { CoreV1Event } from '@kubernetes/client-node';
import { claimQuery } from '../diagnosis/claim-query.ts';
import type { NodeFacts } from '../diagnosis/cluster-facts.ts';
import type { ContainerFacts, Evidence, LogFacts, PodFacts, Problem } from '../diagnosis/evidence.ts';
import { serviceQuery } from '../diagnosis/service-query.ts';
import { eventsNewestFirst } from './event-facts.ts';
import { blockingInitContainer } from './init-containers.ts';
import { classifyKubeError, type KubeReadError } from './kube-error.ts';
import { nodeFacts } from './node-facts.ts';
import { findContainer, podFacts } from './pod-facts.ts';
import { DEFAULT_LOG_REQUEST, readLogFacts } from './previous-log.ts';
import { problemFromError, type ReadContext } from './problems.ts';
import type { KubeReader, LogRequest } from './reader.ts';
import { serviceFacts, serviceRead } from './service-facts.ts';
import { readStorage } from './storage-facts.ts';
import { invalidLabelProblems, type KubeTarget, missingLabelProblem, selectFailingContainer } from './target.ts';

export interface GatherDeps {
  kube: KubeReader;
  /** Bounds of the previous-log read; default 200 lines and 64 KiB. */
  log?: Partial<LogRequest>;
}

/** Bounds of one webhook request's reads (see gather-for-alerts). */
export interface RequestBounds {
  /** Evidence not read by then (ms since the epoch) is replaced by a timeout problem, so that delivery keeps its share of the budget. */
  deadline?: number;
  /** Most API calls this request may have in flight, so that one group's slow reads leave room for another's. */
  maxInFlight?: number;
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: KubeReadError };

const settle = <T>(promise: Promise<T>): Promise<Settled<T>> =>
  promise.then(
    (value) => ({ ok: true as const, value }),
    (err: unknown) => ({ ok: false as const, error: classifyKubeError(err, 0) }),
  );

/** Failures that come from the connection or the pod itself: said once, for the pod, not per read. */
const SHARED_CAUSES = new Set(['not-found', 'unauthorized', 'connection', 'tls']);

export async function gatherEvidence(deps: GatherDeps, target: KubeTarget, now: Date): Promise<Evidence> {
  const evidence: Evidence = { now: now.toISOString(), target: evidenceTarget(target), events: [], problems: [] };
  const missing = missingLabelProblem(target);
  if (missing !== undefined || target.namespace === undefined || target.pod === undefined) {
    if (missing !== undefined) evidence.problems.push(missing);
    return evidence;
  }
  const invalid = invalidLabelProblems(target);
  if (invalid.length > 0) {
    evidence.problems.push(...invalid);
    return evidence;
  }
  const ctx: ReadContext = { namespace: target.namespace, pod: target.pod };
  const logRequest: LogRequest = { ...DEFAULT_LOG_REQUEST, ...deps.log };
  const readLog = (container: string, previous = true): Promise<Settled<LogFacts>> =>
    settle(readLogFacts(deps.kube, { ...ctx, container }, logRequest, previous));

  // The pod is asked for last of the three when the alert names the container: with a free slot all
  // three start at once anyway, and in a storm the limiter serves a request's calls in the order asked,
  // so the pod read waits longest and finds the most pods of its ReplicaSet to share a list with
  // (pod-batch.ts). Without a named container the log waits for the pod, so the pod goes first.
  const readPod = () => settle(deps.kube.readPod(ctx.namespace, ctx.pod));
  const podFirst = target.container === undefined ? readPod() : undefined;
  // Started before the pod is known, on the alert's word; replaced below if the pod says otherwise.
  let logRead = target.container === undefined ? undefined : { container: target.container, read: readLog(target.container) };
  const eventsRead = settle(deps.kube.listPodEvents(ctx.namespace, ctx.pod));
  const podRead = podFirst ?? readPod();
  let nodeRead: Promise<Settled<NodeFacts>> | undefined;
  let storageRead: ReturnType<typeof readStorage> | undefined;

  const pod = await podRead;
  const problems: Problem[] = [];
  let facts: PodFacts | undefined;
  if (pod.ok) {
    facts = podFacts(pod.value);
    evidence.pod = facts;
    const container = chooseContainer(facts, target, problems);
    if (container !== undefined) {
      evidence.container = container;
      evidence.target.container = container.name;
      // No terminated instance yet (ContainerCreating, CreateContainerConfigError…): no previous log
      // exists, so the read is skipped rather than spent on a certain 400. A first run that ended,
      // or runs without becoming ready, has only a current log: that one is read.
      const previous = container.lastState?.kind === 'terminated';
      const current = !previous && (container.state?.kind === 'terminated' || (container.state?.kind === 'running' && !container.ready));
      const alreadyReading = logRead?.container === container.name;
      if (previous || current) {
        if (!(alreadyReading && previous)) logRead = { container: container.name, read: readLog(container.name, previous) };
      } else if (!alreadyReading) {
        logRead = undefined;
      }
    }
    const claims = claimQuery(facts);
    if (claims.length > 0) storageRead = readStorage(deps.kube, claims, ctx);
    if (facts.nodeName !== undefined && nodeMayExplain(facts, container)) nodeRead = settle(deps.kube.readNode(facts.nodeName).then(nodeFacts));
    if (target.uid !== undefined && facts.uid !== undefined && target.uid !== facts.uid) {
      problems.push({
        source: 'pod',
        kind: 'other',
        message: `pod "${ctx.namespace}/${ctx.pod}" was replaced since the alert fired (uid ${target.uid} → ${facts.uid}); showing the current pod`,
      });
    }
  } else {
    problems.push(problemFromError('pod', pod.error, ctx));
  }

  const events = await eventsRead;
  if (events.ok) evidence.events = eventsNewestFirst(samePodInstance(events.value, facts?.uid ?? target.uid));
  else problems.push(problemFromError('events', events.error, ctx));

  if (logRead !== undefined) {
    const log = await logRead.read;
    const container = evidence.target.container;
    if (log.ok) evidence.log = log.value;
    else if (!(log.error.kind === 'no-previous-log' && neverTerminated(evidence.container))) {
      problems.push(problemFromError('logs', log.error, container === undefined ? ctx : { ...ctx, container }));
    }
  }
  // Only once pod, log and events are in: what the log names decides whether Services are read at all.
  const query = serviceQuery(evidence);
  if (query !== undefined) {
    const read = serviceRead(query);
    const services = await settle(deps.kube.listServices(read.namespace, read.selector));
    if (services.ok) evidence.services = { query, found: serviceFacts(services.value) };
    else
      problems.push(
        problemFromError('services', services.error, { ...ctx, namespace: read.namespace ?? ctx.namespace, clusterWide: read.namespace === undefined }),
      );
  }
  if (storageRead !== undefined) {
    const { storage, problems: unread } = await storageRead;
    if (storage !== undefined) evidence.storage = storage;
    problems.push(...unread);
  }
  if (nodeRead !== undefined && facts?.nodeName !== undefined) {
    const node = await nodeRead;
    if (node.ok) evidence.node = node.value;
    else problems.push(problemFromError('node', node.error, { ...ctx, node: facts.nodeName }));
  }
  evidence.problems = dedupe(problems);
  return evidence;
}

/**
 * A container that has not run to an end yet (ContainerCreating, CreateContainerConfigError,
 * ImagePullBackOff) has no previous log by nature: its absence is no gap in the evidence.
 */
function neverTerminated(container: ContainerFacts | undefined): boolean {
  return container !== undefined && container.lastState?.kind !== 'terminated' && container.state?.kind !== 'terminated' && container.restartCount === 0;
}

export function evidenceTarget(target: KubeTarget): Evidence['target'] {
  const out: Evidence['target'] = {};
  if (target.namespace !== undefined) out.namespace = target.namespace;
  if (target.pod !== undefined) out.pod = target.pod;
  if (target.container !== undefined) out.container = target.container;
  if (target.alertReason !== undefined) out.alertReason = target.alertReason;
  return out;
}

/**
 * The node is read (one `get nodes`) only when it may explain what happened: a SIGKILL the runtime
 * did not record as OOMKilled (a node-level OOM kill, memory pressure), or an eviction for node
 * pressure. A deletion explains its own SIGKILL (the grace period ran out), so it costs no read.
 */
function nodeMayExplain(pod: PodFacts, container: ContainerFacts | undefined): boolean {
  if (pod.reason === 'Evicted') return true;
  if (pod.deletionTimestamp !== undefined || container === undefined) return false;
  const t = container.state?.kind === 'terminated' ? container.state : container.lastState?.kind === 'terminated' ? container.lastState : undefined;
  return t !== undefined && t.reason !== 'OOMKilled' && t.reason !== 'ContainerStatusUnknown' && (t.signal === 9 || t.exitCode === 137);
}

function chooseContainer(pod: PodFacts, target: KubeTarget, problems: Problem[]): ContainerFacts | undefined {
  // An init container that blocks the pod is the one to diagnose, whichever app container the alert names.
  const blocking = blockingInitContainer(pod);
  if (blocking !== undefined && (target.container === undefined || pod.containers.some((c) => c.name === target.container))) return blocking;
  if (target.container === undefined) return selectFailingContainer(pod);
  const named = findContainer(pod, target.container);
  if (named === undefined) {
    const names = [...pod.initContainers, ...pod.containers].map((c) => c.name).join(', ');
    problems.push({
      source: 'pod',
      kind: 'no-container',
      message: `pod "${pod.namespace}/${pod.name}" has no container "${target.container}" (it has: ${names}); it was probably replaced by a new version`,
    });
  }
  return named;
}

/**
 * Events are listed by pod name, which a StatefulSet's replacement pod shares with its predecessor;
 * keep those of this instance (and the few that carry no uid).
 */
function samePodInstance(events: CoreV1Event[], uid: string | undefined): CoreV1Event[] {
  if (uid === undefined) return events;
  return events.filter((e) => e.involvedObject.uid === undefined || e.involvedObject.uid === '' || e.involvedObject.uid === uid);
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    if (!SHARED_CAUSES.has(p.kind) || p.source === 'node') return true;
    if (seen.has(p.kind)) return false;
    seen.add(p.kind);
    return true;
  });
}
