// Helpers for the manifest tests: render kustomizations with kubectl, and validate each object
// offline against the Kubernetes and prometheus-operator OpenAPI schemas (kubernetes-models).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Alertmanager } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/Alertmanager';
import { Prometheus } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/Prometheus';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { AlertmanagerConfig } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1alpha1/AlertmanagerConfig';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { parseAllDocuments, stringify } from 'yaml';
import { kubectlPath, toolMissing } from './kube-tools.ts';

/** A Kubernetes object as parsed from YAML: only the type and name are known. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

/** The message a test fails with when kubectl is missing. */
export const KUBECTL_MISSING = `${toolMissing('kubectl')}; the manifest tests render deploy/ with \`kubectl kustomize\``;

/** Every kind this project ships, with the model that validates it (schema from the upstream OpenAPI). */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  // Only the chart's own webhook token (created, never read from the API).
  'v1/Secret': Secret,
  'monitoring.coreos.com/v1/Prometheus': Prometheus,
  'monitoring.coreos.com/v1/Alertmanager': Alertmanager,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/Deployment': Deployment,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'rbac.authorization.k8s.io/v1/ClusterRole': ClusterRole,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ClusterRoleBinding,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
  'monitoring.coreos.com/v1alpha1/AlertmanagerConfig': AlertmanagerConfig,
};

/**
 * Validates one object against its schema; throws naming the object and the schema error, or
 * when no schema is known for its apiVersion/kind (so a new kind cannot slip through unchecked).
 * The generated schemas check types, enums, patterns and required fields, but (like the API
 * server's OpenAPI) they do not reject unknown field names.
 */
export function validateManifest(manifest: Manifest): void {
  const Model = MODELS[`${manifest.apiVersion}/${manifest.kind}`];
  const id = `${manifest.kind}/${manifest.metadata?.name ?? '?'}`;
  if (Model === undefined) throw new Error(`${id}: no schema known for ${manifest.apiVersion} ${manifest.kind}`);
  try {
    new Model(manifest as never).validate();
  } catch (error) {
    throw new Error(`${id}: ${(error as Error).message}`, { cause: error });
  }
}

/** Parses a multi-document YAML text into objects, failing on YAML errors. */
export function parseManifests(text: string, source: string): Manifest[] {
  return parseAllDocuments(text).flatMap((doc) => {
    if (doc.errors.length > 0) throw new Error(`${source}: ${doc.errors[0]?.message}`);
    const obj: unknown = doc.toJS();
    return obj === null || obj === undefined ? [] : [obj as Manifest];
  });
}

/** The objects of a YAML file. */
export const readManifests = (path: string): Manifest[] => parseManifests(readFileSync(path, 'utf8'), path);

/** Renders a kustomization directory with `kubectl kustomize`; throws KUBECTL_MISSING without kubectl. */
export function kustomize(dir: string): Manifest[] {
  const kubectl = kubectlPath();
  if (kubectl === undefined) throw new Error(KUBECTL_MISSING);
  const run = spawnSync(kubectl, ['kustomize', dir], { encoding: 'utf8', timeout: 60_000 });
  if (run.status !== 0) throw new Error(`kubectl kustomize ${dir} failed: ${run.stderr}`);
  return parseManifests(run.stdout, `kubectl kustomize ${dir}`);
}

/** The one object of a kind in a list; throws when there is none or several. */
export function only<T = Manifest>(manifests: readonly Manifest[], kind: string): T {
  const found = manifests.filter((m) => m.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return found[0] as T;
}

/**
 * Renders an overlay made on the fly, outside the repository: these resources (paths relative to
 * the repository) with these components. kustomize wants relative paths, so they are made relative.
 */
export function kustomizeOverlay(resources: readonly string[], components: readonly string[]): { manifests: Manifest[]; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'crashtriage-overlay-'));
  const fromDir = (path: string) => relative(dir, join(process.cwd(), path));
  writeFileSync(join(dir, 'kustomization.yaml'), stringify({ resources: resources.map(fromDir), components: components.map(fromDir) }));
  try {
    return { manifests: kustomize(dir), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
