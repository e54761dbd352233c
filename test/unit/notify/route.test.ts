import { describe, expect, it } from 'vitest';
import type { RouteSpec } from '../../../src/config/config.ts';
import { planDelivery } from '../../../src/notify/plan.ts';
import { routeSinks } from '../../../src/notify/route.ts';
import { oomDocument } from '../../fixtures/notify/documents.ts';

const labels = { alertname: 'KubePodCrashLooping', namespace: 'payments', severity: 'critical', team: 'pay' };

describe('routeSinks', () => {
  it('no routes → default sinks', () => {
    expect(routeSinks(labels, [], ['slack', 'email'])).toEqual(['slack', 'email']);
  });

  it('first matching route stops the walk', () => {
    const routes: RouteSpec[] = [
      { match: { namespace: 'payments' }, sinks: ['pay-slack'] },
      { match: { severity: 'critical' }, sinks: ['pager-mail'] },
    ];
    expect(routeSinks(labels, routes, ['default'])).toEqual(['pay-slack']);
  });

  it('continue: true → later matching routes add their sinks, each sink once', () => {
    const routes: RouteSpec[] = [
      { match: { namespace: 'payments' }, sinks: ['pay-slack'], continue: true },
      { matchRe: { severity: 'critical|warning' }, sinks: ['pager-mail', 'pay-slack'] },
      { match: { team: 'pay' }, sinks: ['never'] },
    ];
    expect(routeSinks(labels, routes, ['default'])).toEqual(['pay-slack', 'pager-mail']);
  });

  it('regex is anchored like Alertmanager: a partial match does not match', () => {
    expect(routeSinks(labels, [{ matchRe: { namespace: 'pay' }, sinks: ['a'] }], ['d'])).toEqual(['d']);
    expect(routeSinks(labels, [{ matchRe: { namespace: 'pay.*' }, sinks: ['a'] }], ['d'])).toEqual(['a']);
    expect(routeSinks(labels, [{ matchRe: { namespace: 'x|payments' }, sinks: ['a'] }], ['d'])).toEqual(['a']);
  });

  it('all matchers of a route must hold', () => {
    expect(routeSinks(labels, [{ match: { namespace: 'payments', team: 'other' }, sinks: ['a'] }], ['d'])).toEqual(['d']);
  });

  it('missing label matches as the empty string', () => {
    expect(routeSinks(labels, [{ match: { cluster: '' }, sinks: ['a'] }], ['d'])).toEqual(['a']);
    expect(routeSinks(labels, [{ matchRe: { cluster: '.+' }, sinks: ['a'] }], ['d'])).toEqual(['d']);
  });

  it('nothing matched → defaults; a route with no matchers matches everything', () => {
    expect(routeSinks(labels, [{ match: { namespace: 'other' }, sinks: ['a'] }], ['d'])).toEqual(['d']);
    expect(routeSinks(labels, [{ sinks: ['catch-all'] }], ['d'])).toEqual(['catch-all']);
  });
});

describe('planDelivery', () => {
  it('documents grouped per sink in batch order', () => {
    const a = oomDocument();
    const b = oomDocument({ alert: { ...a.alert, fingerprint: 'b', labels: { ...a.alert.labels, namespace: 'web' } } });
    const plan = planDelivery([a, b], { routes: [{ match: { namespace: 'web' }, sinks: ['web-slack'], continue: true }], defaultSinks: ['mail'] });
    expect([...plan.keys()]).toEqual(['mail', 'web-slack']);
    expect(plan.get('mail')?.map((d) => d.alert.fingerprint)).toEqual([a.alert.fingerprint]);
    expect(plan.get('web-slack')?.map((d) => d.alert.fingerprint)).toEqual(['b']);
  });
});
