/**
 * Reads the `ClusterView` with the user's kubeconfig: GETs and LISTs only, never a Secret (Secrets are
 * reported by the names that reference them). Reads run side by side; each failure becomes that
 * read's `ReadFailure`.
 */
import { type KubeConfigOptions, loadKubeConfig } from '../kube/kube-config.ts';
import { connect } from '../kube/kube-connection.ts';
import { classifyKubeError } from '../kube/kube-error.ts';
import { apiPath, createKubeRest } from '../kube/rest.ts';
import type {
  AlertmanagerConfigObject,
  AlertmanagerObject,
  ClusterView,
  DeploymentObject,
  LabelledObject,
  PrometheusObject,
  Read,
  ReadFailure,
  ServiceObject,
} from './cluster-view.ts';

export interface ReadClusterOptions extends KubeConfigOptions {
  /** crashtriage's namespace; default: the context's namespace, else `crashtriage`. */
  namespace?: string;
  timeoutMs: number;
}

/** The label every shipped crashtriage object carries. */
const OURS = 'app.kubernetes.io/name=crashtriage';
const GROUP = 'monitoring.coreos.com';

export async function readCluster(options: ReadClusterOptions): Promise<{ view: ClusterView; context: string }> {
  const connection = connect(loadKubeConfig({ ...options, inCluster: false }));
  const rest = createKubeRest(connection, { timeoutMs: options.timeoutMs, maxResponseBytes: 8 * 1024 * 1024, userAgent: 'crashtriage-doctor' });
  const namespace = options.namespace ?? 'crashtriage';

  const read = async <T>(fn: () => Promise<T>): Promise<Read<T>> => {
    try {
      return { ok: true, value: await fn() };
    } catch (err) {
      return { ok: false, why: failure(err, options.timeoutMs) };
    }
  };
  const list = <T>(version: string, plural: string, labelSelector?: string) =>
    read(async () => (await rest.get<{ items: T[] }>(apiPath('/apis', GROUP, version, plural), { labelSelector })).items);

  try {
    const [prometheuses, alertmanagers, alertmanagerConfigs, prometheusRules, serviceMonitors, deployment, service] = await Promise.all([
      list<PrometheusObject>('v1', 'prometheuses'),
      list<AlertmanagerObject>('v1', 'alertmanagers'),
      list<AlertmanagerConfigObject>('v1alpha1', 'alertmanagerconfigs', OURS),
      list<LabelledObject>('v1', 'prometheusrules', OURS),
      list<LabelledObject>('v1', 'servicemonitors', OURS),
      read(() => rest.get<DeploymentObject>(apiPath('/apis/apps/v1/namespaces', namespace, 'deployments', 'crashtriage'))),
      read(() => rest.get<ServiceObject>(apiPath('/api/v1/namespaces', namespace, 'services', 'crashtriage'))),
    ]);
    // The namespaces whose labels a namespace selector may be asked about.
    const wanted = new Set([namespace, ...(alertmanagerConfigs.ok ? alertmanagerConfigs.value.map((c) => c.metadata.namespace ?? namespace) : [])]);
    const namespaceLabels = new Map(
      await Promise.all(
        [...wanted].map(
          async (name) =>
            [
              name,
              await read(
                async () => (await rest.get<{ metadata?: { labels?: Record<string, string> } }>(apiPath('/api/v1/namespaces', name))).metadata?.labels ?? {},
              ),
            ] as const,
        ),
      ),
    );
    const view: ClusterView = {
      namespace,
      prometheuses,
      alertmanagers,
      alertmanagerConfigs,
      prometheusRules,
      serviceMonitors,
      deployment,
      service,
      namespaceLabels,
    };
    return { view, context: connection.config.context };
  } finally {
    await connection.close();
  }
}

function failure(err: unknown, timeoutMs: number): ReadFailure {
  const error = classifyKubeError(err, timeoutMs);
  if (error.status === 403 || error.status === 401) return { kind: 'forbidden', message: error.message };
  if (error.status === 404) {
    // A missing object is named in a Status body; an API group the server does not serve answers
    // "404 page not found" as plain text (no Status), or a Status saying it found no such resource.
    const notServed = error.message === 'HTTP 404' || /could not find the requested resource/.test(error.message);
    return notServed ? { kind: 'not-served', message: 'the API server does not serve this resource' } : { kind: 'not-found', message: error.message };
  }
  return { kind: 'error', message: error.message };
}
