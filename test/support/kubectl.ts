/**
 * Running the product's suggested commands through the real kubectl (test/support/kube-tools.ts):
 * - `workloadManifest`: the fixture pod's owner as a manifest (Deployment, StatefulSet, DaemonSet,
 *   ReplicaSet, Job) built from the pod spec, or the bare pod itself, for `--local` edits;
 * - `startKubectlTarget`: an API server that serves discovery only (so kubectl resolves resource
 *   types and flags the way it does against a cluster, and refuses unknown ones), answers every read
 *   404 NotFound and every write 403 Forbidden: a command that reaches it was parsed by kubectl;
 * - `shellWords`: bash's own word splitting and expansion of one command line.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IPod } from 'kubernetes-models/v1';
import { discoveryAnswer } from './kube-discovery.ts';
import { kubectlPath, toolMissing } from './kube-tools.ts';

/** The kubectl the remedies are run through; fails the importing test file without one. */
export const KUBECTL =
  kubectlPath() ??
  (() => {
    throw new Error(toolMissing('kubectl'));
  })();

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export function run(file: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      file,
      args,
      { env: options.env ?? process.env, cwd: options.cwd, timeout: options.timeoutMs ?? 30_000, maxBuffer: 8 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & { code?: number | string; killed?: boolean }) | null;
        resolve({ code: e === null ? 0 : typeof e.code === 'number' ? e.code : null, stdout, stderr, timedOut: e?.killed === true });
      },
    );
    child.stdin?.end();
  });
}

const OWNER_API: Record<string, string> = {
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  ReplicaSet: 'apps/v1',
  Job: 'batch/v1',
};

/** The pod's owner as a manifest around the pod's own spec, or the pod itself when it has no owner. */
export function workloadManifest(pod: IPod, owner: { kind: string; name: string } | undefined): Record<string, unknown> {
  const namespace = pod.metadata?.namespace ?? 'default';
  const labels = pod.metadata?.labels ?? { app: owner?.name ?? 'app' };
  if (owner === undefined || OWNER_API[owner.kind] === undefined) {
    return { apiVersion: 'v1', kind: 'Pod', metadata: { name: pod.metadata?.name, namespace, labels }, spec: pod.spec };
  }
  const template = { metadata: { labels }, spec: pod.spec };
  const spec: Record<string, unknown> =
    owner.kind === 'Job' ? { template } : { selector: { matchLabels: labels }, template, ...(owner.kind === 'StatefulSet' ? { serviceName: owner.name } : {}) };
  return { apiVersion: OWNER_API[owner.kind], kind: owner.kind, metadata: { name: owner.name, namespace, labels }, spec };
}

const status = (code: number, reason: string, message: string): unknown => ({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason, code });

export interface KubectlTarget {
  /** Environment for a command run against the target: KUBECONFIG set, nothing of the host's. */
  env: NodeJS.ProcessEnv;
  /** Every request kubectl made: method and path. */
  requests: string[];
  close(): Promise<void>;
}

export async function startKubectlTarget(): Promise<KubectlTarget> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(`${req.method} ${url.pathname}`);
    const send = (code: number, body: unknown): void => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    req.resume();
    const path = url.pathname.replace(/\/+$/, '');
    const discovery = discoveryAnswer(path);
    if (discovery !== undefined) return send(200, discovery);
    if (path === '/version') return send(200, { major: '1', minor: '32', gitVersion: 'v1.32.4', platform: 'linux/amd64' });
    if (req.method === 'GET') return send(404, status(404, 'NotFound', `${path.split('/').at(-1) ?? ''} not found`));
    return send(403, status(403, 'Forbidden', 'forbidden: this test server accepts no writes'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const dir = mkdtempSync(join(tmpdir(), 'crashtriage-kubectl-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    `apiVersion: v1
kind: Config
clusters: [{name: t, cluster: {server: "http://127.0.0.1:${port}"}}]
users: [{name: t, user: {token: test}}]
contexts: [{name: t, context: {cluster: t, user: t, namespace: default}}]
current-context: t
`,
  );
  return {
    env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: dir, KUBECONFIG: kubeconfig, KUBECACHEDIR: join(dir, 'cache') },
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** bash's own word splitting and expansion of a command line (no pipes, no redirections). */
export async function shellWords(line: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const out = await run('/bin/bash', ['-c', `printf '%s\\0' ${line}`], { env });
  if (out.code !== 0) throw new Error(`bash could not split: ${line}\n${out.stderr}`);
  return out.stdout.split('\0').slice(0, -1);
}
