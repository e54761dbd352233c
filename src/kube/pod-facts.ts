/**
 * `V1Pod` → `PodFacts`: everything `kubectl describe pod` shows that a diagnosis rule reads, as plain
 * data. Pure; accepts both client-deserialized pods (Date fields) and raw JSON (string times).
 */
import type { V1ContainerStatus, V1NodeSelectorRequirement, V1NodeSelectorTerm, V1Pod } from '@kubernetes/client-node';
import type { NodeRequirement } from '../diagnosis/cluster-facts.ts';
import type { ContainerFacts, PodFacts } from '../diagnosis/evidence.ts';
import { containerFacts, securityFacts } from './container-facts.ts';
import { ownerFacts } from './owner.ts';
import { isoTime } from './time.ts';
import { volumeFacts } from './volume-facts.ts';

export function podFacts(pod: V1Pod): PodFacts {
  const meta = pod.metadata;
  const spec = pod.spec;
  const status = pod.status;
  const statusOf = (list: V1ContainerStatus[] | undefined, name: string): V1ContainerStatus | undefined => (list ?? []).find((s) => s.name === name);
  const facts: PodFacts = {
    name: meta?.name ?? '',
    namespace: meta?.namespace ?? '',
    restartPolicy: restartPolicy(spec?.restartPolicy),
    conditions: (status?.conditions ?? []).map((c) => {
      const cond: PodFacts['conditions'][number] = { type: c.type, status: c.status };
      if (c.reason !== undefined && c.reason !== '') cond.reason = c.reason;
      if (c.message !== undefined && c.message !== '') cond.message = c.message;
      return cond;
    }),
    labels: { ...(meta?.labels ?? {}) },
    containers: (spec?.containers ?? []).map((c) => containerFacts(c, statusOf(status?.containerStatuses, c.name), false)),
    initContainers: (spec?.initContainers ?? []).map((c) => containerFacts(c, statusOf(status?.initContainerStatuses, c.name), true)),
    volumes: (spec?.volumes ?? []).map(volumeFacts),
  };
  if (meta?.uid !== undefined) facts.uid = meta.uid;
  if (status?.phase !== undefined) facts.phase = status.phase;
  if (spec?.nodeName !== undefined) facts.nodeName = spec.nodeName;
  if (status?.qosClass !== undefined) facts.qosClass = status.qosClass;
  if (spec?.serviceAccountName !== undefined) facts.serviceAccountName = spec.serviceAccountName;
  if (spec?.enableServiceLinks !== undefined) facts.enableServiceLinks = spec.enableServiceLinks;
  if (spec?.nodeSelector !== undefined && Object.keys(spec.nodeSelector).length > 0) facts.nodeSelector = { ...spec.nodeSelector };
  const terms = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (terms !== undefined && terms.length > 0) facts.requiredNodeTerms = terms.map(nodeTerm);
  const security = securityFacts(spec?.securityContext);
  if (security !== undefined) facts.securityContext = security;
  const startTime = isoTime(status?.startTime);
  if (startTime !== undefined) facts.startTime = startTime;
  const deletion = isoTime(meta?.deletionTimestamp);
  if (deletion !== undefined) facts.deletionTimestamp = deletion;
  // A deletion may shorten the grace (`kubectl delete --grace-period`); that one is what the kubelet used.
  const grace = meta?.deletionGracePeriodSeconds ?? spec?.terminationGracePeriodSeconds;
  if (grace !== undefined) facts.terminationGracePeriodSeconds = grace;
  if (spec?.activeDeadlineSeconds !== undefined) facts.activeDeadlineSeconds = spec.activeDeadlineSeconds;
  if (status?.reason !== undefined && status.reason !== '') facts.reason = status.reason;
  if (status?.message !== undefined && status.message !== '') facts.message = status.message;
  const owner = ownerFacts(meta);
  if (owner.owner !== undefined) facts.owner = owner.owner;
  if (owner.controllerRef !== undefined) facts.controllerRef = owner.controllerRef;
  return facts;
}

/** The container by name, looking at app containers first and then init containers. */
export function findContainer(pod: PodFacts, name: string): ContainerFacts | undefined {
  return pod.containers.find((c) => c.name === name) ?? pod.initContainers.find((c) => c.name === name);
}

/** The API default is `Always` (core/v1 PodSpec). */
function restartPolicy(value: string | undefined): PodFacts['restartPolicy'] {
  return value === 'OnFailure' || value === 'Never' ? value : 'Always';
}

/** A node selector term's requirements, label expressions first, then field ones (`metadata.name`). */
function nodeTerm(term: V1NodeSelectorTerm): NodeRequirement[] {
  const requirement = (r: V1NodeSelectorRequirement, field: boolean): NodeRequirement => ({
    key: r.key,
    operator: r.operator,
    values: [...(r.values ?? [])],
    ...(field ? { field: true as const } : {}),
  });
  return [...(term.matchExpressions ?? []).map((r) => requirement(r, false)), ...(term.matchFields ?? []).map((r) => requirement(r, true))];
}
