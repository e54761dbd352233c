/**
 * A host that does not resolve, once the Services of that name were read (evidence.services,
 * src/diagnosis/service-query.ts): where they live decides the fix.
 *
 * - In another namespace: the app needs the Service's full name. When the container's command or
 *   args name the host, they are patched with it. Otherwise, for a bare name, an ExternalName
 *   Service of that name in the app's namespace makes the name resolve to the one that exists,
 *   without touching the app (https://kubernetes.io/docs/concepts/services-networking/service/#externalname);
 *   the full name where the app sets it follows, with the command that finds it (env values are not
 *   read, so the evidence cannot say which). A full name with the wrong namespace in it, and nothing
 *   in the pod spec that could set it (no env, envFrom or mounted ConfigMap), is built into the
 *   image: a build that asks for the right name (openservicemesh/osm#4072 fixed its URL so).
 * - Nowhere: the dependency is not deployed, or the app has the wrong name; whether a workload of
 *   that name exists decides (expose it, or deploy it), so the step that finds it stays first.
 * - In the namespace the app looked in: the Service is there and its name still did not resolve,
 *   so the cluster's DNS failed for this pod: CoreDNS decides.
 * - nginx's resolver: the cluster's DNS Service under its real name (grafana/mimir#1669, RKE2's
 *   rke2-coredns-rke2-coredns): an ExternalName alias under the name nginx asks for, then the
 *   resolver line itself.
 * Undefined when the Services were not read (or not for this host): the caller keeps its check.
 */
import type { Clues } from '../clues.ts';
import type { ServiceFacts } from '../cluster-facts.ts';
import type { Remedy } from '../document.ts';
import { serviceOfHost } from '../service-host.ts';
import { shq } from '../shell.ts';
import { deployBuild } from './ship-fix.ts';
import { jsonPatch, ns, type Workload } from './workload.ts';

const fqdn = (s: { name: string; namespace: string }): string => `${s.name}.${s.namespace}.svc.cluster.local`;

export function serviceHomeRemedies(clues: Clues, w: Workload, host: string): Remedy[] | undefined {
  const lookup = clues.evidence.services;
  if (lookup === undefined || lookup.query.host !== host) return undefined;
  if (lookup.query.kind === 'cluster-dns') return clusterDnsRemedies(w, host, lookup.found);
  const asked = serviceOfHost(host, w.namespace);
  if (asked === undefined) return undefined;
  const here = lookup.found.find((s) => s.namespace === asked.namespace);
  if (here !== undefined) return [dnsFailed(w, host, here)];
  const there = lookup.found[0];
  if (there === undefined) return [nowhere(w, asked)];
  const others =
    lookup.found.length > 1
      ? ` (also in ${lookup.found
          .slice(1)
          .map((s) => s.namespace)
          .join(', ')})`
      : '';
  const where = `Service ${there.name} is in namespace ${there.namespace}${others}, not ${asked.namespace}`;
  const patched = patchHostInCommand(clues, w, host, fqdn(there));
  if (patched !== undefined) return [{ kind: 'remedy', title: `Give ${w.container} ${fqdn(there)} instead of ${host}: ${where}`, commands: [patched] }];
  const setIt = findWhereSet(w, host, there, clues);
  if (!asked.explicit) return [alias(w.namespace, asked.name, there, where), setIt];
  if (!specMaySetIt(clues))
    return [
      {
        kind: 'remedy',
        title: `Deploy a build that asks for ${fqdn(there)} instead of ${host}: ${where}, and nothing in ${w.container}'s spec (env, args, mounted config) sets the name`,
        commands: deployBuild(clues, w),
      },
      setIt,
    ];
  return [{ ...setIt, title: `Where ${w.container} sets ${host} decides what to change (to ${fqdn(there)}): ${where}` }];
}

/** An ExternalName Service: `name` in `namespace` resolves to the Service that exists. */
function alias(namespace: string, name: string, target: ServiceFacts, why: string): Remedy {
  return {
    kind: 'remedy',
    title: `Make ${name} resolve in ${namespace} to ${fqdn(target)} (an ExternalName Service): ${why}`,
    commands: [`kubectl create service externalname ${shq(name)} -n ${shq(namespace)} --external-name=${shq(fqdn(target))}`],
  };
}

/** The command and args name the host: replaced in place, the rest of each string kept. */
function patchHostInCommand(clues: Clues, w: Workload, host: string, full: string): string | undefined {
  const c = clues.container;
  if (c === undefined || !w.patchable) return undefined;
  const token = new RegExp(`(?<![\\w.-])${host.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-]|\\.[\\w-])`, 'g');
  const ops: Record<string, unknown>[] = [];
  for (const field of ['command', 'args'] as const) {
    const now = c[field];
    const next = now.map((s) => s.replace(token, full));
    if (next.some((s, i) => s !== now[i])) {
      const path = `${w.podSpecPath}/${w.init ? 'initContainers' : 'containers'}/${w.index}/${field}`;
      ops.push({ op: 'test', path, value: now }, { op: 'replace', path, value: next });
    }
  }
  return ops.length === 0 ? undefined : jsonPatch(w, ops);
}

/** Env, envFrom or a mounted ConfigMap may carry the name; without any, only the image can. */
function specMaySetIt(clues: Clues): boolean {
  const c = clues.container;
  if (c === undefined) return true;
  const configVolumes = new Set(
    (clues.pod?.volumes ?? [])
      .filter((v) => v.sources.some((s) => s.kind === 'configMap') && v.name !== '' && !v.name.startsWith('kube-api-access-'))
      .map((v) => v.name),
  );
  return c.env.length > 0 || c.envFrom.length > 0 || c.volumeMounts.some((m) => configVolumes.has(m.name));
}

/** Where the workload's spec and its namespace's ConfigMaps name the host. */
function findWhereSet(w: Workload, host: string, there: ServiceFacts, clues: Clues): Remedy {
  const pattern = shq(host.replace(/\./g, '\\.'));
  return {
    kind: 'diagnostic',
    title: `Or give ${w.container} ${fqdn(there)} where it sets ${host}${specMaySetIt(clues) ? ' (env values are not read, so the message cannot say where)' : ''}`,
    commands: [`kubectl get ${w.ref} ${ns(w)} -o yaml | grep -n ${pattern}`, `kubectl get configmaps ${ns(w)} -o yaml | grep -n ${pattern}`],
  };
}

function nowhere(w: Workload, asked: { name: string; namespace: string }): Remedy {
  return {
    kind: 'diagnostic',
    title: `No Service ${asked.name} exists in any namespace: whether a workload ${asked.name} runs decides (expose it in ${asked.namespace}, or deploy it), else fix the name ${w.container} is given`,
    commands: [`kubectl get deployments,statefulsets -A --field-selector metadata.name=${shq(asked.name)}`],
  };
}

function dnsFailed(w: Workload, host: string, here: ServiceFacts): Remedy {
  return {
    kind: 'diagnostic',
    title: `Service ${here.name} exists in ${here.namespace}, yet ${host} did not resolve from the pod: the cluster's DNS (CoreDNS) decides`,
    commands: [
      'kubectl get pods -n kube-system -l k8s-app=kube-dns -o wide',
      'kubectl logs -n kube-system -l k8s-app=kube-dns --tail=50',
      `kubectl run net-check ${ns(w)} --rm -i --image=busybox:1.36 --restart=Never -- nslookup ${shq(host)}`,
    ],
  };
}

function clusterDnsRemedies(w: Workload, host: string, found: readonly ServiceFacts[]): Remedy[] | undefined {
  const dns = found[0];
  const asked = serviceOfHost(host, 'kube-system');
  if (dns === undefined || asked === undefined) return undefined;
  if (dns.name === asked.name && dns.namespace === asked.namespace) return [dnsFailed(w, host, dns)];
  const why = `the cluster's DNS Service is ${dns.name}${dns.clusterIP === undefined ? '' : ` (${dns.clusterIP})`}, not ${asked.name}`;
  return [
    alias(asked.namespace, asked.name, dns, why),
    {
      kind: 'diagnostic',
      title: `Or set nginx's resolver to ${fqdn(dns)}${dns.clusterIP === undefined ? '' : ` or ${dns.clusterIP}`} where its config names ${host}`,
      commands: [
        `kubectl get ${w.ref} ${ns(w)} -o yaml | grep -n ${shq(host.replace(/\./g, '\\.'))}`,
        `kubectl get configmaps ${ns(w)} -o yaml | grep -n ${shq(`resolver`)}`,
      ],
    },
  ];
}
