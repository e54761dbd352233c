/**
 * Which Services the evidence should hold, decided from what was read before them (pure): a host the
 * log names that does not resolve, or that an init container waits for, is a Service that is not
 * where the app looks. Where a Service of that name lives decides the fix (the app's namespace: DNS
 * failed; another namespace: the app needs its full name; none: it is missing), so gathering reads
 * them (one list, src/kube/gather-evidence.ts) only for these alerts. nginx's `resolver` names the
 * cluster's DNS Service, whose name differs by distribution (grafana/mimir#1669: RKE2 calls it
 * rke2-coredns-rke2-coredns): the DNS Service by its conventional label is read instead.
 */

import type { ServiceQuery } from './cluster-facts.ts';
import { dependency } from './crash-verdict.ts';
import type { Evidence } from './evidence.ts';
import { clueSubject, gatherClues } from './gather-clues.ts';
import { NGINX_RESOLVER } from './log-matchers-access.ts';
import { mayNameUnresolvedHost } from './log-reader.ts';
import { waitsFor } from './rules/pod-setup-rules.ts';
import { serviceOfHost } from './service-host.ts';

/** The Services to read for this evidence, or undefined for every alert that names no unresolved Service. */
export function serviceQuery(evidence: Evidence): ServiceQuery | undefined {
  if (evidence.log === undefined) return undefined;
  const { container: c, namespace, log } = clueSubject(evidence);
  const lines = log?.lines ?? [];
  // An init container still running that says what it waits for (rules/pod-setup-rules.ts initWaiting).
  const waited = c?.init === true && c.restartPolicy !== 'Always' && c.state?.kind === 'running' ? waitsFor(lines)?.what : undefined;
  // Every matcher runs (the diagnosis runs them again) only for a log that may name a host that does not resolve.
  const dep = waited === undefined && mayNameUnresolvedHost(lines) ? dependency(gatherClues(evidence)) : undefined;
  const endpoint = waited ?? (dep?.failure === 'dns' ? dep.endpoint : undefined);
  if (endpoint === undefined) return undefined;
  const host = endpoint.split(':')[0] ?? '';
  if (dep !== undefined && NGINX_RESOLVER.test(dep.text)) return { kind: 'cluster-dns', host };
  const svc = serviceOfHost(host, namespace);
  return svc === undefined || namespace === '' ? undefined : { kind: 'name', name: svc.name, namespace: svc.namespace, host };
}
