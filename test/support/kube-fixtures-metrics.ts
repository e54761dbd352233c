/**
 * What the fake API server answers for kubectl's own reads besides objects: API discovery
 * (kube-discovery.ts), the node list, and the metrics API (`kubectl top pod|node`), as metrics-server
 * serves it under metrics.k8s.io/v1beta1. Usage is made up (half of each container's memory limit, or
 * 64Mi; 10m CPU): `top` only needs an answer, nothing reads its numbers.
 */
import { discoveryAnswer } from './kube-discovery.ts';

type Raw = Record<string, unknown>;

const POD_METRICS = /^\/apis\/metrics\.k8s\.io\/v1beta1\/(?:namespaces\/([^/]+)\/)?pods(?:\/([^/]+))?$/;
const NODE_METRICS = /^\/apis\/metrics\.k8s\.io\/v1beta1\/nodes(?:\/([^/]+))?$/;

interface Cluster {
  pods: Map<string, Raw>;
  nodes: Map<string, Raw>;
}

const metaOf = (o: Raw): { name?: string; namespace?: string; labels?: Record<string, string> } => (o['metadata'] ?? {}) as never;

function podMetrics(pod: Raw): Raw {
  const containers = (((pod['spec'] ?? {}) as { containers?: { name: string; resources?: { limits?: { memory?: string } } }[] }).containers ?? []).map((c) => ({
    name: c.name,
    usage: { cpu: '10m', memory: c.resources?.limits?.memory === undefined ? '64Mi' : halfOf(c.resources.limits.memory) },
  }));
  const { name, namespace } = metaOf(pod);
  return {
    kind: 'PodMetrics',
    apiVersion: 'metrics.k8s.io/v1beta1',
    metadata: { name, namespace },
    timestamp: '2026-04-09T14:03:00Z',
    window: '15s',
    containers,
  };
}

function halfOf(quantity: string): string {
  const m = /^(\d+)(\w*)$/.exec(quantity);
  return m === null ? '64Mi' : `${Math.max(1, Math.floor(Number(m[1]) / 2))}${m[2]}`;
}

const nodeMetrics = (node: Raw): Raw => ({
  kind: 'NodeMetrics',
  apiVersion: 'metrics.k8s.io/v1beta1',
  metadata: { name: metaOf(node).name },
  timestamp: '2026-04-09T14:03:00Z',
  window: '15s',
  usage: { cpu: '250m', memory: '2Gi' },
});

const notFound = (resource: string, name: string): Raw => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: `${resource} "${name}" not found`,
  reason: 'NotFound',
  details: { name, kind: resource },
  code: 404,
});

/** The answer to a GET of `path` when it is discovery, the node list or the metrics API; else undefined. */
export function kubectlReadAnswer(cluster: Cluster, path: string): { status: number; body: unknown } | undefined {
  const discovery = discoveryAnswer(path);
  if (discovery !== undefined) return { status: 200, body: discovery };
  if (path === '/api/v1/nodes')
    return { status: 200, body: { kind: 'NodeList', apiVersion: 'v1', metadata: { resourceVersion: '48213400' }, items: [...cluster.nodes.values()] } };
  let m = POD_METRICS.exec(path);
  if (m !== null) {
    const [, ns, name] = m;
    const pods = [...cluster.pods.values()].filter((p) => ns === undefined || metaOf(p).namespace === ns);
    if (name === undefined)
      return { status: 200, body: { kind: 'PodMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items: pods.map(podMetrics) } };
    const pod = pods.find((p) => metaOf(p).name === name);
    return pod === undefined ? { status: 404, body: notFound('pods.metrics.k8s.io', name) } : { status: 200, body: podMetrics(pod) };
  }
  m = NODE_METRICS.exec(path);
  if (m !== null) {
    const name = m[1];
    const nodes = [...cluster.nodes.values()];
    if (name === undefined)
      return { status: 200, body: { kind: 'NodeMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items: nodes.map(nodeMetrics) } };
    const node = cluster.nodes.get(name);
    return node === undefined ? { status: 404, body: notFound('nodes.metrics.k8s.io', name) } : { status: 200, body: nodeMetrics(node) };
  }
  return undefined;
}
