/**
 * Every way a read can fail, through the real client against the fake API server over TLS.
 */

import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatherEvidence } from '../../../src/kube/gather-evidence.ts';
import { KubeConfigError } from '../../../src/kube/kube-config.ts';
import { createKubeReader, type KubeApiReader } from '../../../src/kube/reader.ts';
import { type FakeKubeApi, startFakeKubeApi } from '../../support/fake-kube-api.ts';
import { scenarioObjects } from '../../support/kube-fixtures.ts';
import { writeKubeconfig } from '../../support/kube-fixtures-kubeconfig.ts';
import { createTestTls } from '../../support/tls.ts';

const NOW = new Date('2025-03-14T10:30:00Z');
const web = { namespace: 'default', pod: 'web-7d4b9c8f6-x2kqp', container: 'app' };
const SA = 'system:serviceaccount:crashtriage:crashtriage';

let api: FakeKubeApi;
const readers: KubeApiReader[] = [];
const reader = (over: { kubeconfigPath?: string; timeoutMs?: number } = {}): KubeApiReader => {
  const r = createKubeReader({ kubeconfigPath: over.kubeconfigPath ?? api.kubeconfigPath, timeoutMs: over.timeoutMs ?? 5000 });
  readers.push(r);
  return r;
};

beforeAll(async () => {
  api = await startFakeKubeApi(scenarioObjects(['deployment-crashloop', 'config-error', 'daemonset-container-creating']));
});
afterAll(async () => {
  await Promise.all(readers.map((r) => r.close()));
  await api.close();
});

describe('problems through the real client', () => {
  it('happy path → full evidence in 3 calls, times as the API writes them', async () => {
    api.resetRequests();
    const evidence = await gatherEvidence({ kube: reader() }, web, NOW);
    expect(evidence.problems).toEqual([]);
    expect(evidence.pod?.owner).toEqual({ kind: 'Deployment', name: 'web' });
    expect(evidence.container?.lastState).toMatchObject({ exitCode: 1, runSeconds: 2 });
    expect(evidence.events.map((e) => e.reason)).toEqual(['BackOff', 'Started', 'Pulled', 'Created', 'Scheduled']);
    expect(evidence.log?.lines.at(-1)).toBe('Node.js v22.14.0');
    expect(api.requests.map((r) => r.resource).sort()).toEqual(['events', 'pods', 'pods/log']);
    const events = api.requests.find((r) => r.resource === 'events');
    expect(events?.query['fieldSelector']).toBe('involvedObject.kind=Pod,involvedObject.name=web-7d4b9c8f6-x2kqp');
    const log = api.requests.find((r) => r.resource === 'pods/log');
    expect(log?.query).toEqual({ container: 'app', previous: 'true', tailLines: '200', limitBytes: '65536' });
  });

  it('404 → not-found: the pod was probably replaced', async () => {
    const evidence = await gatherEvidence({ kube: reader() }, { ...web, pod: 'web-7d4b9c8f6-zzzzz' }, NOW);
    expect(evidence.problems).toEqual([
      { source: 'pod', kind: 'not-found', message: 'pod "default/web-7d4b9c8f6-zzzzz" not found: it was probably replaced (rollout, eviction or reschedule)' },
    ]);
  });

  it('403 on pods/log → forbidden with missingPermission "get pods/log"', async () => {
    const denied = await startFakeKubeApi({ ...scenarioObjects(['deployment-crashloop']), forbidden: ['pods/log'], user: SA });
    try {
      const evidence = await gatherEvidence({ kube: reader({ kubeconfigPath: denied.kubeconfigPath }) }, web, NOW);
      expect(evidence.pod).toBeDefined();
      expect(evidence.problems).toEqual([
        {
          source: 'logs',
          kind: 'forbidden',
          message: 'forbidden: the service account cannot get pods/log in namespace "default"; grant it to read the previous log',
          missingPermission: 'get pods/log',
        },
      ]);
    } finally {
      await denied.close();
    }
  });

  it('403 on events → forbidden with missingPermission "list events"', async () => {
    const denied = await startFakeKubeApi({ ...scenarioObjects(['deployment-crashloop']), forbidden: ['events'] });
    try {
      const evidence = await gatherEvidence({ kube: reader({ kubeconfigPath: denied.kubeconfigPath }) }, web, NOW);
      expect(evidence.problems).toEqual([expect.objectContaining({ source: 'events', kind: 'forbidden', missingPermission: 'list events' })]);
    } finally {
      await denied.close();
    }
  });

  it('401 (wrong token) → one unauthorized problem', async () => {
    const path = writeKubeconfig({ server: api.url, caPem: api.caPem, token: 'revoked-token' });
    const evidence = await gatherEvidence({ kube: reader({ kubeconfigPath: path }) }, web, NOW);
    expect(evidence.problems).toEqual([expect.objectContaining({ source: 'pod', kind: 'unauthorized' })]);
  });

  it('a read slower than the deadline → timeout, and the request is abandoned', async () => {
    api.failNext(/\/events$/, 'hang');
    const evidence = await gatherEvidence({ kube: reader({ timeoutMs: 300 }) }, web, NOW);
    expect(evidence.problems).toEqual([{ source: 'events', kind: 'timeout', message: 'reading the events timed out: no answer within 300 ms' }]);
    expect(evidence.log).toBeDefined();
  });

  it('a server certificate from another CA → tls problem', async () => {
    const other = createTestTls('impostor');
    const path = writeKubeconfig({ server: api.url, caPem: other.caPem, token: api.token });
    const evidence = await gatherEvidence({ kube: reader({ kubeconfigPath: path }) }, web, NOW);
    expect(evidence.problems).toEqual([expect.objectContaining({ source: 'pod', kind: 'tls' })]);
    expect(evidence.problems[0]?.message).toContain('check the cluster CA in the kubeconfig');
  });

  it('nothing listening → connection refused', async () => {
    const port = await closedPort();
    const path = writeKubeconfig({ server: `https://127.0.0.1:${port}`, caPem: api.caPem, token: api.token });
    const evidence = await gatherEvidence({ kube: reader({ kubeconfigPath: path }) }, web, NOW);
    expect(evidence.problems).toEqual([{ source: 'pod', kind: 'connection', message: 'cannot reach the Kubernetes API while reading the pod (ECONNREFUSED)' }]);
  });

  it('a reset connection → connection problem', async () => {
    api.failNext(/\/pods\/[^/]+$/, 'reset');
    const evidence = await gatherEvidence({ kube: reader() }, web, NOW);
    expect(evidence.problems).toEqual([expect.objectContaining({ source: 'pod', kind: 'connection' })]);
  });

  it('no terminated instance yet (alert names the container) → the absent previous log is no problem', async () => {
    const evidence = await gatherEvidence({ kube: reader() }, { namespace: 'default', pod: 'orders-6d5f8c7b4-tz9xw', container: 'app' }, NOW);
    expect(api.requests.some((r) => r.resource === 'pods/log' && r.status === 400)).toBe(true);
    expect(evidence.problems).toEqual([]);
    expect(evidence.log).toBeUndefined();
  });

  it('a container that did terminate but whose previous log is gone → no-previous-log problem', async () => {
    api.failNext(/\/pods\/web-7d4b9c8f6-x2kqp\/log$/, { status: 400, message: 'previous terminated container "app" in pod "web-7d4b9c8f6-x2kqp" not found' });
    const evidence = await gatherEvidence({ kube: reader() }, { namespace: 'default', pod: 'web-7d4b9c8f6-x2kqp', container: 'app' }, NOW);
    expect(evidence.problems).toEqual([expect.objectContaining({ source: 'logs', kind: 'no-previous-log' })]);
  });

  it('a 400 "is waiting to start" from the kubelet → bad-request with the Status message', async () => {
    const r = reader();
    await expect(r.readPreviousLog('monitoring', 'node-exporter-5xk2v', 'node-exporter', { tailLines: 1, limitBytes: 1024 })).rejects.toMatchObject({
      kind: 'no-previous-log',
    });
    // pkg/kubelet/kubelet_pods.go validateContainerLogStatus: `container %q in pod %q is waiting to start: %v`.
    const message = 'container "app" in pod "web-7d4b9c8f6-x2kqp" is waiting to start: ContainerCreating';
    api.failNext(/\/log$/, { status: 400, message });
    await expect(r.readPreviousLog('default', 'web-7d4b9c8f6-x2kqp', 'app', { tailLines: 1, limitBytes: 1024 })).rejects.toMatchObject({
      kind: 'bad-request',
      status: 400,
      message,
    });
  });

  it.each([500, 503])('%i from the API server → server-error', async (code) => {
    api.failNext(/\/pods\/[^/]+$/, code);
    const evidence = await gatherEvidence({ kube: reader() }, web, NOW);
    expect(evidence.problems).toEqual([expect.objectContaining({ source: 'pod', kind: 'server-error' })]);
    expect(evidence.problems[0]?.message).toContain(`answered ${code}`);
  });

  it('no retries: a failed read is made once', async () => {
    api.resetRequests();
    api.failNext(/\/pods\/[^/]+$/, 503);
    await gatherEvidence({ kube: reader() }, web, NOW);
    expect(api.requests.filter((r) => r.resource === 'pods')).toHaveLength(1);
  });

  it('a server ignoring limitBytes cannot make the reader buffer without bound', async () => {
    const big = await startFakeKubeApi({ ...scenarioObjects(['deployment-crashloop']), ignoreLimitBytes: true });
    try {
      big.setLog({ ...web, previous: 'z'.repeat(16 * 1024 * 1024) });
      const r = createKubeReader({ kubeconfigPath: big.kubeconfigPath, timeoutMs: 5000, maxResponseBytes: 1024 * 1024 });
      readers.push(r);
      const evidence = await gatherEvidence({ kube: r }, web, NOW);
      expect(evidence.problems).toEqual([
        { source: 'logs', kind: 'other', message: 'reading the previous log failed: response body larger than 1048576 bytes' },
      ]);
    } finally {
      await big.close();
    }
  });

  it('an unknown context fails at start with KubeConfigError', () => {
    expect(() => createKubeReader({ kubeconfigPath: api.kubeconfigPath, context: 'prod', timeoutMs: 1000 })).toThrow(KubeConfigError);
  });
});

/** A port that had a listener a moment ago and has none now. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
