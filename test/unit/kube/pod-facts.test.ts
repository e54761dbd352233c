import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { probeFacts } from '../../../src/kube/container-facts.ts';
import { findContainer, podFacts } from '../../../src/kube/pod-facts.ts';
import { kubeFixture } from '../../fixtures/kube/index.ts';

const facts = (scenario: Parameters<typeof kubeFixture>[0]) => podFacts(kubeFixture(scenario).pod);

describe('podFacts: Deployment pod in CrashLoopBackOff', () => {
  const pod = facts('deployment-crashloop');
  const app = findContainer(pod, 'app');

  it('resolves the Deployment from the ReplicaSet and its pod-template-hash', () => {
    expect(pod.owner).toEqual({ kind: 'Deployment', name: 'web' });
    expect(pod.controllerRef).toEqual({ kind: 'ReplicaSet', name: 'web-7d4b9c8f6' });
  });

  it('keeps pod identity, phase, node, QoS, restart policy and start time', () => {
    expect(pod).toMatchObject({
      name: 'web-7d4b9c8f6-x2kqp',
      namespace: 'default',
      phase: 'Running',
      nodeName: 'ip-10-0-12-34.eu-west-1.compute.internal',
      qosClass: 'Burstable',
      restartPolicy: 'Always',
      startTime: '2025-03-14T10:05:12Z',
    });
    expect(pod.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(pod.conditions.find((c) => c.type === 'Ready')).toEqual({
      type: 'Ready',
      status: 'False',
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [app]',
    });
  });

  it('reads the waiting state and the terminated last state with its run time', () => {
    expect(app?.state).toEqual({
      kind: 'waiting',
      reason: 'CrashLoopBackOff',
      message: `back-off 2m40s restarting failed container=app pod=web-7d4b9c8f6-x2kqp_default(${pod.uid ?? ''})`,
    });
    expect(app?.lastState).toEqual({
      kind: 'terminated',
      reason: 'Error',
      exitCode: 1,
      startedAt: '2025-03-14T10:26:01Z',
      finishedAt: '2025-03-14T10:26:03Z',
      runSeconds: 2,
    });
    expect(app?.restartCount).toBe(5);
    expect(app?.ready).toBe(false);
    expect(app?.init).toBe(false);
  });

  it('parses the image, resources, command, args and ports', () => {
    expect(app).toMatchObject({
      image: 'ghcr.io/acme/web:1.8.2',
      imageTag: '1.8.2',
      resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '512Mi' } },
      command: ['node'],
      args: ['dist/server.js'],
      ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
    });
    expect(app?.imageDigest).toBeUndefined();
  });

  it('keeps probes with their handlers and timings', () => {
    expect(app?.probes.liveness).toEqual({
      handler: { kind: 'http', path: '/healthz', port: 'http', scheme: 'HTTP' },
      initialDelaySeconds: 10,
      periodSeconds: 10,
      timeoutSeconds: 1,
      failureThreshold: 3,
      successThreshold: 1,
    });
    expect(app?.probes.readiness?.periodSeconds).toBe(5);
    expect(app?.probes.startup).toBeUndefined();
  });

  it('keeps env names and references, drops literal values except RUNTIME_ENV_VARS', () => {
    expect(app?.env).toEqual([
      { name: 'PORT', from: { kind: 'value' } },
      { name: 'NODE_OPTIONS', from: { kind: 'value', value: '--max-old-space-size=384' } },
      { name: 'DATABASE_URL', from: { kind: 'secretKeyRef', name: 'web-db', key: 'url', optional: false } },
      { name: 'API_TOKEN', from: { kind: 'value' } },
      { name: 'LOG_LEVEL', from: { kind: 'configMapKeyRef', name: 'web-config', key: 'log-level', optional: true } },
      { name: 'POD_NAME', from: { kind: 'fieldRef' } },
      { name: 'MEMORY_LIMIT', from: { kind: 'resourceFieldRef' } },
    ]);
    expect(JSON.stringify(pod)).not.toContain('tok_live_51HxQ2eZvKYlo2C9');
    expect(app?.envFrom).toEqual([
      { kind: 'configMap', name: 'web-env', optional: false },
      { kind: 'secret', name: 'web-flags', optional: true, prefix: 'FEATURE_' },
    ]);
  });

  it('keeps volume mounts and the ConfigMaps/Secrets behind volumes, with keys', () => {
    expect(app?.volumeMounts).toEqual([
      { name: 'config', mountPath: '/etc/web', readOnly: true },
      { name: 'kube-api-access-7xq2n', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true },
    ]);
    expect(pod.volumes).toEqual([
      { name: 'config', kind: 'configMap', sources: [{ kind: 'configMap', name: 'web-config', optional: false, keys: ['app.yaml'] }] },
      {
        name: 'kube-api-access-7xq2n',
        kind: 'projected',
        sources: [{ kind: 'configMap', name: 'kube-root-ca.crt', optional: false, keys: ['ca.crt'] }],
      },
    ]);
  });
});

describe('podFacts: owners', () => {
  it.each([
    ['statefulset-liveness', { kind: 'StatefulSet', name: 'db' }],
    ['daemonset-container-creating', { kind: 'DaemonSet', name: 'node-exporter' }],
    // A CronJob's Job is named `<cronjob>-<digits>`; the Job stays the owner (no guessing).
    ['job-start-error', { kind: 'Job', name: 'nightly-report-28912345' }],
  ] as const)('%s → owner %j, no controllerRef', (scenario, owner) => {
    const pod = facts(scenario);
    expect(pod.owner).toEqual(owner);
    expect(pod.controllerRef).toBeUndefined();
  });

  it('a bare pod has no owner', () => {
    const pod = facts('bare-pod-exit-zero');
    expect(pod.owner).toBeUndefined();
    expect(pod.controllerRef).toBeUndefined();
  });

  it('a ReplicaSet whose name does not end with the pod-template-hash stays the owner', () => {
    const { pod } = kubeFixture('deployment-crashloop');
    const changed: V1Pod = { ...pod, metadata: { ...pod.metadata, labels: { 'pod-template-hash': 'ffff' } } };
    expect(podFacts(changed).owner).toEqual({ kind: 'ReplicaSet', name: 'web-7d4b9c8f6' });
  });

  it('a non-controller ownerReference is not an owner', () => {
    const { pod } = kubeFixture('statefulset-liveness');
    const refs = (pod.metadata?.ownerReferences ?? []).map((r) => ({ ...r, controller: false }));
    expect(podFacts({ ...pod, metadata: { ...pod.metadata, ownerReferences: refs } }).owner).toBeUndefined();
  });
});

describe('podFacts: terminations and waiting states', () => {
  it('OOMKilled 137 carries SIGKILL; an image with a registry port and no tag is latest', () => {
    const api = findContainer(facts('deployment-oomkilled'), 'api');
    expect(api?.lastState).toMatchObject({ kind: 'terminated', reason: 'OOMKilled', exitCode: 137, signal: 9, signalName: 'SIGKILL', runSeconds: 92 });
    expect(api?.imageTag).toBe('latest');
    expect(api?.env).toContainEqual({ name: 'JAVA_TOOL_OPTIONS', from: { kind: 'value', value: '-XX:MaxRAMPercentage=90' } });
  });

  it('liveness kill: exit 143 → SIGTERM, currently running, exec probe kept', () => {
    const pg = findContainer(facts('statefulset-liveness'), 'postgres');
    expect(pg?.state).toEqual({ kind: 'running', startedAt: '2025-03-14T10:27:55Z' });
    expect(pg?.lastState).toMatchObject({ exitCode: 143, signal: 15, signalName: 'SIGTERM', runSeconds: 211 });
    expect(pg?.probes.liveness).toMatchObject({ handler: { kind: 'exec', command: ['pg_isready', '-U', 'postgres'] }, periodSeconds: 5 });
    expect(pg?.probes.readiness?.handler).toEqual({ kind: 'tcp', port: 5432 });
  });

  it('StartError 128 keeps the runtime message, names no signal and claims no run time', () => {
    const report = findContainer(facts('job-start-error'), 'report');
    expect(report?.lastState).toMatchObject({ kind: 'terminated', reason: 'StartError', exitCode: 128 });
    expect(report?.lastState).not.toHaveProperty('signal');
    expect(report?.lastState).not.toHaveProperty('runSeconds');
    if (report?.lastState?.kind !== 'terminated') throw new Error('expected terminated');
    expect(report.lastState.message).toContain('exec: "reportgen": executable file not found in $PATH');
    expect(report.imageTag).toBeUndefined();
    expect(report.imageDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('segfault 139 → SIGSEGV in one container while the sidecar runs', () => {
    const pod = facts('multi-container-segfault');
    expect(findContainer(pod, 'worker')?.lastState).toMatchObject({ exitCode: 139, signal: 11, signalName: 'SIGSEGV' });
    expect(findContainer(pod, 'log-shipper')).toMatchObject({ ready: true, restartCount: 0, state: { kind: 'running' } });
    expect(pod.volumes.map((v) => v.kind)).toEqual(['emptyDir', 'configMap', 'projected']);
  });

  it('init containers are facts with init: true and their own statuses', () => {
    const pod = facts('init-crashloop');
    expect(pod.initContainers).toHaveLength(1);
    expect(pod.initContainers[0]).toMatchObject({ name: 'migrate', init: true, restartCount: 6, state: { kind: 'waiting', reason: 'CrashLoopBackOff' } });
    expect(findContainer(pod, 'web')?.state).toEqual({ kind: 'waiting', reason: 'PodInitializing' });
    expect(findContainer(pod, 'migrate')?.init).toBe(true);
  });

  it('CreateContainerConfigError keeps the missing ConfigMap message; GOMEMLIMIT value kept', () => {
    const app = findContainer(facts('config-error'), 'app');
    expect(app?.state).toEqual({ kind: 'waiting', reason: 'CreateContainerConfigError', message: 'configmap "app-config" not found' });
    expect(app?.lastState).toBeUndefined();
    expect(app?.env).toContainEqual({ name: 'GOMEMLIMIT', from: { kind: 'value', value: '900MiB' } });
  });

  it('ImagePullBackOff and ContainerCreating are waiting states; hostPath volume kind', () => {
    expect(findContainer(facts('image-pull-backoff'), 'ingest')?.state).toMatchObject({ kind: 'waiting', reason: 'ImagePullBackOff' });
    const ds = facts('daemonset-container-creating');
    expect(findContainer(ds, 'node-exporter')?.state).toEqual({ kind: 'waiting', reason: 'ContainerCreating' });
    expect(ds.volumes).toEqual([{ name: 'root', kind: 'hostPath', sources: [] }]);
  });

  it('exit 0 Completed under restartPolicy Always; digest-only image has no tag', () => {
    const pod = facts('bare-pod-exit-zero');
    expect(pod.restartPolicy).toBe('Always');
    expect(findContainer(pod, 'shell')).toMatchObject({ lastState: { kind: 'terminated', reason: 'Completed', exitCode: 0, runSeconds: 5 } });
    expect(findContainer(pod, 'shell')?.imageTag).toBeUndefined();
  });

  it('raw JSON (string times) gives the same facts as the client’s Date-typed pod', () => {
    const fixture = kubeFixture('deployment-oomkilled');
    expect(podFacts(fixture.rawPod as V1Pod)).toEqual(podFacts(fixture.pod));
  });

  it('a container with no status yet has restartCount 0 and no state', () => {
    const { pod } = kubeFixture('config-error');
    const noStatus: V1Pod = { ...pod, status: { phase: 'Pending' } };
    expect(findContainer(podFacts(noStatus), 'app')).toMatchObject({ restartCount: 0, ready: false });
    expect(findContainer(podFacts(noStatus), 'app')?.state).toBeUndefined();
  });
});

describe('probeFacts', () => {
  it('fills the API defaults when fields are absent', () => {
    expect(probeFacts({ tcpSocket: { port: 8080 } })).toEqual({
      handler: { kind: 'tcp', port: 8080 },
      initialDelaySeconds: 0,
      periodSeconds: 10,
      timeoutSeconds: 1,
      failureThreshold: 3,
      successThreshold: 1,
    });
  });

  it('grpc and https handlers; httpGet without a path probes /', () => {
    expect(probeFacts({ grpc: { port: 9090, service: 'health' } })?.handler).toEqual({ kind: 'grpc', port: 9090, service: 'health' });
    expect(probeFacts({ httpGet: { port: 8443, scheme: 'HTTPS' } })?.handler).toEqual({ kind: 'http', path: '/', port: 8443, scheme: 'HTTPS' });
  });

  it('a probe with no handler is ignored', () => {
    expect(probeFacts({ periodSeconds: 3 })).toBeUndefined();
  });
});
