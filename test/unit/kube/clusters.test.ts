/**
 * The cluster label chooses a kubeconfig context only when there is a choice: on a single-cluster
 * install, Prometheus' external labels put `cluster` on every alert, and that must not stop the
 * diagnosis.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type ClusterReaders, createClusterReaders } from '../../../src/kube/clusters.ts';

function kubeconfig(contexts: string[]): string {
  const path = join(mkdtempSync(join(tmpdir(), 'crashtriage-clusters-')), 'config');
  const yaml = [
    'apiVersion: v1',
    'kind: Config',
    `current-context: ${contexts[0]}`,
    'clusters:',
    ...contexts.flatMap((c) => [`- name: ${c}`, '  cluster:', '    server: https://127.0.0.1:1']),
    'users:',
    '- name: u',
    '  user:',
    '    token: not-a-real-token',
    'contexts:',
    ...contexts.flatMap((c) => [`- name: ${c}`, '  context:', `    cluster: ${c}`, '    user: u']),
  ].join('\n');
  writeFileSync(path, yaml);
  return path;
}

const alert = { labels: { cluster: 'prod-eu', namespace: 'shop', pod: 'checkout-7d4b9c-x2x9z', container: 'app' } };
const open: ClusterReaders[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()));
});

function readers(contexts: string[], clusters: Record<string, string> = {}): ClusterReaders {
  const r = createClusterReaders({ clusterLabel: 'cluster', clusters, reader: { kubeconfigPath: kubeconfig(contexts), timeoutMs: 500 } });
  open.push(r);
  return r;
}

const noContext = (problems: { message: string }[]) => problems.some((p) => p.message.startsWith('no kubeconfig context'));

describe('which cluster an alert is read from', () => {
  it('one context: an alert whose cluster label names no context is read from the only cluster there is', async () => {
    const [evidence] = await readers(['admin@prod']).gather([alert], undefined, new Date());
    expect(noContext(evidence?.problems ?? [])).toBe(false);
    // Read for real (the test's server refuses the connection): the problem is about the pod, not the label.
    expect(evidence?.problems.some((p) => p.source === 'pod' || p.kind === 'connection')).toBe(true);
  });

  it('several contexts: a cluster with no context is read from none, and the problem says how to fix it', async () => {
    const [evidence] = await readers(['prod-us', 'staging']).gather([alert], undefined, new Date());
    expect(noContext(evidence?.problems ?? [])).toBe(true);
  });

  it('a kube.clusters map makes it multi-cluster even with one context', async () => {
    const [evidence] = await readers(['prod-us'], { 'prod-us-east': 'prod-us' }).gather([alert], undefined, new Date());
    expect(noContext(evidence?.problems ?? [])).toBe(true);
  });
});
