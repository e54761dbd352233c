import type { CoreV1Event } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { eventFacts, eventsNewestFirst } from '../../../src/kube/event-facts.ts';
import { kubeFixture } from '../../fixtures/kube/index.ts';

describe('eventsNewestFirst', () => {
  it('orders a crash loop’s events newest first, the BackOff on top', () => {
    const { events, pod } = kubeFixture('deployment-crashloop');
    const facts = eventsNewestFirst(events);
    expect(facts.map((e) => e.reason)).toEqual(['BackOff', 'Started', 'Pulled', 'Created', 'Scheduled']);
    expect(facts[0]).toEqual({
      type: 'Warning',
      reason: 'BackOff',
      // kuberuntime_manager.go doBackOff: `Back-off restarting failed container %s in pod %s` with format.Pod.
      message: `Back-off restarting failed container app in pod web-7d4b9c8f6-x2kqp_default(${pod.metadata?.uid ?? ''})`,
      count: 97,
      firstTimestamp: '2025-03-14T10:05:31Z',
      lastTimestamp: '2025-03-14T10:28:44Z',
      source: 'kubelet',
      fieldPath: 'spec.containers{app}',
    });
  });

  it('a scheduler event with only eventTime takes its time and reportingComponent', () => {
    const { events } = kubeFixture('deployment-crashloop');
    const scheduled = eventsNewestFirst(events).find((e) => e.reason === 'Scheduled');
    expect(scheduled).toEqual({
      type: 'Normal',
      reason: 'Scheduled',
      message: 'Successfully assigned default/web-7d4b9c8f6-x2kqp to ip-10-0-12-34.eu-west-1.compute.internal',
      count: 1,
      firstTimestamp: '2025-03-14T10:05:12.412Z',
      lastTimestamp: '2025-03-14T10:05:12.412Z',
      source: 'default-scheduler',
    });
  });

  it('sorts by lastTimestamp, then eventTime, then firstTimestamp', () => {
    const base = { metadata: {}, involvedObject: { kind: 'Pod', name: 'p' } };
    const events: CoreV1Event[] = [
      { ...base, reason: 'first-only', firstTimestamp: new Date('2025-01-01T00:00:03Z') },
      { ...base, reason: 'last', firstTimestamp: new Date('2025-01-01T00:00:00Z'), lastTimestamp: new Date('2025-01-01T00:00:05Z') },
      { ...base, reason: 'eventTime', eventTime: new Date('2025-01-01T00:00:04Z') },
    ];
    expect(eventsNewestFirst(events).map((e) => e.reason)).toEqual(['last', 'eventTime', 'first-only']);
  });

  it('an event with no type, count or source gets Normal, 1 and no source', () => {
    const facts = eventFacts({ metadata: {}, involvedObject: {}, reason: 'X', message: 'm' });
    expect(facts).toEqual({ type: 'Normal', reason: 'X', message: 'm', count: 1 });
  });
});
