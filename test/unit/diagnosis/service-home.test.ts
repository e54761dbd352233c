/**
 * A host that does not resolve, with the Services of that name read (#28 item 1): where they live
 * decides the first Fix. Each branch is checked against the evidence it depends on: without the
 * Services (not read, or the read failed) the check that finds them stays first.
 */

import { join } from 'node:path';
import type { IService } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { loadCases } from '../../../bench/accuracy-cases.ts';
import { diagnose } from '../../../src/diagnosis/diagnose.ts';
import type { Diagnosis } from '../../../src/diagnosis/document.ts';
import type { Evidence, VolumeFacts } from '../../../src/diagnosis/evidence.ts';
import { findSignatures, mayNameUnresolvedHost } from '../../../src/diagnosis/log-reader.ts';
import { serviceQuery } from '../../../src/diagnosis/service-query.ts';
import { toEvidence } from '../../fixtures/diagnosis/index.ts';
import { backOff } from '../../fixtures/diagnosis/k8s.ts';
import { benchDiagnosis as bench, benchCase, crashPod } from './shared-setup.ts';

const service = (name: string, namespace: string, labels: Record<string, string> = {}): IService => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace, labels },
  spec: { type: 'ClusterIP', clusterIP: '10.96.7.7', ports: [{ port: 80 }] },
});

/** Container `api` of Deployment `api` in namespace `shop`, exit 1 with `log`, in a cluster holding `services`. */
function crash(log: string, services: IService[], spec: Parameters<typeof crashPod>[0]['spec'] = {}): Evidence {
  const pod = crashPod({ exitCode: 1, ran: 2, image: 'registry.example/team/api:1.0.0', spec });
  return toEvidence({ name: 'x', description: 'x', pod, events: [backOff(pod, 'api', 9, 900)], log, services, expected: { cause: 'app-crash' } });
}

const withoutServices = (id: string): Diagnosis => {
  const { services: _, ...evidence } = benchCase(id).evidence;
  return diagnose(evidence);
};

describe('the Service is in another namespace: the app gets its full name', () => {
  it('a bare name: an ExternalName Service of that name makes it resolve; the full name where the app sets it follows', () => {
    const d = bench('app-crash-go-logrus-no-such-host');
    expect(d.remedies[0]).toEqual({
      kind: 'remedy',
      title:
        'Make redis-master resolve in platform to redis-master.redis.svc.cluster.local (an ExternalName Service): Service redis-master is in namespace redis, not platform',
      commands: ['kubectl create service externalname redis-master -n platform --external-name=redis-master.redis.svc.cluster.local'],
    });
    expect(d.remedies[1]).toMatchObject({
      kind: 'diagnostic',
      commands: [
        'kubectl get deployment/session-store -n platform -o yaml | grep -n redis-master',
        'kubectl get configmaps -n platform -o yaml | grep -n redis-master',
      ],
    });
    expect(bench('app-crash-nginx-upstream-host-not-found').remedies[0]?.commands).toEqual([
      'kubectl create service externalname backend -n web --external-name=backend.api.svc.cluster.local',
    ]);
  });

  it('without the Services the check that finds them stays first', () => {
    expect(withoutServices('app-crash-go-logrus-no-such-host').remedies[0]).toMatchObject({
      kind: 'diagnostic',
      title: 'Where Service redis-master exists decides: give the app redis-master.<its namespace>.svc.cluster.local, or create it in platform',
      commands: ['kubectl get svc -A --field-selector metadata.name=redis-master'],
    });
  });

  it('a full name with the wrong namespace, and nothing in the spec that sets it: a build that asks for the right one (openservicemesh/osm#4072)', () => {
    const d = bench('sub-dns-go-service-namespace-swapped');
    expect(d.remedies[0]?.kind).toBe('remedy');
    expect(d.remedies[0]?.title).toMatch(
      /^Deploy a build that asks for bookwarehouse\.bookwarehouse\.svc\.cluster\.local instead of bookwarehouse\.sim-run\.svc\.cluster\.local: /,
    );
    expect(d.remedies[0]?.commands.at(-1)).toBe('kubectl set image deployment/bookstore -n bookstore bookstore=openservicemesh/bookstore:"$TAG"');
  });

  it('the same name with env in the spec cannot say where it is set: the step that finds it comes first', () => {
    const log = 'dial tcp: lookup orders.billing.svc.cluster.local on 10.96.0.10:53: no such host\n';
    const e = crash(log, [service('orders', 'sales')], { env: [{ name: 'ORDERS_URL', value: 'http://orders.billing.svc.cluster.local' }] });
    const d = diagnose(e);
    expect(d.remedies[0]).toMatchObject({
      kind: 'diagnostic',
      title: expect.stringMatching(/^Where api sets orders\.billing\.svc\.cluster\.local decides what to change \(to orders\.sales\.svc\.cluster\.local\)/),
    });
    // Without the env, the image holds the name.
    expect(diagnose(crash(log, [service('orders', 'sales')])).remedies[0]?.kind).toBe('remedy');
  });

  it('a Service of that name in several other namespaces: the message names them all, and takes the first as the one meant', () => {
    const log = 'dial tcp: lookup orders.billing.svc.cluster.local on 10.96.0.10:53: no such host\n';
    const d = diagnose(crash(log, [service('orders', 'sales'), service('orders', 'ops')]));
    expect(d.remedies[0]?.title).toMatch(/: Service orders is in namespace (sales|ops) \(also in (ops|sales)\), not billing/);
  });

  it('a ConfigMap mounted into the container may set the name: where it is set decides, not a new build', () => {
    const log = 'dial tcp: lookup orders.billing.svc.cluster.local on 10.96.0.10:53: no such host\n';
    const e = crash(log, [service('orders', 'sales')], { volumeMounts: [{ name: 'settings', mountPath: '/etc/api' }] });
    const settings: VolumeFacts = { name: 'settings', kind: 'configMap', sources: [{ kind: 'configMap', name: 'api-settings', optional: false, keys: [] }] };
    const withVolume = (v: VolumeFacts, m: Evidence): Evidence => (m.pod === undefined ? m : { ...m, pod: { ...m.pod, volumes: [v] } });
    expect(diagnose(withVolume(settings, e)).remedies[0]?.title).toMatch(/^Where api sets orders\.billing\.svc\.cluster\.local decides what to change/);
    // The service account's token volume is no ConfigMap the app reads settings from.
    const token = { ...settings, name: 'kube-api-access-x7k2p' };
    const e2 = crash(log, [service('orders', 'sales')], { volumeMounts: [{ name: token.name, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }] });
    expect(diagnose(withVolume(token, e2)).remedies[0]?.title).toMatch(/^Deploy a build that asks for orders\.sales/);
  });

  it("a host the container's command names is replaced there (the bench's init container)", () => {
    const d = bench('pod-setup-init-waiting-for-service');
    expect(d.remedies[0]?.kind).toBe('remedy');
    expect(d.remedies[0]?.title).toBe(
      'Give wait-for-db mysql.db.svc.cluster.local instead of mysql.shop.svc.cluster.local: Service mysql is in namespace db, not shop',
    );
    const patch = JSON.parse(/-p '(.*)'$/.exec(d.remedies[0]?.commands[0] ?? '')?.[1] ?? '[]') as { op: string; value: string[] }[];
    expect(patch.map((o) => o.op)).toEqual(['test', 'replace']);
    expect(patch[1]?.value).toEqual(['sh', '-c', 'until nslookup mysql.db.svc.cluster.local; do echo waiting for mysql; sleep 2; done']);
    expect(withoutServices('pod-setup-init-waiting-for-service').remedies[0]?.kind).toBe('diagnostic');
  });

  it("curl's own words (kubernetes/kubernetes#110217: `kubernetes` from namespace vp): the args that name the host get its full name", () => {
    const e = crash('curl: (6) Could not resolve host: kubernetes\n', [service('kubernetes', 'default')], {
      command: ['sh', '-c'],
      args: ['curl -sf --cacert /var/run/secrets/kubernetes.io/serviceaccount/ca.crt https://kubernetes/api'],
    });
    expect(e.services?.query).toEqual({ kind: 'name', name: 'kubernetes', namespace: 'shop', host: 'kubernetes' });
    const d = diagnose(e);
    expect(d.cause.detail).toBe('dns-failure');
    expect(d.remedies[0]?.kind).toBe('remedy');
    expect(d.remedies[0]?.commands[0]).toContain('https://kubernetes.default.svc.cluster.local/api');
    // The path serviceaccount/ca.crt under kubernetes.io is not the host.
    expect(d.remedies[0]?.commands[0]).toContain('/var/run/secrets/kubernetes.io/serviceaccount/ca.crt');
  });
});

describe('no Service of that name anywhere (kubeedge/kubeedge#5639: nginx upstream svc-user-center-v3)', () => {
  it('whether a workload of that name runs decides: the step that finds it stays first, and says so', () => {
    const log = 'nginx: [emerg] host not found in upstream "svc-user-center-v3" in /etc/nginx/conf.d/nginx.80.conf:11\n';
    const d = diagnose(crash(log, [service('svc-user-center', 'shop')]));
    expect(d.remedies[0]).toEqual({
      kind: 'diagnostic',
      title:
        'No Service svc-user-center-v3 exists in any namespace: whether a workload svc-user-center-v3 runs decides (expose it in shop, or deploy it), else fix the name api is given',
      commands: ['kubectl get deployments,statefulsets -A --field-selector metadata.name=svc-user-center-v3'],
    });
  });
});

describe("the Service is in the app's own namespace (nginx/nginx-prometheus-exporter#105: `myyyy is a service in my k8s`)", () => {
  it("the name did not resolve all the same: the cluster's DNS decides", () => {
    const log =
      'Could not create Nginx Client: failed to get http://myyyy:80/nginx_status: Get http://myyyy:80/nginx_status: dial tcp: lookup myyyy on 172.21.0.10:53: no such host\n';
    const d = diagnose(crash(log, [service('myyyy', 'shop')]));
    expect(d.remedies[0]?.kind).toBe('diagnostic');
    expect(d.remedies[0]?.title).toBe("Service myyyy exists in shop, yet myyyy did not resolve from the pod: the cluster's DNS (CoreDNS) decides");
    expect(d.remedies[0]?.commands[0]).toBe('kubectl get pods -n kube-system -l k8s-app=kube-dns -o wide');
  });
});

describe("nginx's resolver names the cluster's DNS Service (grafana/mimir#1669, RKE2)", () => {
  it('the DNS Service by its label gets an alias under the name nginx asks for; the resolver line follows', () => {
    const d = bench('sub-dns-nginx-resolver-name');
    expect(d.remedies[0]).toMatchObject({
      kind: 'remedy',
      commands: ['kubectl create service externalname kube-dns -n kube-system --external-name=rke2-coredns-rke2-coredns.kube-system.svc.cluster.local'],
    });
    expect(d.remedies[1]?.title).toContain('rke2-coredns-rke2-coredns.kube-system.svc.cluster.local or 10.43.0.10');
  });

  it('a DNS Service that has the very name nginx asks for: DNS itself failed', () => {
    const e = benchCase('sub-dns-nginx-resolver-name').evidence;
    const found = [{ name: 'kube-dns', namespace: 'kube-system', type: 'ClusterIP', clusterIP: '10.96.0.10', ports: [53] }];
    const d = diagnose({ ...e, services: { query: { kind: 'cluster-dns', host: 'kube-dns.kube-system.svc.cluster.local' }, found } });
    expect(d.remedies[0]?.kind).toBe('diagnostic');
    expect(d.remedies[0]?.title).toMatch(/^Service kube-dns exists in kube-system, yet/);
  });
});

describe('which alerts read Services at all', () => {
  it('only a host that does not resolve, or one an init container waits for', () => {
    expect(serviceQuery(benchCase('app-crash-go-logrus-no-such-host').evidence)).toEqual({
      kind: 'name',
      name: 'redis-master',
      namespace: 'platform',
      host: 'redis-master',
    });
    expect(serviceQuery(benchCase('sub-dns-nginx-resolver-name').evidence)).toEqual({ kind: 'cluster-dns', host: 'kube-dns.kube-system.svc.cluster.local' });
    expect(serviceQuery(benchCase('pod-setup-init-waiting-for-service').evidence)).toMatchObject({ name: 'mysql', namespace: 'shop' });
    // A refused connection resolves; an outside name is no Service; an ordinary crash names none.
    for (const id of ['app-crash-go-zap-fatal-connection-refused', '17_oom_kill', 'app-crash-python-attributeerror-none'])
      expect(serviceQuery(benchCase(id).evidence), id).toBeUndefined();
    expect(serviceQuery(crash('Error: getaddrinfo ENOTFOUND db-primary.internal\n', []))).toBeUndefined();
  });

  // serviceQuery runs every matcher only past this pre-test: a line it did not let through would lose the Services.
  it('the cheap pre-test lets through every line the log reader reads as a host that does not resolve', () => {
    const unresolved = (line: string): boolean =>
      findSignatures([line]).some((s) => s.kind === 'dependency-unreachable' && s.failure === 'dns' && s.endpoint !== undefined);
    // A JSON line, its quotes escaped: only its leveled message reads as libpq's words.
    const jsonLine = '{"level":50,"msg":"could not translate host name \\"orders-db\\" to address"}';
    const lines = [...loadCases(join(import.meta.dirname, '..', '..', '..', 'bench', 'cases')).flatMap((c) => c.evidence.log?.lines ?? []), jsonLine];
    const found = lines.filter(unresolved);
    expect(found).toContain(jsonLine);
    expect(found.length).toBeGreaterThan(3);
    expect(found.filter((line) => !mayNameUnresolvedHost([line]))).toEqual([]);
    // Cheap because it lets few others through: the rest of the lines run no other matcher.
    expect(lines.filter((line) => !unresolved(line) && mayNameUnresolvedHost([line])).length).toBeLessThan(lines.length / 20);
  });
});
