/**
 * A liveness probe the app answers with a 5xx (issue #28 items 1 and 3): the first Fix ends the kill
 * loop, liveness checking only that the probe's port answers (tcpSocket) and the HTTP check moved to
 * readiness when there is none, as one JSON patch whose `test` holds the path the events quote; the
 * log read comes second. Offered only when the spec is an httpGet liveness probe on a port the
 * container has; otherwise, and for a status that is not a 5xx, the log read stays first.
 */
import type { IEvent, IPod } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { diagnoseFixture } from './shared-setup.ts';

const NAME = 'liveness-probe-killing-expired-exit-zero';

const probed = (changePod?: (p: IPod) => void, changeEvents?: (e: IEvent[]) => void) => diagnoseFixture(NAME, changePod, changeEvents);

const container = (p: IPod) => {
  const c = p.spec?.containers[0];
  if (c === undefined) throw new Error('no container');
  return c;
};

const C = '/spec/template/spec/containers/0';

describe('a liveness probe answered with HTTP 503', () => {
  it('→ liveness checks only that port 8080 answers, the HTTP check moves to readiness (one JSON patch, its test on the quoted path); the log read second', () => {
    const d = probed();
    expect(d.cause.id).toBe('liveness-probe');
    expect(d.remedies[0]?.kind).toBe('remedy');
    expect(d.remedies[0]?.title).toBe(
      'Stop the kills: liveness checks only that port 8080 answers (tcpSocket); /actuator/health/liveness, answering 503, moves to readiness',
    );
    const ops = [
      { op: 'test', path: `${C}/livenessProbe/httpGet/path`, value: '/actuator/health/liveness' },
      { op: 'remove', path: `${C}/livenessProbe/httpGet` },
      { op: 'add', path: `${C}/livenessProbe/tcpSocket`, value: { port: 8080 } },
      { op: 'add', path: `${C}/readinessProbe`, value: { httpGet: { path: '/actuator/health/liveness', port: 8080 } } },
    ];
    expect(d.remedies[0]?.commands).toEqual([`kubectl patch deployment refunds -n payments --type json -p '${JSON.stringify(ops)}'`]);
    expect(d.remedies[1]).toMatchObject({ kind: 'diagnostic', title: expect.stringContaining('Read why it answered 503') });
    expect(d.remedies[1]?.commands[0]).toMatch(/^kubectl logs refunds-\S+ -n payments -c refunds --previous --tail=100$/);
  });

  it('a readiness probe already there → it stays; only liveness changes', () => {
    const d = probed((p) => {
      container(p).readinessProbe = { httpGet: { path: '/actuator/health/readiness', port: 8080 } };
    });
    expect(d.remedies[0]?.title).toContain('(readiness stays)');
    expect(d.remedies[0]?.commands[0]).not.toContain('readinessProbe');
  });

  it('a named port the container does not declare → the spec contradicts the answer: no patch, the log read first', () => {
    const d = probed((p) => {
      const c = container(p);
      if (c.livenessProbe?.httpGet !== undefined) c.livenessProbe.httpGet.port = 'management';
    });
    expect(d.remedies[0]?.kind).toBe('diagnostic');
    expect(d.remedies.map((r) => r.commands.join('\n')).join('\n')).not.toContain('tcpSocket');
  });

  it('a named port the container declares → the tcpSocket checks that port', () => {
    const d = probed((p) => {
      const c = container(p);
      c.ports = [{ name: 'management', containerPort: 8081, protocol: 'TCP' }, ...(c.ports ?? [])];
      if (c.livenessProbe?.httpGet !== undefined) c.livenessProbe.httpGet.port = 'management';
    });
    expect(d.remedies[0]?.kind).toBe('remedy');
    expect(d.remedies[0]?.commands[0]).toContain('livenessProbe/tcpSocket","value":{"port":"management"}');
  });

  it('the liveness probe is not an httpGet in the spec → no patch', () => {
    const d = probed((p) => {
      container(p).livenessProbe = { exec: { command: ['/bin/health'] }, periodSeconds: 10 };
    });
    expect(d.remedies.map((r) => r.commands.join('\n')).join('\n')).not.toContain('tcpSocket');
  });

  it('a status that is not a 5xx (401: the path wants credentials) → not the app reporting itself unhealthy: the log read first', () => {
    const d = probed(undefined, (events) => {
      for (const e of events) if (e.message !== undefined) e.message = e.message.replace('statuscode: 503', 'statuscode: 401');
    });
    expect(d.cause.id).toBe('liveness-probe');
    expect(d.remedies[0]?.kind).toBe('diagnostic');
  });
});
