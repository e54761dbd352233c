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
