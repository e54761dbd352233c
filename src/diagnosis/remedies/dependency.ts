/**
 * A dependency the program could not reach at start, as its log names it (host:port refused or timed
 * out, or a name that does not resolve).
 *
 * Refused or timed out: the address resolves, nothing answers on it yet (a database that starts after
 * the app on a first install, a replica set still electing). What ends the loop is that the app starts
 * once the dependency answers: an init container that waits for host:port (busybox `nc -z`), so the
 * pod waits in Init instead of crash-looping and starts by itself. The reachability check follows.
 *
 * A name that does not resolve: either its Service does not exist (yet) or the app is given a wrong
 * name. The Services of that name, read with the evidence, decide (./service-home.ts). When they
 * could not be read, the check comes first, one command that answers what decides: where a Service
 * of that name exists (its full name name.namespace.svc.cluster.local is then the fix; none: create
 * it). An nginx `resolver` that does not resolve names the cluster's DNS Service, whose name differs
 * by distribution (grafana/mimir#1669: RKE2's is rke2-coredns-rke2-coredns): the DNS Services decide.
 */
import type { Clues } from '../clues.ts';
import { dependency } from '../crash-verdict.ts';
import type { Remedy } from '../document.ts';
import { NGINX_RESOLVER } from '../log-matchers-access.ts';
import { serviceOfHost } from '../service-host.ts';
import { shq } from '../shell.ts';
import { serviceHomeRemedies } from './service-home.ts';
import { ns, patchPodSpec, type Workload } from './workload.ts';

/** An init container name from the host: `wait-for-kestra-postgresql`. */
function waitName(host: string): string {
  const name = `wait-for-${host.toLowerCase().replace(/[^a-z0-9-]+/g, '-')}`.slice(0, 63);
  return name.replace(/-+$/, '');
}

export function dependencyRemedies(clues: Clues, w: Workload): Remedy[] {
  const dep = dependency(clues);
  if (dep?.endpoint === undefined) return [];
  const [host = dep.endpoint, port] = dep.endpoint.split(':');
  const svc = serviceOfHost(host, w.namespace);
  const resolves = dep.failure !== 'dns';
  if (!resolves) return serviceHomeRemedies(clues, w, host) ?? [dnsCheck(w, dep.text, host, svc)];
  const check: Remedy = {
    kind: 'diagnostic',
    title: resolves
      ? `Check that ${dep.endpoint} is up and reachable from ${w.namespace}`
      : `Whether Service ${svc === undefined ? host : `${svc.name} exists in namespace ${svc.namespace}`} decides: create it, or give the app the name that exists`,
    commands: [
      ...(svc === undefined ? [] : [`kubectl get svc,endpoints ${shq(svc.name)} -n ${shq(svc.namespace)}`]),
      ...(svc === undefined ? [] : [`kubectl get endpointslices -n ${shq(svc.namespace)} -l kubernetes.io/service-name=${shq(svc.name)}`]),
      `kubectl run net-check ${ns(w)} --rm -i --image=busybox:1.36 --restart=Never -- ${port === undefined ? `nslookup ${shq(host)}` : `nc -vz -w 3 ${shq(host)} ${shq(port)}`}`,
    ],
  };
  // Waiting helps only an address that resolves, with a port to knock on; an init container that
  // crashes would itself wait before a new one added after it (strategic merge appends), so not there.
  if (!resolves || port === undefined || w.init) return [check];
  const target = `${host}:${port}`;
  return [
    {
      kind: 'remedy',
      title: `Make the pod wait until ${target} accepts connections (an init container), so it starts once ${host} is up instead of crash-looping`,
      commands: patchPodSpec(w, {
        initContainers: [
          {
            name: waitName(host),
            image: 'busybox:1.36',
            command: ['sh', '-c', `until nc -z -w 3 ${host} ${port}; do echo waiting for ${target}; sleep 2; done`],
          },
        ],
      }),
    },
    check,
  ];
}

/** The one command that says which name exists, for a name that does not resolve. */
function dnsCheck(w: Workload, text: string, host: string, svc: { name: string; namespace: string } | undefined): Remedy {
  if (NGINX_RESOLVER.test(text))
    return {
      kind: 'diagnostic',
      title: `nginx's resolver ${host} does not resolve: the name of the cluster's DNS Service (or its IP) decides what goes there`,
      commands: [`kubectl get svc -n ${shq(svc?.namespace ?? 'kube-system')} -o wide | grep -i dns`],
    };
  if (svc === undefined)
    return {
      kind: 'diagnostic',
      title: `Whether ${host} resolves from ${w.namespace} decides: fix the name the app is given, or its DNS record`,
      commands: [`kubectl run net-check ${ns(w)} --rm -i --image=busybox:1.36 --restart=Never -- nslookup ${shq(host)}`],
    };
  return {
    kind: 'diagnostic',
    title: `Where Service ${svc.name} exists decides: give the app ${svc.name}.<its namespace>.svc.cluster.local, or create it in ${svc.namespace}`,
    commands: [`kubectl get svc -A --field-selector metadata.name=${shq(svc.name)}`],
  };
}
