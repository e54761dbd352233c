/**
 * Writes a kubeconfig the way `kubectl config` does (cluster with certificate-authority-data, a
 * token user, one context) to a temp file, for `createKubeReader({ kubeconfigPath })` and the CLI.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

export interface KubeconfigSpec {
  server: string;
  caPem: string;
  token: string;
  /** Context name; default `fake`. */
  context?: string;
  namespace?: string;
}

export function kubeconfigYaml(spec: KubeconfigSpec): string {
  const context = spec.context ?? 'fake';
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: `${context}-cluster`, cluster: { server: spec.server, 'certificate-authority-data': Buffer.from(spec.caPem).toString('base64') } }],
    users: [{ name: `${context}-user`, user: { token: spec.token } }],
    contexts: [
      {
        name: context,
        context: { cluster: `${context}-cluster`, user: `${context}-user`, ...(spec.namespace === undefined ? {} : { namespace: spec.namespace }) },
      },
    ],
    'current-context': context,
    preferences: {},
  });
}

/** Writes the kubeconfig to a new temp directory and returns its path (mode 0600, as kubectl does). */
export function writeKubeconfig(spec: KubeconfigSpec): string {
  const path = join(mkdtempSync(join(tmpdir(), 'crashtriage-kubeconfig-')), 'config');
  writeFileSync(path, kubeconfigYaml(spec), { mode: 0o600 });
  return path;
}

/** One kubeconfig with a context per API server (`kubectl config` merges them so), current the first. */
export function writeMultiKubeconfig(specs: readonly (KubeconfigSpec & { context: string })[]): string {
  const docs = specs.map((spec) => parse(kubeconfigYaml(spec)) as { clusters: unknown[]; users: unknown[]; contexts: unknown[] });
  const path = join(mkdtempSync(join(tmpdir(), 'crashtriage-kubeconfig-')), 'config');
  const merged = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: docs.flatMap((d) => d.clusters),
    users: docs.flatMap((d) => d.users),
    contexts: docs.flatMap((d) => d.contexts),
    'current-context': specs[0]?.context,
    preferences: {},
  };
  writeFileSync(path, stringify(merged), { mode: 0o600 });
  return path;
}
