// Running the chart (charts/crashtriage) through the real Helm 3 and Helm 4 that scripts/kube-tools.sh
// installs, and comparing what it renders with what kustomize renders.
import { spawnSync } from 'node:child_process';
import { helmPath, toolMissing } from './kube-tools.ts';
import { type Manifest, parseManifests } from './manifests.ts';

export const CHART = 'charts/crashtriage';
export const HELM_MAJORS = [3, 4] as const;

export interface HelmRun {
  status: number | null;
  stdout: string;
  /** stderr without Helm's notes that the chart's files/ are symlinks (into alerts/ and deploy/grafana/). */
  stderr: string;
}

export function helm(major: 3 | 4, args: readonly string[]): HelmRun {
  const binary = helmPath(major);
  if (binary === undefined) throw new Error(toolMissing(`helm ${major}`));
  // HOME and the cache in a throwaway place: no repository list or plugin of the user's is read.
  const env = {
    PATH: '/usr/bin:/bin',
    HOME: '/nonexistent',
    HELM_CACHE_HOME: '/tmp/crashtriage-helm/cache',
    HELM_CONFIG_HOME: '/tmp/crashtriage-helm/config',
    HELM_DATA_HOME: '/tmp/crashtriage-helm/data',
  };
  const run = spawnSync(binary, args, { encoding: 'utf8', env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 });
  const stderr = run.stderr
    .split('\n')
    .filter((line) => !/symbolic link in path/.test(line))
    .join('\n')
    .trim();
  return { status: run.status, stdout: run.stdout, stderr };
}

/** `helm template crashtriage charts/crashtriage -n crashtriage <args>`: the objects, or a throw with Helm's message. */
export function helmTemplate(major: 3 | 4, args: readonly string[] = [], release = 'crashtriage', namespace = 'crashtriage'): Manifest[] {
  const run = helm(major, ['template', release, CHART, '--namespace', namespace, ...args]);
  if (run.status !== 0) throw new Error(`helm ${major} template failed: ${run.stderr}`);
  return parseManifests(run.stdout, `helm ${major} template`);
}

/** Labels only Helm sets (the release's bookkeeping); the kustomize objects have none of them. */
const HELM_LABELS = ['app.kubernetes.io/instance', 'app.kubernetes.io/managed-by', 'app.kubernetes.io/version', 'helm.sh/chart'];

/** Removes Helm's labels everywhere they appear: metadata, pod templates, selectors. */
export function withoutHelmLabels(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutHelmLabels);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !HELM_LABELS.includes(key))
      .map(([key, v]) => [key, withoutHelmLabels(v)]),
  );
}

export const objectId = (m: Manifest): string => `${m.kind} ${m.metadata.namespace ?? '-'}/${m.metadata.name}`;

/**
 * The differences between two renderings, object by object: objects only one side has, and for each
 * common object the paths whose values differ. Empty when they agree.
 */
export function differences(chart: readonly Manifest[], kustomize: readonly Manifest[]): string[] {
  const byId = (list: readonly Manifest[]) => new Map(list.map((m) => [objectId(m), withoutHelmLabels(m)]));
  const left = byId(chart);
  const right = byId(kustomize);
  const out: string[] = [];
  for (const id of left.keys()) if (!right.has(id)) out.push(`only in the chart: ${id}`);
  for (const id of right.keys()) if (!left.has(id)) out.push(`only in kustomize: ${id}`);
  for (const [id, l] of left) {
    const r = right.get(id);
    if (r !== undefined) diffPaths(l, r, id, out);
  }
  return out;
}

function diffPaths(a: unknown, b: unknown, path: string, out: string[]): void {
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) diffPaths((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`, out);
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push(`${path}: chart ${JSON.stringify(a)}, kustomize ${JSON.stringify(b)}`);
}
