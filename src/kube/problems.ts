/**
 * A failed read → the `Problem` a person reads in the message: what could not be read, why, and
 * what to do (the RBAC rule to add, the CA to check). Messages quote at most the API's `Status`
 * message, never a response body.
 */
import type { Problem, ProblemSource } from '../diagnosis/evidence.ts';
import type { KubeReadError } from './kube-error.ts';

export interface ReadContext {
  namespace: string;
  pod: string;
  container?: string;
  /** For node reads: the node's name. */
  node?: string;
  /** A read of every namespace (a cluster-wide list), so a 403 names the cluster scope. */
  clusterWide?: boolean;
}

const WHAT: Record<ProblemSource, string> = {
  pod: 'the pod',
  logs: 'the previous log',
  events: 'the events',
  node: "the pod's node",
  services: 'the Services the log names',
  storage: "the pod's claims and the StorageClasses",
  target: 'the target',
  kube: 'the Kubernetes API',
  prometheus: 'the memory history',
};

export function problemFromError(source: ProblemSource, err: KubeReadError, ctx: ReadContext): Problem {
  const what = WHAT[source];
  const problem = (message: string): Problem => ({ source, kind: err.kind, message });
  switch (err.kind) {
    case 'not-found':
      if (source === 'node') return problem(`node "${ctx.node ?? '?'}" not found: it was removed (scale-down, replacement) after the pod ran on it`);
      return problem(`pod "${ctx.namespace}/${ctx.pod}" not found: it was probably replaced (rollout, eviction or reschedule)`);
    case 'forbidden': {
      if (err.missingPermission === undefined) return problem(`forbidden: cannot read ${what}: ${err.message}`);
      const scope = source === 'node' || ctx.clusterWide === true ? 'at the cluster scope' : `in namespace "${ctx.namespace}"`;
      const p = problem(`forbidden: the service account cannot ${err.missingPermission} ${scope}; grant it to read ${what}`);
      p.missingPermission = err.missingPermission;
      return p;
    }
    case 'unauthorized':
      return problem(`unauthorized: the Kubernetes API refused the credentials while reading ${what} (expired or revoked token?)`);
    case 'no-previous-log':
      return problem(`no previous log: container "${ctx.container ?? '?'}" has no terminated instance to read (${err.message})`);
    case 'bad-request':
      return problem(`the API refused to return ${what}: ${err.message}`);
    case 'timeout':
      return problem(`reading ${what} timed out: ${err.message}`);
    case 'connection':
      return problem(`cannot reach the Kubernetes API while reading ${what} (${err.code ?? 'connection failed'})`);
    case 'tls':
      return problem(`TLS failed talking to the Kubernetes API (${err.code ?? 'handshake'}): check the cluster CA in the kubeconfig`);
    case 'server-error':
      return problem(`the Kubernetes API answered ${err.status ?? '5xx'} while reading ${what}: ${err.message}`);
    case 'missing-label':
    case 'invalid-label':
    case 'no-container':
    case 'other':
      return problem(`reading ${what} failed: ${err.message}`);
    default: {
      const never: never = err.kind;
      return never;
    }
  }
}
