/**
 * A bench case (bench/cases/<id>/) as the cluster it came from, served by the fake API server
 * (fake-kube-api.ts), so that the commands a message suggests run against the objects the evidence
 * names: the pod (unless the evidence says it is gone), its events and previous log, its node, its
 * owner (a Deployment also gets the ReplicaSet the pod belongs to), its namespace, and the
 * ConfigMaps, Secrets and PersistentVolumeClaims its spec references, unless the events say they are
 * not found, and the Services of services.json (with their namespaces); a claim of claims.json as written there, with the StorageClasses of storageclasses.json. A key the events say is missing is left out of its ConfigMap or Secret. Secrets carry
 * key names only (each value "x"): nothing here is a secret.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DiagnosisDocument } from '../../src/diagnosis/document.ts';
import type { FakeKubeApiOptions, FakeLog } from './fake-kube-api.ts';
import { workloadManifest } from './kubectl.ts';

type Raw = Record<string, unknown>;

export const BENCH_CASES_DIR = join(import.meta.dirname, '..', '..', 'bench', 'cases');

const readJson = <T>(path: string): T | undefined => (existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : undefined);

interface PodSpecRefs {
  volumes?: {
    configMap?: { name: string; items?: { key: string }[] };
    secret?: { secretName: string; items?: { key: string }[] };
    persistentVolumeClaim?: { claimName: string };
    projected?: { sources?: { configMap?: { name: string; items?: { key: string }[] }; secret?: { name: string; items?: { key: string }[] } }[] };
  }[];
  containers?: ContainerRefs[];
  initContainers?: ContainerRefs[];
}
interface ContainerRefs {
  env?: { valueFrom?: { configMapKeyRef?: { name: string; key: string }; secretKeyRef?: { name: string; key: string } } }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
}

/** What the events say is missing: objects (`configmap "x" not found`) and keys (`couldn't find key K in ConfigMap ns/x`). */
export function missingInEvents(events: readonly Raw[]): { objects: Set<string>; keys: Set<string> } {
  const objects = new Set<string>();
  const keys = new Set<string>();
  for (const e of events) {
    const message = String(e['message'] ?? '');
    for (const m of message.matchAll(/\b(configmaps?|secrets?|persistentvolumeclaims?|nodes?)\s+"([^"]+)"\s+not found/gi))
      objects.add(`${(m[1] ?? '').toLowerCase().replace(/s$/, '')}/${m[2]}`);
    for (const m of message.matchAll(/couldn't find key (\S+) in (ConfigMap|Secret) [^/\s]+\/(\S+)/g))
      keys.add(`${(m[2] ?? '').toLowerCase()}/${m[3]}/${m[1]}`);
  }
  return { objects, keys };
}

/** The names and keys of every ConfigMap, Secret and claim the pod spec references. */
function references(spec: PodSpecRefs): { configmap: Map<string, Set<string>>; secret: Map<string, Set<string>>; claims: Set<string> } {
  const configmap = new Map<string, Set<string>>();
  const secret = new Map<string, Set<string>>();
  const claims = new Set<string>();
  const add = (into: Map<string, Set<string>>, name: string, keys: readonly string[] = []): void => {
    const set = into.get(name) ?? new Set<string>();
    for (const k of keys) set.add(k);
    into.set(name, set);
  };
  for (const v of spec.volumes ?? []) {
    if (v.configMap !== undefined)
      add(
        configmap,
        v.configMap.name,
        (v.configMap.items ?? []).map((i) => i.key),
      );
    if (v.secret !== undefined)
      add(
        secret,
        v.secret.secretName,
        (v.secret.items ?? []).map((i) => i.key),
      );
    if (v.persistentVolumeClaim !== undefined) claims.add(v.persistentVolumeClaim.claimName);
    for (const s of v.projected?.sources ?? []) {
      if (s.configMap !== undefined)
        add(
          configmap,
          s.configMap.name,
          (s.configMap.items ?? []).map((i) => i.key),
        );
      if (s.secret !== undefined)
        add(
          secret,
          s.secret.name,
          (s.secret.items ?? []).map((i) => i.key),
        );
    }
  }
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
    for (const e of c.env ?? []) {
      const cm = e.valueFrom?.configMapKeyRef;
      const sk = e.valueFrom?.secretKeyRef;
      if (cm !== undefined) add(configmap, cm.name, [cm.key]);
      if (sk !== undefined) add(secret, sk.name, [sk.key]);
    }
    for (const f of c.envFrom ?? []) {
      if (f.configMapRef !== undefined) add(configmap, f.configMapRef.name);
      if (f.secretRef !== undefined) add(secret, f.secretRef.name);
    }
  }
  return { configmap, secret, claims };
}

export interface BenchCluster {
  options: FakeKubeApiOptions;
  /** `kind/name` of the objects the evidence says are gone (a pod, a node, a ConfigMap…): a read of one is not a command that runs. */
  gone: Set<string>;
  /** `kind/name` of objects that exist but that the evidence could not read (a 403): the fake cannot serve them. */
  unread: Set<string>;
}

/** The fake API server's content for bench case `id`, whose document is `doc`. */
export function benchCluster(id: string, doc: DiagnosisDocument): BenchCluster {
  const at = (f: string): string => join(BENCH_CASES_DIR, id, f);
  const pod = readJson<Raw & { spec?: PodSpecRefs & { nodeName?: string }; metadata?: { namespace?: string; name?: string } }>(at('pod.json'));
  const events = readJson<Raw[]>(at('events.json')) ?? [];
  const node = readJson<Raw>(at('node.json'));
  const services = readJson<Raw[]>(at('services.json')) ?? [];
  const claims = readJson<Raw[]>(at('claims.json')) ?? [];
  const written = new Set(claims.map((c) => String((c['metadata'] as { name?: string } | undefined)?.name)));
  const caseFile = readJson<{ logCurrent?: boolean; problems?: { source: string; kind: string }[] }>(at('case.json')) ?? {};
  const namespace = doc.target.namespace;
  const missing = missingInEvents(events);
  const gone = new Set(missing.objects);
  if (pod === undefined && (caseFile.problems ?? []).some((p) => p.source === 'pod' && p.kind === 'not-found')) gone.add(`pod/${doc.target.pod}`);
  // kube-system is in every cluster; kubectl reads a namespace when an object in it is not found.
  const serviceNamespaces = services.map((s) => String((s['metadata'] as { namespace?: string }).namespace));
  const objects: Raw[] = [...new Set([namespace, 'kube-system', ...serviceNamespaces])].map((name) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name },
  }));
  objects.push(...services);
  const nodes: Raw[] = [];
  const logs: FakeLog[] = [];
  if (pod !== undefined) {
    const owner = doc.target.owner;
    if (owner !== undefined && ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(owner.kind)) {
      const manifest = withoutHashLabels(workloadManifest(pod as never, owner));
      objects.push(manifest);
      const rs = ((pod['metadata'] as { ownerReferences?: { kind: string; name: string }[] }).ownerReferences ?? []).find((o) => o.kind === 'ReplicaSet');
      if (owner.kind === 'StatefulSet' || owner.kind === 'DaemonSet') controllerHistory(manifest, objects);
      if (owner.kind === 'Deployment' && rs !== undefined) {
        // One earlier revision, as a Deployment that was ever updated has: `rollout undo` and `history` need it.
        Object.assign(manifest['metadata'] as Raw, { uid: 'deployment-uid', annotations: { 'deployment.kubernetes.io/revision': '2' } });
        const template = (manifest['spec'] as Raw)['template'] as Raw;
        const labels = (manifest['metadata'] as Raw)['labels'];
        objects.push({
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          metadata: {
            name: `${owner.name}-previous`,
            namespace,
            uid: 'previous-replicaset-uid',
            labels,
            annotations: { 'deployment.kubernetes.io/revision': '1' },
            ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: owner.name, uid: 'deployment-uid', controller: true }],
          },
          spec: {
            replicas: 0,
            selector: (manifest['spec'] as Raw)['selector'],
            template: {
              ...template,
              // The earlier template differs (as a restart or an image change makes it), so kubectl tells the two apart.
              metadata: {
                labels: { ...(labels as object), 'pod-template-hash': 'previous' },
                annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-04-01T00:00:00Z' },
              },
            },
          },
        });
        objects.push({
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          metadata: {
            name: rs.name,
            namespace,
            uid: 'current-replicaset-uid',
            labels: (manifest['metadata'] as Raw)['labels'],
            annotations: { 'deployment.kubernetes.io/revision': '2' },
            ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: owner.name, uid: 'deployment-uid', controller: true }],
          },
          spec: manifest['spec'] as Raw,
        });
      }
    }
    const nodeName = pod.spec?.nodeName;
    if (node !== undefined) nodes.push(node);
    else if (nodeName === undefined) nodes.push(nodeObject('node-1'));
    else if (!gone.has(`node/${nodeName}`)) nodes.push(nodeObject(nodeName));
    const refs = references(pod.spec ?? {});
    for (const [kind, into] of [
      ['configmap', refs.configmap],
      ['secret', refs.secret],
    ] as const)
      for (const [name, keys] of into) {
        if (gone.has(`${kind}/${name}`)) continue;
        const data = Object.fromEntries([...keys].filter((k) => !missing.keys.has(`${kind}/${name}/${k}`)).map((k) => [k, kind === 'secret' ? 'eA==' : 'x']));
        objects.push({ apiVersion: 'v1', kind: kind === 'secret' ? 'Secret' : 'ConfigMap', metadata: { name, namespace }, data });
      }
    objects.push(...claims.map((c) => ({ ...c, metadata: { ...(c['metadata'] as Raw), namespace } })), ...(readJson<Raw[]>(at('storageclasses.json')) ?? []));
    for (const claim of refs.claims)
      if (!gone.has(`persistentvolumeclaim/${claim}`) && !written.has(claim))
        objects.push({
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name: claim, namespace },
          spec: { accessModes: ['ReadWriteOnce'] },
          status: { phase: 'Bound' },
        });
    const log = existsSync(at('previous.log')) ? readFileSync(at('previous.log'), 'utf8') : undefined;
    if (log !== undefined)
      logs.push({ namespace, pod: doc.target.pod, container: doc.target.container, ...(caseFile.logCurrent === true ? { current: log } : { previous: log }) });
  }
  // A pod the evidence could not read (403) is there all the same; the cluster has a node for `top node`.
  if (pod === undefined) nodes.push(nodeObject('node-1'));
  return {
    unread: new Set((caseFile.problems ?? []).filter((p) => p.kind === 'forbidden' && p.source === 'pod').map(() => `pod/${doc.target.pod}`)),
    options: { ...(pod === undefined ? {} : { pods: [pod] }), events: events.map((e) => withNamespace(e, namespace)), nodes, logs, objects },
    gone,
  };
}

function withNamespace(e: Raw, namespace: string): Raw {
  const meta = (e['metadata'] ?? {}) as Raw;
  return meta['namespace'] === undefined ? { ...e, metadata: { ...meta, namespace } } : e;
}

/** A controller's selector never holds the hash labels the controller adds to each pod (pod-template-hash, controller-revision-hash). */
function withoutHashLabels(manifest: Raw): Raw {
  const strip = (labels: unknown): Record<string, string> =>
    Object.fromEntries(Object.entries((labels ?? {}) as Record<string, string>).filter(([k]) => k !== 'pod-template-hash' && k !== 'controller-revision-hash'));
  const meta = manifest['metadata'] as Raw;
  const spec = manifest['spec'] as Raw;
  if (manifest['kind'] === 'Pod') return manifest;
  const template = spec['template'] as Raw;
  return {
    ...manifest,
    metadata: { ...meta, labels: strip(meta['labels']) },
    spec: {
      ...spec,
      ...(spec['selector'] === undefined ? {} : { selector: { matchLabels: strip((spec['selector'] as Raw)['matchLabels']) } }),
      template: { ...template, metadata: { labels: strip((template['metadata'] as Raw)['labels']) } },
    },
  };
}

const nodeObject = (name: string): Raw => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name } },
  status: { nodeInfo: { architecture: 'amd64', operatingSystem: 'linux' } },
});

/**
 * What the API server adds to a StatefulSet or DaemonSet: the default RollingUpdate strategy
 * (`rollout status` needs it) and two ControllerRevisions, the current template and an earlier one
 * (`rollout history` and `undo` read them).
 */
function controllerHistory(manifest: Raw, objects: Raw[]): void {
  const meta = manifest['metadata'] as Raw;
  const spec = manifest['spec'] as Raw;
  meta['uid'] = 'workload-uid';
  spec['updateStrategy'] = { type: 'RollingUpdate' };
  const template = spec['template'] as Raw;
  for (const revision of [1, 2]) {
    const earlier =
      revision === 1 ? { metadata: { ...(template['metadata'] as Raw), annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-04-01T00:00:00Z' } } } : {};
    objects.push({
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: {
        name: `${String(meta['name'])}-r${revision}`,
        namespace: meta['namespace'],
        labels: (template['metadata'] as Raw)['labels'],
        ownerReferences: [{ apiVersion: 'apps/v1', kind: String(manifest['kind']), name: meta['name'], uid: 'workload-uid', controller: true }],
      },
      revision,
      data: { spec: { template: { ...template, ...earlier, $patch: 'replace' } } },
    });
  }
}
