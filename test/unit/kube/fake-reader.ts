/** A hand-written `KubeReader` over fixtures (a fake of the port, not a module mock). */
import type { CoreV1Event, V1Node, V1PersistentVolumeClaim, V1Pod, V1Service, V1StorageClass } from '@kubernetes/client-node';
import { KubeReadError } from '../../../src/kube/kube-error.ts';
import type { KubeReader, LogRequest } from '../../../src/kube/reader.ts';
import { type KubeScenario, kubeFixture } from '../../fixtures/kube/index.ts';

export interface FakeReader extends KubeReader {
  calls: string[];
  logRequests: LogRequest[];
}

export function fakeReader(
  scenarios: KubeScenario[],
  over: {
    /** A failure, or a pod (any shape the API returns) to serve instead of the scenario's. */
    pod?: KubeReadError | V1Pod;
    log?: KubeReadError | string;
    currentLog?: KubeReadError | string;
    events?: KubeReadError | CoreV1Event[];
    node?: KubeReadError | V1Node;
    /** Every Service of the cluster (the list is filtered as the API filters it), or a failure. */
    services?: KubeReadError | V1Service[];
    /** Claims by name (a missing one answers 404), and the StorageClasses (none by default). */
    claims?: Record<string, KubeReadError | V1PersistentVolumeClaim>;
    storageClasses?: KubeReadError | V1StorageClass[];
  } = {},
): FakeReader {
  const fixtures = scenarios.map(kubeFixture);
  const find = (ns: string, name: string) => fixtures.find((f) => f.namespace === ns && f.podName === name);
  const calls: string[] = [];
  const logRequests: LogRequest[] = [];
  const notFound = (name: string) => new KubeReadError('not-found', `pods "${name}" not found`, { status: 404 });
  return {
    calls,
    logRequests,
    async readPod(ns, name): Promise<V1Pod> {
      calls.push(`pod ${ns}/${name}`);
      if (over.pod instanceof KubeReadError) throw over.pod;
      if (over.pod !== undefined) return over.pod;
      const f = find(ns, name);
      if (f === undefined) throw notFound(name);
      return f.pod;
    },
    async readPreviousLog(ns, name, container, request) {
      calls.push(`log ${ns}/${name}/${container}`);
      logRequests.push(request);
      if (over.log instanceof KubeReadError) throw over.log;
      if (typeof over.log === 'string') return over.log;
      const f = find(ns, name);
      if (f === undefined) throw notFound(name);
      return f.previousLog ?? '';
    },
    async readCurrentLog(ns, name, container, request) {
      calls.push(`current-log ${ns}/${name}/${container}`);
      logRequests.push(request);
      if (over.currentLog instanceof KubeReadError) throw over.currentLog;
      return over.currentLog ?? '';
    },
    async readNode(name) {
      calls.push(`node ${name}`);
      if (over.node instanceof KubeReadError) throw over.node;
      if (over.node !== undefined) return over.node;
      throw new KubeReadError('not-found', `nodes "${name}" not found`, { status: 404 });
    },
    async listServices(ns, selector) {
      calls.push(`services ${ns ?? '*'} ${selector.fieldSelector ?? selector.labelSelector ?? ''}`);
      if (over.services instanceof KubeReadError) throw over.services;
      const [key, value] = (selector.fieldSelector ?? selector.labelSelector ?? '').split('=');
      return (over.services ?? []).filter((s) => {
        if (ns !== undefined && s.metadata?.namespace !== ns) return false;
        if (selector.fieldSelector !== undefined) return key === 'metadata.name' && s.metadata?.name === value;
        return key === undefined || s.metadata?.labels?.[key] === value;
      });
    },
    async readClaim(ns, name) {
      calls.push(`claim ${ns}/${name}`);
      const claim = over.claims?.[name];
      if (claim === undefined) throw new KubeReadError('not-found', `persistentvolumeclaims "${name}" not found`, { status: 404 });
      if (claim instanceof KubeReadError) throw claim;
      return claim;
    },
    async listStorageClasses() {
      calls.push('storageclasses');
      if (over.storageClasses instanceof KubeReadError) throw over.storageClasses;
      return over.storageClasses ?? [];
    },
    async listPodEvents(ns, name) {
      calls.push(`events ${ns}/${name}`);
      if (over.events instanceof KubeReadError) throw over.events;
      if (over.events !== undefined) return over.events;
      return find(ns, name)?.events ?? [];
    },
  };
}
