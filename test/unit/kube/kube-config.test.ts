/**
 * The kubeconfig loader on the shapes real tools write, and KUBECONFIG merged as kubectl merges it
 * (https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/#merging-kubeconfig-files):
 * the first file to set a value or a map key wins, whole; files that do not exist are skipped; file
 * references are relative to the file that holds them.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromServiceAccount, KubeConfigError, loadKubeConfig } from '../../../src/kube/kube-config.ts';

const dir = (): string => mkdtempSync(join(tmpdir(), 'crashtriage-kubeconfig-test-'));
const write = (path: string, text: string): string => {
  writeFileSync(path, text);
  return path;
};
const PEM = Buffer.from('-----BEGIN CERTIFICATE-----\nnot a real one\n-----END CERTIFICATE-----\n').toString('base64');

/** As `kind create cluster` writes it (kind v0.2x, sigs.k8s.io/kind pkg/cluster/internal/kubeconfig): client certificate data. */
const KIND = `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: ${PEM}
    server: https://127.0.0.1:36617
  name: kind-kind
contexts:
- context:
    cluster: kind-kind
    user: kind-kind
  name: kind-kind
current-context: kind-kind
kind: Config
preferences: {}
users:
- name: kind-kind
  user:
    client-certificate-data: ${PEM}
    client-key-data: ${PEM}
`;

/** As `minikube start` writes it (minikube v1.3x): files under ~/.minikube, extensions, a namespace. */
const MINIKUBE = `apiVersion: v1
clusters:
- cluster:
    certificate-authority: /home/dev/.minikube/ca.crt
    extensions:
    - extension:
        last-update: Mon, 30 Nov 2026 09:12:01 UTC
        provider: minikube.sigs.k8s.io
        version: v1.34.0
      name: cluster_info
    server: https://192.168.49.2:8443
  name: minikube
contexts:
- context:
    cluster: minikube
    extensions:
    - extension:
        provider: minikube.sigs.k8s.io
        version: v1.34.0
      name: context_info
    namespace: default
    user: minikube
  name: minikube
current-context: minikube
kind: Config
preferences: {}
users:
- name: minikube
  user:
    client-certificate: /home/dev/.minikube/profiles/minikube/client.crt
    client-key: /home/dev/.minikube/profiles/minikube/client.key
`;

/** As `aws eks update-kubeconfig` writes it (AWS CLI v2, https://docs.aws.amazon.com/eks/latest/userguide/create-kubeconfig.html): an exec plugin. */
const EKS = `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: ${PEM}
    server: https://0123456789ABCDEF0123456789ABCDEF.gr7.eu-west-1.eks.amazonaws.com
  name: arn:aws:eks:eu-west-1:123456789012:cluster/shop
contexts:
- context:
    cluster: arn:aws:eks:eu-west-1:123456789012:cluster/shop
    user: arn:aws:eks:eu-west-1:123456789012:cluster/shop
  name: arn:aws:eks:eu-west-1:123456789012:cluster/shop
current-context: arn:aws:eks:eu-west-1:123456789012:cluster/shop
kind: Config
preferences: {}
users:
- name: arn:aws:eks:eu-west-1:123456789012:cluster/shop
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      args:
      - --region
      - eu-west-1
      - eks
      - get-token
      - --cluster-name
      - shop
      - --output
      - json
      command: aws
`;

/** As `gcloud container clusters get-credentials` wrote it before gke-gcloud-auth-plugin: the gcp auth-provider. */
const GKE_AUTH_PROVIDER = `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: ${PEM}
    server: https://34.76.10.20
  name: gke_shop-prod_europe-west1_shop
contexts:
- context:
    cluster: gke_shop-prod_europe-west1_shop
    user: gke_shop-prod_europe-west1_shop
  name: gke_shop-prod_europe-west1_shop
current-context: gke_shop-prod_europe-west1_shop
kind: Config
preferences: {}
users:
- name: gke_shop-prod_europe-west1_shop
  user:
    auth-provider:
      config:
        cmd-args: config config-helper --format=json
        cmd-path: /usr/lib/google-cloud-sdk/bin/gcloud
        expiry-key: '{.credential.token_expiry}'
        token-key: '{.credential.access_token}'
      name: gcp
`;

describe('kubeconfig shapes', () => {
  it('kind: client certificate and key data, the CA data, no namespace', () => {
    const config = loadKubeConfig({ kubeconfigPath: write(join(dir(), 'config'), KIND) });
    expect(config).toMatchObject({
      context: 'kind-kind',
      contexts: ['kind-kind'],
      cluster: { server: 'https://127.0.0.1:36617', caData: PEM },
      user: { certData: PEM, keyData: PEM },
    });
    expect(config.namespace).toBeUndefined();
    expect(config.needsClientNode).toBeUndefined();
  });

  it('minikube: file references and the context namespace; extensions are ignored', () => {
    const config = loadKubeConfig({ kubeconfigPath: write(join(dir(), 'config'), MINIKUBE) });
    expect(config).toMatchObject({
      namespace: 'default',
      cluster: { server: 'https://192.168.49.2:8443', caFile: '/home/dev/.minikube/ca.crt' },
      user: { certFile: '/home/dev/.minikube/profiles/minikube/client.crt', keyFile: '/home/dev/.minikube/profiles/minikube/client.key' },
    });
    expect(config.needsClientNode).toBeUndefined();
  });

  it('EKS (exec plugin) and GKE (auth-provider) are handed to client-node, with the merged document it loads', () => {
    const eks = loadKubeConfig({ kubeconfigPath: write(join(dir(), 'config'), EKS) });
    expect(eks.needsClientNode).toEqual({ why: 'the user runs an exec credential plugin', ownDispatcher: true });
    expect(eks.document?.['current-context']).toBe('arn:aws:eks:eu-west-1:123456789012:cluster/shop');
    const gke = loadKubeConfig({ kubeconfigPath: write(join(dir(), 'config'), GKE_AUTH_PROVIDER) });
    expect(gke.needsClientNode).toEqual({ why: 'the user has an auth-provider', ownDispatcher: false });
    const proxied = loadKubeConfig({
      kubeconfigPath: write(join(dir(), 'config'), KIND.replace('    server:', '    proxy-url: socks5://localhost:1080\n    server:')),
    });
    expect(proxied.needsClientNode).toEqual({ why: 'the cluster is reached through proxy-url', ownDispatcher: true });
  });

  it('token, tokenFile (relative to the kubeconfig), username/password, tls-server-name and insecure-skip-tls-verify', () => {
    const d = dir();
    const config = loadKubeConfig({
      kubeconfigPath: write(
        join(d, 'config'),
        `apiVersion: v1
kind: Config
current-context: c
clusters:
- name: k
  cluster:
    server: https://10.0.0.1:6443/k8s/clusters/c-m-abc
    certificate-authority: certs/ca.pem
    tls-server-name: kubernetes.default
    insecure-skip-tls-verify: true
users:
- name: u
  user:
    token: abc
    tokenFile: tokens/current
    username: admin
    password: hunter2
contexts:
- name: c
  context: {cluster: k, user: u}
`,
      ),
    });
    expect(config.cluster).toEqual({
      server: 'https://10.0.0.1:6443/k8s/clusters/c-m-abc',
      caFile: join(d, 'certs/ca.pem'),
      tlsServerName: 'kubernetes.default',
      insecureSkipTlsVerify: true,
    });
    expect(config.user).toEqual({ token: 'abc', tokenFile: join(d, 'tokens/current'), username: 'admin', password: 'hunter2' });
  });
});

describe('KUBECONFIG with several files (kubectl merge rules)', () => {
  it('the first file to set current-context or a name wins, whole; later files add what is new; missing files are skipped', () => {
    const a = dir();
    const b = dir();
    const first = write(
      join(a, 'config'),
      `apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: shared
  cluster: {server: 'https://first.example:6443', certificate-authority: ca.crt}
users:
- name: red-user
  user: {token: first-token}
contexts:
- name: dev
  context: {cluster: shared, user: red-user, namespace: dev}
`,
    );
    const second = write(
      join(b, 'config'),
      `apiVersion: v1
kind: Config
current-context: prod
clusters:
- name: shared
  cluster: {server: 'https://second.example:6443'}
- name: prod
  cluster: {server: 'https://prod.example:6443', certificate-authority: ca.crt}
users:
- name: red-user
  user: {token: second-token, username: not-merged}
- name: prod-user
  user: {tokenFile: token}
contexts:
- name: prod
  context: {cluster: prod, user: prod-user}
`,
    );
    const env = { KUBECONFIG: [join(a, 'missing'), first, '', second].join(delimiter) };
    const dev = loadKubeConfig({}, env);
    expect(dev.context).toBe('dev');
    expect(dev.contexts).toEqual(['dev', 'prod']);
    expect(dev.cluster).toEqual({ server: 'https://first.example:6443', caFile: join(a, 'ca.crt') });
    // The second file's red-user is discarded whole, even its non-conflicting username.
    expect(dev.user).toEqual({ token: 'first-token' });
    const prod = loadKubeConfig({ context: 'prod' }, env);
    expect(prod.cluster).toEqual({ server: 'https://prod.example:6443', caFile: join(b, 'ca.crt') });
    expect(prod.user).toEqual({ tokenFile: join(b, 'token') });
  });

  it('errors say what is wrong, in the words the service prints at start', () => {
    const d = dir();
    expect(() => loadKubeConfig({}, { KUBECONFIG: join(d, 'nope') })).toThrow(
      new KubeConfigError(`no kubeconfig found (looked at ${join(d, 'nope')}) and not running in a pod`),
    );
    expect(() => loadKubeConfig({ kubeconfigPath: join(d, 'nope') })).toThrow(`cannot load the kubeconfig ${join(d, 'nope')}`);
    const broken = write(join(d, 'broken'), 'clusters: {name: x}\n');
    expect(() => loadKubeConfig({ kubeconfigPath: broken })).toThrow(KubeConfigError);
    const kind = write(join(d, 'kind'), KIND);
    expect(() => loadKubeConfig({ kubeconfigPath: kind, context: 'prod' })).toThrow('kubeconfig has no context "prod"');
    const dangling = write(join(d, 'dangling'), KIND.replace('current-context: kind-kind', 'current-context: gone'));
    expect(() => loadKubeConfig({ kubeconfigPath: dangling })).toThrow('kubeconfig names no cluster for the current context');
  });
});

describe('in a pod', () => {
  it('the service account: https to KUBERNETES_SERVICE_HOST:PORT (IPv6 bracketed), its CA, token file and namespace', () => {
    const d = dir();
    mkdirSync(join(d, 'sa'));
    write(join(d, 'sa', 'namespace'), 'crashtriage');
    const config = fromServiceAccount({ KUBERNETES_SERVICE_HOST: 'fd00:10:96::1', KUBERNETES_SERVICE_PORT: '443' }, join(d, 'sa'));
    expect(config).toMatchObject({
      context: 'inCluster',
      namespace: 'crashtriage',
      cluster: { server: 'https://[fd00:10:96::1]:443', caFile: join(d, 'sa', 'ca.crt') },
      user: { tokenFile: join(d, 'sa', 'token') },
    });
    expect(() => fromServiceAccount({}, d)).toThrow(KubeConfigError);
    expect(() => fromServiceAccount({ KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' }, d, 'prod')).toThrow(
      'kubeconfig has no context "prod"',
    );
  });
});
