/**
 * One container's spec and status → `ContainerFacts`. Env keeps names and references only: literal
 * values are dropped (they may be secrets) except the runtime memory settings in `RUNTIME_ENV_VARS`.
 */
import type { V1Container, V1ContainerStatus, V1EnvVar, V1Probe } from '@kubernetes/client-node';
import {
  type ContainerFacts,
  type EnvFacts,
  type EnvFromFacts,
  type ProbeFacts,
  type ProbeHandler,
  type ResourceFacts,
  RUNTIME_ENV_VARS,
  type SecurityFacts,
} from '../diagnosis/evidence.ts';
import { containerState } from './container-state.ts';
import { parseImageRef } from './image-ref.ts';

const KEEP_VALUE: ReadonlySet<string> = new Set(RUNTIME_ENV_VARS);

export function containerFacts(spec: V1Container, status: V1ContainerStatus | undefined, init: boolean): ContainerFacts {
  const image = spec.image ?? status?.image ?? '';
  const ref = parseImageRef(image);
  const facts: ContainerFacts = {
    name: spec.name,
    init,
    image,
    restartCount: status?.restartCount ?? 0,
    ready: status?.ready ?? false,
    resources: resourceFacts(spec),
    probes: {},
    command: spec.command ?? [],
    args: spec.args ?? [],
    ports: (spec.ports ?? []).map((p) => {
      const port: ContainerFacts['ports'][number] = { containerPort: p.containerPort, protocol: p.protocol ?? 'TCP' };
      if (p.name !== undefined) port.name = p.name;
      return port;
    }),
    env: (spec.env ?? []).map(envFacts),
    envFrom: (spec.envFrom ?? []).flatMap(envFromFacts),
    volumeMounts: (spec.volumeMounts ?? []).map((m) => ({
      name: m.name,
      mountPath: m.mountPath,
      readOnly: m.readOnly ?? false,
      ...(m.subPath === undefined || m.subPath === '' ? {} : { subPath: m.subPath }),
    })),
  };
  if (init && spec.restartPolicy === 'Always') facts.restartPolicy = 'Always';
  const security = securityFacts(spec.securityContext);
  if (security !== undefined) facts.securityContext = security;
  if (ref.tag !== undefined) facts.imageTag = ref.tag;
  if (ref.digest !== undefined) facts.imageDigest = ref.digest;
  const state = containerState(status?.state);
  const lastState = containerState(status?.lastState);
  if (state !== undefined) facts.state = state;
  if (lastState !== undefined) facts.lastState = lastState;
  const liveness = probeFacts(spec.livenessProbe);
  const readiness = probeFacts(spec.readinessProbe);
  const startup = probeFacts(spec.startupProbe);
  if (liveness !== undefined) facts.probes.liveness = liveness;
  if (readiness !== undefined) facts.probes.readiness = readiness;
  if (startup !== undefined) facts.probes.startup = startup;
  return facts;
}

/** Quantities stay as written (`512Mi`, `500m`): the diagnosis quotes them back in remedies. */
function resourceFacts(spec: V1Container): ResourceFacts {
  const pick = (list: Record<string, string> | undefined): { cpu?: string; memory?: string } => {
    const out: { cpu?: string; memory?: string } = {};
    if (list?.['cpu'] !== undefined) out.cpu = String(list['cpu']);
    if (list?.['memory'] !== undefined) out.memory = String(list['memory']);
    return out;
  };
  return { requests: pick(spec.resources?.requests), limits: pick(spec.resources?.limits) };
}

/** Defaults from the core/v1 API (`Probe` field docs), filled so rules can do arithmetic. */
export function probeFacts(probe: V1Probe | undefined): ProbeFacts | undefined {
  if (probe === undefined) return undefined;
  const handler = probeHandler(probe);
  if (handler === undefined) return undefined;
  return {
    handler,
    initialDelaySeconds: probe.initialDelaySeconds ?? 0,
    periodSeconds: probe.periodSeconds ?? 10,
    timeoutSeconds: probe.timeoutSeconds ?? 1,
    failureThreshold: probe.failureThreshold ?? 3,
    successThreshold: probe.successThreshold ?? 1,
  };
}

function probeHandler(probe: V1Probe): ProbeHandler | undefined {
  if (probe.httpGet !== undefined) {
    const scheme = probe.httpGet.scheme === 'HTTPS' ? 'HTTPS' : 'HTTP';
    return { kind: 'http', path: probe.httpGet.path ?? '/', port: probe.httpGet.port, scheme };
  }
  if (probe.tcpSocket !== undefined) return { kind: 'tcp', port: probe.tcpSocket.port };
  if (probe.grpc !== undefined) {
    const grpc: ProbeHandler = { kind: 'grpc', port: probe.grpc.port };
    if (probe.grpc.service !== undefined && probe.grpc.service !== '') grpc.service = probe.grpc.service;
    return grpc;
  }
  if (probe.exec !== undefined) return { kind: 'exec', command: probe.exec.command ?? [] };
  return undefined;
}

function envFacts(env: V1EnvVar): EnvFacts {
  const from = env.valueFrom;
  if (from?.configMapKeyRef !== undefined) {
    const r = from.configMapKeyRef;
    return { name: env.name, from: { kind: 'configMapKeyRef', name: r.name ?? '', key: r.key, optional: r.optional ?? false } };
  }
  if (from?.secretKeyRef !== undefined) {
    const r = from.secretKeyRef;
    return { name: env.name, from: { kind: 'secretKeyRef', name: r.name ?? '', key: r.key, optional: r.optional ?? false } };
  }
  if (from?.fieldRef !== undefined) return { name: env.name, from: { kind: 'fieldRef' } };
  if (from?.resourceFieldRef !== undefined) return { name: env.name, from: { kind: 'resourceFieldRef' } };
  // A literal value (or a source this version does not model, e.g. fileKeyRef): the value is kept
  // only for the runtime memory settings that findings read.
  const refs = env.value === undefined ? [] : variableRefs(env.value);
  const kept = KEEP_VALUE.has(env.name) && env.value !== undefined ? { value: env.value } : {};
  return { name: env.name, from: { kind: 'value', ...kept, ...(refs.length === 0 ? {} : { refs }) } };
}

/**
 * The names a value refers to as `$(NAME)`, the kubelet's dependent-variable syntax (`$$(NAME)` is
 * the escaped literal): https://kubernetes.io/docs/tasks/inject-data-application/define-interdependent-environment-variables/
 */
export function variableRefs(value: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < value.length; i++) {
    if (value[i] !== '$') continue;
    if (value[i + 1] === '$') {
      i++;
      continue;
    }
    if (value[i + 1] !== '(') continue;
    const end = value.indexOf(')', i + 2);
    if (end < 0) break;
    const name = value.slice(i + 2, end);
    if (name !== '' && !out.includes(name)) out.push(name);
    i = end;
  }
  return out;
}

function envFromFacts(source: {
  configMapRef?: { name?: string; optional?: boolean };
  secretRef?: { name?: string; optional?: boolean };
  prefix?: string;
}): EnvFromFacts[] {
  const out: EnvFromFacts[] = [];
  const add = (kind: EnvFromFacts['kind'], ref: { name?: string; optional?: boolean }): void => {
    const facts: EnvFromFacts = { kind, name: ref.name ?? '', optional: ref.optional ?? false };
    if (source.prefix !== undefined && source.prefix !== '') facts.prefix = source.prefix;
    out.push(facts);
  };
  if (source.configMapRef !== undefined) add('configMap', source.configMapRef);
  if (source.secretRef !== undefined) add('secret', source.secretRef);
  return out;
}

/** The securityContext fields the diagnosis reads; undefined when none is set. */
export function securityFacts(
  sc:
    | {
        readOnlyRootFilesystem?: boolean;
        runAsUser?: number;
        runAsGroup?: number;
        runAsNonRoot?: boolean;
        fsGroup?: number;
        seccompProfile?: { type?: string };
      }
    | undefined,
): SecurityFacts | undefined {
  if (sc === undefined) return undefined;
  const out: SecurityFacts = {};
  if (sc.readOnlyRootFilesystem !== undefined) out.readOnlyRootFilesystem = sc.readOnlyRootFilesystem;
  if (sc.runAsUser !== undefined) out.runAsUser = sc.runAsUser;
  if (sc.runAsGroup !== undefined) out.runAsGroup = sc.runAsGroup;
  if (sc.runAsNonRoot !== undefined) out.runAsNonRoot = sc.runAsNonRoot;
  if (sc.fsGroup !== undefined) out.fsGroup = sc.fsGroup;
  if (sc.seccompProfile?.type !== undefined) out.seccompProfile = sc.seccompProfile.type;
  return Object.keys(out).length === 0 ? undefined : out;
}
