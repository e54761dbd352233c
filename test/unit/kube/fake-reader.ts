/** A hand-written `KubeReader` over fixtures (a fake of the port, not a module mock). */
import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import { KubeReadError } from '../../../src/kube/kube-error.ts';
import type { KubeReader, LogRequest } from '../../../src/kube/reader.ts';
import { type KubeScenario, kubeFixture } from '../../fixtures/kube/index.ts';

export interface FakeReader extends KubeReader {
  calls: string[];
  logRequests: LogRequest[];
}

export function fakeReader(
  scenarios: KubeScenario[],
  over: { pod?: KubeReadError; log?: KubeReadError | string; events?: KubeReadError | CoreV1Event[] } = {},
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
      if (over.pod !== undefined) throw over.pod;
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
    async listPodEvents(ns, name) {
      calls.push(`events ${ns}/${name}`);
      if (over.events instanceof KubeReadError) throw over.events;
      if (over.events !== undefined) return over.events;
      return find(ns, name)?.events ?? [];
    },
  };
}
