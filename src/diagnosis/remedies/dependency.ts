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
 * name; the evidence cannot tell which, so the check comes first and its title names the fact that
 * decides (whether the Service exists in that namespace).
 */
import type { Clues } from '../clues.ts';
import { dependency } from '../crash-verdict.ts';
import type { Remedy } from '../document.ts';
import { shq } from '../shell.ts';
import { ns, patchContainer, type Workload } from './workload.ts';

/** `db` or `db.other-ns.svc(.cluster.local)`; `db.other-ns` cannot be told from an outside host such as `db-primary.internal`. */
function serviceOf(host: string, namespace: string): { name: string; namespace: string } | undefined {
  const svc = /^([a-z0-9-]+)(?:\.([a-z0-9-]+)\.svc(?:\.cluster\.local)?\.?)?$/.exec(host);
  return svc?.[1] === undefined ? undefined : { name: svc[1], namespace: svc[2] ?? namespace };
}

/** An init container name from the host: `wait-for-kestra-postgresql`. */
function waitName(host: string): string {
  const name = `wait-for-${host.toLowerCase().replace(/[^a-z0-9-]+/g, '-')}`.slice(0, 63);
  return name.replace(/-+$/, '');
}

export function dependencyRemedies(clues: Clues, w: Workload): Remedy[] {
  const dep = dependency(clues);
  if (dep?.endpoint === undefined) return [];
  const [host = dep.endpoint, port] = dep.endpoint.split(':');
  const svc = serviceOf(host, w.namespace);
  const resolves = dep.failure !== 'dns';
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
      commands: patchContainer(
        w,
        {},
        {
          initContainers: [
            {
              name: waitName(host),
              image: 'busybox:1.36',
              command: ['sh', '-c', `until nc -z -w 3 ${host} ${port}; do echo waiting for ${target}; sleep 2; done`],
            },
          ],
        },
      ),
    },
    check,
  ];
}
