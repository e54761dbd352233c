/**
 * The demo's "cluster": the test suite's fake Kubernetes API server (HTTPS on 127.0.0.1, real REST
 * paths, its own CA) serving the demo workloads' pods, events, previous logs and node, and a kubeconfig
 * that points at it. Nothing leaves loopback.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { startFakeKubeApi } from '../test/support/fake-kube-api.ts';
import type { DemoWorkload } from './workloads.ts';

export interface SimulatedCluster {
  /** `https://127.0.0.1:<port>` */
  url: string;
  /** A kubeconfig (context `fake`) with the server's CA and a token. */
  kubeconfigPath: string;
  close(): Promise<void>;
}

/** Thrown when the machine lacks what the simulated cluster needs; the message says how to get it. */
export class MissingToolError extends Error {}

/** `objects`: owners and their history (Deployments, ReplicaSets) beside the pods. */
export async function startSimulatedCluster(workloads: readonly DemoWorkload[], objects: readonly object[] = []): Promise<SimulatedCluster> {
  requireOpenssl();
  const api = await startFakeKubeApi({
    objects,
    pods: workloads.map((w) => w.rawPod),
    events: workloads.flatMap((w) => w.rawEvents),
    // Workloads share the simulated node; the first that carries it defines it.
    nodes: workloads.flatMap((w) => (w.rawNode === undefined ? [] : [w.rawNode])).slice(0, 1),
    logs: workloads.flatMap((w) =>
      w.previousLog === undefined ? [] : [{ namespace: w.namespace, pod: w.pod, container: w.container, previous: w.previousLog }],
    ),
  });
  return {
    url: api.url,
    kubeconfigPath: api.kubeconfigPath,
    close: async () => {
      await api.close();
      // writeKubeconfig made a temp directory for it alone.
      rmSync(dirname(api.kubeconfigPath), { recursive: true, force: true });
    },
  };
}

/** The fake server's TLS certificate is made with the openssl CLI (test/support/tls.ts). */
function requireOpenssl(): void {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
  } catch {
    throw new MissingToolError(
      'the simulated cluster needs the `openssl` command to make its TLS certificate, and it is not on PATH.\n' +
        '  On Debian/Ubuntu: sudo apt-get install openssl',
    );
  }
}
