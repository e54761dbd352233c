/**
 * Credentials against the fake API server over TLS: the pod's service account (its token file
 * re-read after a minute, as client-go does, so a rotated bound token is picked up), and an
 * exec credential plugin (the EKS shape), which only client-node's KubeConfig serves and is
 * imported for that setup alone; and an OIDC auth-provider, whose token client-node supplies.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromServiceAccount } from '../../../src/kube/kube-config.ts';
import { connect, TOKEN_FILE_REFRESH_MS } from '../../../src/kube/kube-connection.ts';
import { createKubeReader } from '../../../src/kube/reader.ts';
import { createKubeRest } from '../../../src/kube/rest.ts';
import { type FakeKubeApi, startFakeKubeApi } from '../../support/fake-kube-api.ts';

const namespace = 'shop';
const name = 'checkout-7d4b9c-x2x9z';
const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace }, spec: { containers: [{ name: 'app', image: 'shop/checkout:1.4.2' }] } };

let api: FakeKubeApi;
beforeAll(async () => {
  api = await startFakeKubeApi({ pods: [pod] });
});
afterAll(async () => {
  await api.close();
});

describe('in a pod: the service account', () => {
  it('reads with the mounted token and CA; a rotated token is read again after a minute, not before', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'crashtriage-sa-')), 'serviceaccount');
    mkdirSync(dir);
    writeFileSync(join(dir, 'ca.crt'), api.caPem);
    writeFileSync(join(dir, 'token'), `${api.token}\n`);
    writeFileSync(join(dir, 'namespace'), 'crashtriage');
    const port = new URL(api.url).port;
    let now = 1_000_000;
    const connection = connect(fromServiceAccount({ KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: port }, dir), { clock: () => now });
    const rest = createKubeRest(connection, { timeoutMs: 5000, maxResponseBytes: 1024 * 1024 });
    try {
      const path = `/api/v1/namespaces/${namespace}/pods/${name}`;
      expect((await rest.get<V1Pod>(path)).metadata?.name).toBe(name);
      // The kubelet rotates the projected token: the old one is refused from now on.
      writeFileSync(join(dir, 'token'), 'rotated-but-not-accepted');
      now += TOKEN_FILE_REFRESH_MS - 1;
      expect((await rest.get<V1Pod>(path)).metadata?.name).toBe(name);
      now += 1;
      await expect(rest.get(path)).rejects.toMatchObject({ kind: 'unauthorized', status: 401 });
      writeFileSync(join(dir, 'token'), api.token);
      now += TOKEN_FILE_REFRESH_MS;
      expect((await rest.get<V1Pod>(path)).metadata?.name).toBe(name);
      // The file is gone for a moment (the kubelet swaps a symlink): the last token read is kept.
      rmSync(join(dir, 'token'));
      now += TOKEN_FILE_REFRESH_MS;
      expect((await rest.get<V1Pod>(path)).metadata?.name).toBe(name);
    } finally {
      await connection.close();
    }
  });
});

describe('an exec credential plugin (as aws eks update-kubeconfig writes)', () => {
  it('is run through client-node and its token reaches the API server', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crashtriage-exec-'));
    const credential = JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential', status: { token: api.token } });
    const path = join(dir, 'config');
    writeFileSync(
      path,
      [
        'apiVersion: v1',
        'kind: Config',
        'current-context: eks',
        'clusters:',
        '- name: eks',
        '  cluster:',
        `    server: ${api.url}`,
        `    certificate-authority-data: ${Buffer.from(api.caPem).toString('base64')}`,
        'users:',
        '- name: eks',
        '  user:',
        '    exec:',
        '      apiVersion: client.authentication.k8s.io/v1beta1',
        `      command: ${JSON.stringify(process.execPath)}`,
        '      args:',
        '      - -e',
        `      - ${JSON.stringify(`process.stdout.write(${JSON.stringify(credential)})`)}`,
        '      interactiveMode: Never',
        'contexts:',
        '- name: eks',
        '  context: {cluster: eks, user: eks}',
      ].join('\n'),
      { mode: 0o600 },
    );
    const reader = createKubeReader({ kubeconfigPath: path, timeoutMs: 10_000 });
    try {
      expect((await reader.readPod(namespace, name)).metadata?.name).toBe(name);
    } finally {
      await reader.close();
    }
  });
});

describe('an auth-provider (OIDC, as kubectl config set-credentials --auth-provider=oidc writes)', () => {
  it('gets its id-token from client-node and reaches the API server through our own pool', async () => {
    // An id-token valid until 2100: client-node sends it as is (it refreshes only an expired one).
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const idToken = `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ iss: 'https://issuer.example', sub: 'dev', exp: 4_102_444_800 })}.c2lnbmF0dXJl`;
    const oidc = await startFakeKubeApi({ pods: [pod], token: idToken });
    const path = join(mkdtempSync(join(tmpdir(), 'crashtriage-oidc-')), 'config');
    writeFileSync(
      path,
      [
        'apiVersion: v1',
        'kind: Config',
        'current-context: oidc',
        'clusters:',
        '- name: oidc',
        '  cluster:',
        `    server: ${oidc.url}`,
        `    certificate-authority-data: ${Buffer.from(oidc.caPem).toString('base64')}`,
        'users:',
        '- name: dev',
        '  user:',
        '    auth-provider:',
        '      name: oidc',
        '      config:',
        '        client-id: kubernetes',
        '        idp-issuer-url: https://issuer.example',
        `        id-token: ${idToken}`,
        'contexts:',
        '- name: oidc',
        '  context: {cluster: oidc, user: dev}',
      ].join('\n'),
      { mode: 0o600 },
    );
    const reader = createKubeReader({ kubeconfigPath: path, timeoutMs: 10_000 });
    try {
      expect((await reader.readPod(namespace, name)).metadata?.name).toBe(name);
    } finally {
      await reader.close();
      await oidc.close();
    }
  });
});
