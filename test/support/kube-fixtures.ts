/**
 * Loads fixture scenarios (test/fixtures/kube) into the shape `startFakeKubeApi` takes, so a test,
 * the benchmark or the demo can stand up a "cluster" in one line.
 */
import { type KubeScenario, kubeFixture } from '../fixtures/kube/index.ts';
import type { FakeKubeApiOptions } from './fake-kube-api.ts';

export function scenarioObjects(scenarios: readonly KubeScenario[]): Required<Pick<FakeKubeApiOptions, 'pods' | 'events' | 'logs'>> {
  const fixtures = scenarios.map(kubeFixture);
  return {
    pods: fixtures.map((f) => f.rawPod),
    events: fixtures.flatMap((f) => f.rawEvents),
    logs: fixtures.flatMap((f) =>
      f.previousLog === undefined ? [] : [{ namespace: f.namespace, pod: f.podName, container: f.container, previous: f.previousLog }],
    ),
  };
}

/** A copy of a raw pod whose containers all run and are ready, started at `startedAt`, with `restartCount` restarts. */
export function recoveredPod(rawPod: Record<string, unknown>, startedAt: Date, restartCount: number): Record<string, unknown> {
  const pod = structuredClone(rawPod) as { status?: { containerStatuses?: Record<string, unknown>[]; conditions?: Record<string, unknown>[] } };
  for (const c of pod.status?.containerStatuses ?? []) {
    c['ready'] = true;
    c['started'] = true;
    c['restartCount'] = restartCount;
    c['state'] = { running: { startedAt: startedAt.toISOString() } };
  }
  for (const c of pod.status?.conditions ?? []) {
    if (c['type'] === 'Ready' || c['type'] === 'ContainersReady') {
      c['status'] = 'True';
      delete c['reason'];
      delete c['message'];
    }
  }
  return pod;
}
