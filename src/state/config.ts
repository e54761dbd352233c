/**
 * Where the state that replicas share lives (README "Two replicas"): `STATE_STORE=memory` (the default:
 * one process, a restart forgets) or `kubernetes` (Lease objects in `STATE_NAMESPACE`, else the
 * service account's namespace; the shipped manifests set it). `POD_NAME` (the downward API) names
 * this replica in the Leases it holds.
 */
import { hostname } from 'node:os';

/** The namespace every pod's service account mount names. */
export const SERVICE_ACCOUNT_NAMESPACE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

export interface StateConfig {
  store: 'memory' | 'kubernetes';
  /** Where the Leases live; set when `store` is `kubernetes`. */
  namespace?: string;
  /** This replica's identity in the Leases it holds. */
  holder: string;
}

type Env = Readonly<Record<string, string | undefined>>;

export function stateFromEnv(env: Env, readFile: (path: string) => string, errors: string[]): StateConfig {
  const raw = env['STATE_STORE']?.trim() || 'memory';
  if (raw !== 'memory' && raw !== 'kubernetes') {
    errors.push(`STATE_STORE: "${raw}" is not one of memory, kubernetes`);
    return { store: 'memory', holder: holderIdentity(env) };
  }
  const state: StateConfig = { store: raw, holder: holderIdentity(env) };
  if (raw === 'memory') return state;
  const namespace = stateNamespace(env, readFile);
  if (namespace === undefined) {
    errors.push(`STATE_STORE=kubernetes: set STATE_NAMESPACE (no service account namespace at ${SERVICE_ACCOUNT_NAMESPACE}: not running in a pod)`);
    return state;
  }
  return { ...state, namespace };
}

/** `STATE_NAMESPACE`, else the service account's namespace file; undefined outside a pod. */
export function stateNamespace(env: Env, readFile: (path: string) => string): string | undefined {
  const configured = env['STATE_NAMESPACE']?.trim();
  if (configured !== undefined && configured !== '') return configured;
  try {
    return readFile(SERVICE_ACCOUNT_NAMESPACE).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** `POD_NAME` (the downward API), else hostname and pid: unique among the replicas. */
export function holderIdentity(env: Env): string {
  const pod = env['POD_NAME']?.trim();
  return pod !== undefined && pod !== '' ? pod : `${hostname()}-${process.pid}`;
}
