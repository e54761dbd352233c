/**
 * The environment leftovers of #28 (items 1, 3): a re-run init script's iptables chain, two listeners
 * on one port, a certificate without the IP it is reached by, a flag from the image's own command
 * line, a relative path, a name that does not resolve: each leads with the change that ends the loop,
 * and each change is offered only where the evidence it depends on holds.
 */

import type { IContainer } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/diagnosis/diagnose.ts';
import type { Diagnosis } from '../../../src/diagnosis/document.ts';
import type { Problem } from '../../../src/diagnosis/evidence.ts';
import type { OwnerKind } from '../../fixtures/diagnosis/k8s.ts';
import { commandsOf as allCommands, benchDiagnosis as bench, benchCase, diagnoseCrash } from './shared-setup.ts';

interface Run {
  spec?: Partial<IContainer>;
  owner?: OwnerKind;
  problems?: Problem[];
  image?: string;
}

const run = (log: string, exitCode: number, o: Run = {}): Diagnosis => diagnoseCrash(log, { exitCode, ran: 2, image: 'registry.example/team/api:1.0.0', ...o });

describe('an iptables chain left from an earlier run of the script (istio/istio#21030, #4585)', () => {
  const TRACE = '+ iptables -t nat -N ISTIO_REDIRECT\niptables: Chain already exists.\n';

  it('the bench cases lead with replacing the pod, then the CNI plugin; no read of the log the proof quotes', () => {
    for (const id of ['sub-traced-istio-init-chain-exists', 'sub-traced-proxy-init-chain-exists-comment']) {
      const d = bench(id);
      expect(d.remedies[0]?.kind, id).toBe('remedy');
      expect(d.remedies[0]?.title, id).toMatch(/^Replace the pod: chain ISTIO_REDIRECT is left from an earlier run/);
      expect(d.remedies[0]?.commands[0], id).toMatch(/^kubectl delete pod \S+ -n (bookinfo|ops)$/);
      expect(d.remedies[1]?.commands, id).toEqual(['istioctl install --set components.cni.enabled=true']);
      expect(d.remedies.map((r) => r.title).join('\n'), id).not.toContain('Read the full previous log');
    }
  });

  it('another failure of the same command is not a left-over chain: no replace', () => {
    const d = run('+ iptables -t nat -N ISTIO_REDIRECT\niptables: Permission denied (you must be root).\n', 1);
    expect(d.remedies.map((r) => r.title).join('\n')).not.toContain('Replace the pod');
  });

  it('a pod the API no longer has is not deleted (its controller replaced it)', () => {
    const d = run(TRACE, 1, { problems: [{ source: 'pod', kind: 'not-found', message: 'pods "api" not found' }] });
    expect(allCommands(d)).not.toContain('kubectl delete pod');
  });

  it('a bare pod, which no controller recreates, is replaced from its own manifest; no CNI step outside Istio', () => {
    const d = run(TRACE, 1, { owner: 'none' });
    expect(d.remedies[0]?.commands.join('\n')).toMatch(/kubectl get pod \S+ -n shop -o yaml > \S+\.yaml\nkubectl replace --force -f \S+\.yaml/);
    expect(allCommands(d)).not.toContain('istioctl');
  });
});

describe('two listeners on one port in one pod (k0rdent/kof#604, kubernetes/kubernetes#36348)', () => {
  it('another container declares the port: that one moves first; no check of what the title says', () => {
    const d = bench('sub-port-bind-sidecar-same-port');
    expect(d.remedies[0]).toMatchObject({ kind: 'remedy', title: 'Move k8s-sidecar off 8080: kube-state-metrics listens there too' });
    expect(d.remedies[0]?.commands.join('\n')).toContain("# edit kube-state-metrics.yaml: set k8s-sidecar's port to 8081 (its setting and containerPort)");
    expect(d.remedies.map((r) => r.title).join('\n')).not.toContain('See which containers');
  });

  it('another container of the same image declaring no port: the failing one moves, above 1023', () => {
    const d = bench('sub-port-bind-two-nginx-one-pod');
    expect(d.remedies[0]?.title).toBe('Move testcont off 80: key-value-store, the same image, listens there');
    expect(d.remedies[0]?.commands.join('\n')).toContain("set testcont's port to 8080");
    // A bare pod is recreated from its manifest.
    expect(d.remedies[0]?.commands.at(-1)).toBe('kubectl replace --force -f testpod.yaml');
  });

  it('another container of another image declaring no port is not known to hold it: the check stays first', () => {
    const c = benchCase('sub-port-bind-two-nginx-one-pod');
    if (c.evidence.pod === undefined) throw new Error('no pod');
    const containers = c.evidence.pod.containers.map((x) => (x.name === 'key-value-store' ? { ...x, image: 'redis:7.2' } : x));
    const d = diagnose({ ...c.evidence, pod: { ...c.evidence.pod, containers } });
    expect(d.remedies[0]?.kind).toBe('diagnostic');
  });

  it('a pod whose spec shows no other holder (the app may start twice): the check stays first', () => {
    const d = run('Error: listen EADDRINUSE: address already in use :::3000\n', 1, { spec: { ports: [{ containerPort: 3000 }] } });
    expect(d.remedies[0]).toMatchObject({ kind: 'diagnostic', title: 'See which containers of the pod declare port 3000 (they share one network namespace)' });
  });
});

describe('the Kubernetes API reached by an IP its certificate does not name (nginx/kubernetes-ingress#582)', () => {
  it('the bench case leads with reissuing the API server certificate with that IP, keeping its names', () => {
    const d = bench('sub-tls-nginx-ingress-ip-san');
    expect(d.remedies[0]).toMatchObject({
      kind: 'remedy',
      title: "Reissue the API server's certificate with IP 30.65.0.1 (the kubernetes Service's address) among its names",
    });
    expect(d.remedies[0]?.commands.at(-1)).toBe('sudo kubeadm init phase certs apiserver --apiserver-cert-extra-sans="$SANS,30.65.0.1"');
    expect(d.remedies[1]?.kind).toBe('diagnostic');
  });

  it('another server reached by IP is not the API server: no kubeadm; the look at its certificate stays first', () => {
    const d = run('Error: Get "https://10.0.4.7:8443/v1/health": x509: cannot validate certificate for 10.0.4.7 because it doesn\'t contain any IP SANs\n', 1);
    expect(d.cause.detail).toBe('tls-verify');
    expect(allCommands(d)).not.toContain('kubeadm');
    expect(d.remedies[0]?.kind).toBe('diagnostic');
  });
});

describe('a name that does not resolve: one command answers where the name exists (the evidence holds no Service list)', () => {
  /** The bench case as read when its Services could not be (forbidden, failed): ./service-home.test.ts has them read. */
  const unread = (id: string): Diagnosis => {
    const { services: _, ...evidence } = benchCase(id).evidence;
    return diagnose(evidence);
  };

  it('a Service name: find it in every namespace; its full name or its creation is the fix', () => {
    const d = unread('sub-dns-go-service-namespace-swapped');
    expect(d.remedies[0]).toMatchObject({
      kind: 'diagnostic',
      title: 'Where Service bookwarehouse exists decides: give the app bookwarehouse.<its namespace>.svc.cluster.local, or create it in sim-run',
      commands: ['kubectl get svc -A --field-selector metadata.name=bookwarehouse'],
    });
  });

  it("nginx's resolver: the cluster's DNS Services decide (grafana/mimir#1669), not a Service of that name", () => {
    const d = unread('sub-dns-nginx-resolver-name');
    expect(d.remedies[0]?.title).toMatch(/^nginx's resolver kube-dns\.kube-system\.svc\.cluster\.local does not resolve/);
    expect(d.remedies[0]?.commands).toEqual(['kubectl get svc -n kube-system -o wide | grep -i dns']);
    // An upstream of the same nginx is a Service the app names, not the resolver.
    expect(unread('app-crash-nginx-upstream-host-not-found').remedies[0]?.commands).toEqual(['kubectl get svc -A --field-selector metadata.name=backend']);
  });

  it('a name outside the cluster: the lookup from the namespace decides', () => {
    const d = run('Error: getaddrinfo ENOTFOUND db-primary.internal\n', 1);
    expect(d.remedies[0]?.commands.join('\n')).toContain('nslookup db-primary.internal');
  });
});

describe('a relative path under a ConfigMap volume mounted one directory too high (krkn-chaos/krkn#338)', () => {
  const krkn = () => {
    const c = benchCase('sub-missing-file-krkn-scenario-path');
    if (c.evidence.pod === undefined) throw new Error('no pod');
    return { evidence: c.evidence, pod: c.evidence.pod };
  };

  it('the bench case leads with mounting the volume at the subdirectory the path opens', () => {
    const d = bench('sub-missing-file-krkn-scenario-path');
    expect(d.remedies[0]?.kind).toBe('remedy');
    expect(d.remedies[0]?.title).toMatch(/^Mount scenarios-config at \/root\/kraken\/scenarios\/openshift: /);
    expect(d.remedies[0]?.commands.join('\n')).toContain('set mountPath /root/kraken/scenarios/openshift for volume scenarios-config');
  });

  it('a volume that lists its items (it may hold subdirectories) does not decide: the working directory check stays first', () => {
    const { evidence, pod } = krkn();
    const volumes = pod.volumes.map((v) =>
      v.name === 'scenarios-config' ? { ...v, sources: v.sources.map((s) => ({ ...s, keys: ['openshift/container_etcd.yml'] })) } : v,
    );
    const d = diagnose({ ...evidence, pod: { ...pod, volumes } });
    expect(d.remedies[0]?.kind).toBe('diagnostic');
  });

  it('a mount whose last directory is not the path’s first does not decide', () => {
    const { evidence, pod } = krkn();
    const moved = (c: (typeof pod.containers)[number]) => ({ ...c, volumeMounts: c.volumeMounts.map((m) => ({ ...m, mountPath: '/root/kraken/config' })) });
    const containers = pod.containers.map(moved);
    const d = diagnose({ ...evidence, pod: { ...pod, containers }, ...(evidence.container === undefined ? {} : { container: moved(evidence.container) }) });
    expect(d.remedies[0]?.kind).toBe('diagnostic');
  });
});

describe("a flag the image's own command line passes (istio-ecosystem/authservice#4)", () => {
  const LOG = "ERROR: Unknown command line flag 'log-level'\n";

  it("the bench case leads with the image's command line minus the flag, set as the container's command", () => {
    const d = bench('unknown-flag-absl-authservice-image-cmd');
    expect(d.remedies[0]?.kind).toBe('remedy');
    expect(d.remedies[0]?.title).toBe("Drop --log-level from the image's command line (Entrypoint and Cmd): set the rest as the container's command");
    expect(d.remedies[0]?.commands[0]).toMatch(/^ARGV=\$\(docker pull -q adrianlzt\/authservice:0\.1\.0 >\/dev\/null && docker inspect /);
    expect(d.remedies[0]?.commands[1]).toContain('\\"path\\":\\"/spec/template/spec/containers/0/command\\",\\"value\\":$ARGV');
  });

  it('a pod spec that sets args: the image Cmd is not what runs, so no command is built from it', () => {
    const d = run(LOG, 1, { spec: { args: ['--port=8080'] } });
    expect(d.cause.detail).toBe('unknown-flag');
    expect(d.remedies[0]?.kind).toBe('diagnostic');
    expect(allCommands(d)).not.toContain('ARGV=');
  });
});

describe('an address the log names by IP and by name', () => {
  it('the wait and the check are on the name (a pod IP changes when the pod is replaced)', () => {
    const d = bench('sub-dependency-refused-mongo-replica');
    expect(d.remedies[0]?.title).toMatch(/^Make the pod wait until mongo-1\.mongo:27017 accepts connections/);
    expect(allCommands(d)).not.toContain('10.244.47.12');
  });

  it('an IP alone stays the IP; a name on another port is not taken for it', () => {
    expect(run('Error: connect ECONNREFUSED 10.96.44.12:6379 (cache at redis-cache:6380)\n', 1).remedies[0]?.title).toContain('10.96.44.12:6379');
  });
});

describe('a log crashtriage may not read (403 on pods/log)', () => {
  it('is read as the reader first, not run by hand as if it were empty', () => {
    const d = bench('app-crash-logs-forbidden');
    expect(d.remedies[0]).toMatchObject({
      kind: 'diagnostic',
      title: 'Its log decides, and crashtriage may not read it (pods/log): read it as yourself',
      commands: ['kubectl logs ledger-tltljjpbbd-tpjfs -n payments -c ledger --previous --tail=200'],
    });
  });

  it('a log that was read and is empty keeps the run by hand', () => {
    expect(bench('app-crash-empty-log').remedies[0]?.title).toMatch(/^Run it by hand in a copy of the pod/);
    expect(bench('app-crash-exit-1-no-log-no-events').remedies[0]?.title).not.toContain('may not read it');
  });
});

describe('a config file no volume provides', () => {
  it('the proof line agrees with the mount the first Fix makes (not "must come from the image")', () => {
    const d = bench('sub-missing-file-prometheus-config-not-mounted');
    expect(d.remedies[0]?.title).toMatch(/^Mount \/etc\/prometheus\/prometheus\.yml from a new ConfigMap/);
    const proof = d.evidence.map((e) => e.text).join('\n');
    expect(proof).toContain('no volume is mounted over /etc/prometheus/prometheus.yml, and the image does not hold it');
    expect(proof).not.toContain('must come from the image');
  });
});
