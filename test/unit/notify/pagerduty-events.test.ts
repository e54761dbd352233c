import { describe, expect, it } from 'vitest';
import type { DiagnosisDocument, IncidentRef } from '../../../src/diagnosis/document.ts';
import {
  changeEvent,
  changeEventsUrl,
  dedupKey,
  eventBytes,
  LOG_EXCERPT_MAX_BYTES,
  logTail,
  PAGERDUTY_EVENTS_URL,
  PAGERDUTY_LIMITS,
  pagerDutyAction,
  pagerDutySeverity,
  resolveEvent,
  triggerEvent,
} from '../../../src/notify/pagerduty-events.ts';
import { hugeDocument, oomDocument, resolvedOf } from '../../fixtures/notify/documents.ts';
import { CORPUS_EXTERNAL_URL, corpusDocuments } from '../../support/corpus-documents.ts';
import { pagerDutyEventError } from '../../support/pagerduty-standin.ts';

const EXT = 'http://alertmanager.example:9093';
const KEY = 'R0UT1NGKEY0000000000000000000042';

function incident(news: IncidentRef['news'], over: Partial<IncidentRef> = {}): IncidentRef {
  return {
    id: 'prod-eu-1/shop/checkout@2026-04-09T14:05:00Z',
    cluster: 'prod-eu-1',
    workload: { kind: 'Deployment', name: 'checkout' },
    pods: [{ name: 'checkout-7d9-abcde', cause: 'app-crash', title: 'KeyError (exit 1)', status: 'firing' }],
    news,
    summary: ['3 of 3 pods of deployment/checkout crash looping'],
    ...over,
  };
}

const withIncident = (doc: DiagnosisDocument, ref: IncidentRef): DiagnosisDocument => ({ ...doc, incident: ref });

describe('PagerDuty trigger event', () => {
  it('OOM document → summary is the header, source the workload, component/group/class container, namespace and cause; details carry the proof and the fix', () => {
    const doc = withIncident(
      oomDocument(),
      incident('opened', { workload: { kind: 'Deployment', name: 'payment-svc' }, id: 'prod-eu-1/payments/payment-svc@t' }),
    );
    const event = triggerEvent(doc, { routingKey: KEY, externalURL: EXT });
    expect(pagerDutyEventError(event)).toBeUndefined();
    expect(event).toMatchObject({
      routing_key: KEY,
      event_action: 'trigger',
      dedup_key: 'prod-eu-1/payments/payment-svc@t',
      client: 'crashtriage',
      client_url: expect.stringMatching(/^http:\/\/alertmanager\.example:9093\/#\/alerts\?filter=/),
      payload: {
        summary: 'payments/payment-svc: killed at its 512Mi memory limit',
        source: 'prod-eu-1/payments/deployment/payment-svc',
        severity: 'warning',
        timestamp: '2026-04-09T14:03:10Z',
        component: 'payment-svc',
        group: 'payments',
        class: 'oom-killed',
      },
    });
    const details = event.payload.custom_details;
    expect(details['deciding']).toEqual([
      'Incident: 3 of 3 pods of deployment/checkout crash looping',
      'Container status: Last State: Terminated, Reason: OOMKilled, Exit Code: 137, ran 42s (14:03:10 → 14:03:52)',
    ]);
    expect(details['fix']).toEqual({
      title: 'Raise the memory limit of payment-svc (Deployment/payment-svc)',
      commands: [expect.stringMatching(/^kubectl patch deployment payment-svc -n payments/), 'kubectl rollout status deployment/payment-svc -n payments'],
    });
    expect((details['log'] as { excerpt: string }).excerpt).toContain('heap 498Mi of 512Mi <limit> & rising');
    expect(details['incident']).toEqual(['3 of 3 pods of deployment/checkout crash looping']);
    expect(event.links.map((l) => l.text)).toEqual(['Alertmanager', 'Prometheus', 'Silence']);
  });

  it("severity follows Alertmanager's label through the mapping; an unknown value is a warning", () => {
    const base = oomDocument();
    const at = (severity: string): DiagnosisDocument => ({ ...base, alert: { ...base.alert, labels: { ...base.alert.labels, severity } } });
    expect(pagerDutySeverity(at('critical'))).toBe('critical');
    expect(pagerDutySeverity(at('Page'))).toBe('critical');
    expect(pagerDutySeverity(at('error'))).toBe('error');
    expect(pagerDutySeverity(at('info'))).toBe('info');
    expect(pagerDutySeverity(at('sev3'))).toBe('warning');
    expect(pagerDutySeverity(at('sev3'), { sev3: 'error' })).toBe('error');
    expect(triggerEvent(at('sev1'), { routingKey: KEY, externalURL: EXT, severityMap: { sev1: 'critical' } }).payload.severity).toBe('critical');
  });

  it('huge document → within every PagerDuty limit: summary 1,024, log 8 KB, the event far under 512 KB', () => {
    const event = triggerEvent(hugeDocument(), { routingKey: KEY, externalURL: EXT });
    expect(pagerDutyEventError(event)).toBeUndefined();
    expect(event.payload.summary.length).toBeLessThanOrEqual(PAGERDUTY_LIMITS.summary);
    expect(event.dedup_key.length).toBeLessThanOrEqual(PAGERDUTY_LIMITS.dedupKey);
    const log = (event.payload.custom_details['log'] as { excerpt: string }).excerpt;
    expect(Buffer.byteLength(log)).toBeLessThanOrEqual(LOG_EXCERPT_MAX_BYTES);
    expect(log).not.toMatch(/\u001b/);
    expect(eventBytes(event)).toBeLessThan(64 * 1024);
  });

  it('every corpus document → an event PagerDuty accepts, under 512 KB', () => {
    let n = 0;
    for (const { fixture, document } of corpusDocuments()) {
      const event = triggerEvent(document, { routingKey: KEY, externalURL: CORPUS_EXTERNAL_URL });
      expect(pagerDutyEventError(event), fixture.name).toBeUndefined();
      expect(eventBytes(event)).toBeLessThan(PAGERDUTY_LIMITS.eventBytes);
      n++;
    }
    expect(n).toBeGreaterThan(50);
  });
});

describe('dedup_key: one PagerDuty alert per incident', () => {
  it('is the incident id for every pod of the incident, firing or resolved', () => {
    const a = withIncident(oomDocument(), incident('opened'));
    const b = withIncident(oomDocument({ target: { ...oomDocument().target, pod: 'payment-svc-7b9f6d-other' } }), incident('joined'));
    const closed = withIncident(resolvedOf(oomDocument()), incident('closed'));
    expect(new Set([dedupKey(a), dedupKey(b), dedupKey(closed)])).toEqual(new Set(['prod-eu-1/shop/checkout@2026-04-09T14:05:00Z']));
    expect(resolveEvent(closed, { routingKey: KEY })).toEqual({ routing_key: KEY, event_action: 'resolve', dedup_key: dedupKey(a) });
  });

  it('outside an incident: the workload and the alert start; over 255 characters, cut and hashed, still distinct', () => {
    expect(dedupKey(oomDocument())).toBe('payments/deployment/payment-svc@2026-04-09T14:03:10Z');
    const long = (name: string): DiagnosisDocument => withIncident(oomDocument(), incident('opened', { id: `prod/${'n'.repeat(260)}/${name}@t` }));
    const [k1, k2] = [dedupKey(long('a')), dedupKey(long('b'))];
    expect(k1.length).toBe(PAGERDUTY_LIMITS.dedupKey);
    expect(k1).not.toBe(k2);
    expect(dedupKey(long('a'))).toBe(k1);
  });
});

describe('what each document does to the alert', () => {
  it('firing: opened, joined and a new cause trigger (update); a pod already shown does nothing', () => {
    expect(pagerDutyAction(oomDocument())).toBe('trigger');
    expect(pagerDutyAction(withIncident(oomDocument(), incident('opened')))).toBe('trigger');
    expect(pagerDutyAction(withIncident(oomDocument(), incident('joined')))).toBe('trigger');
    expect(pagerDutyAction(withIncident(oomDocument(), incident('cause-differs')))).toBe('trigger');
    expect(pagerDutyAction(withIncident(oomDocument(), incident('unchanged')))).toBe('none');
  });

  it('resolved: only the close of the incident whose check found recovery resolves; still failing or unknown sends nothing', () => {
    const resolved = (state?: 'healthy' | 'replaced' | 'still-failing' | 'unknown', news: IncidentRef['news'] = 'closed'): DiagnosisDocument => {
      const doc = withIncident(resolvedOf(oomDocument()), incident(news));
      return state === undefined ? doc : { ...doc, resolution: { state, text: state } };
    };
    expect(pagerDutyAction(resolved('healthy'))).toBe('resolve');
    expect(pagerDutyAction(resolved('replaced'))).toBe('resolve');
    expect(pagerDutyAction(resolved('still-failing'))).toBe('none');
    expect(pagerDutyAction(resolved('unknown'))).toBe('none');
    expect(pagerDutyAction(resolved('healthy', 'pod-resolved'))).toBe('none');
    // No check was made (Alertmanager's word alone): resolved.
    expect(pagerDutyAction(resolved())).toBe('resolve');
    expect(pagerDutyAction(resolvedOf(oomDocument()))).toBe('resolve');
  });
});

describe('change event', () => {
  it('the rollout that began the incident → summary "revision 8: …", timestamp the rollout, links without the silence form', () => {
    const doc = withIncident(
      oomDocument(),
      incident('opened', {
        change: { revision: 8, previousRevision: 7, since: '2026-04-09T13:58:00Z', differences: ['image checkout:2.3.0 → 2.4.0'] },
      }),
    );
    const event = changeEvent(doc, { routingKey: KEY, externalURL: EXT });
    expect(event).toEqual({
      routing_key: KEY,
      payload: {
        summary: 'payments/deployment/checkout revision 8: image checkout:2.3.0 → 2.4.0',
        source: 'prod-eu-1/payments/deployment/checkout',
        timestamp: '2026-04-09T13:58:00Z',
        custom_details: {
          revision: 8,
          previous_revision: 7,
          differences: ['image checkout:2.3.0 → 2.4.0'],
          incident: 'prod-eu-1/shop/checkout@2026-04-09T14:05:00Z',
        },
      },
      links: [expect.objectContaining({ text: 'Alertmanager' }), expect.objectContaining({ text: 'Prometheus' })],
    });
    expect(changeEvent(withIncident(oomDocument(), incident('opened')), { routingKey: KEY, externalURL: EXT })).toBeUndefined();
    expect(changeEvent(oomDocument(), { routingKey: KEY, externalURL: EXT })).toBeUndefined();
  });

  it('goes to change/enqueue beside the events endpoint', () => {
    expect(changeEventsUrl(PAGERDUTY_EVENTS_URL)).toBe('https://events.pagerduty.com/v2/change/enqueue');
    expect(changeEventsUrl('http://127.0.0.1:4000/v2/enqueue')).toBe('http://127.0.0.1:4000/v2/change/enqueue');
  });
});

describe('logTail', () => {
  it('keeps the last lines within the byte budget, an ellipsis where it cut', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i} ${'é'.repeat(50)}`);
    const tail = logTail(lines, 1024);
    expect(Buffer.byteLength(tail)).toBeLessThanOrEqual(1024);
    expect(tail.split('\n')[0]).toBe('…');
    expect(tail.endsWith(`line 99 ${'é'.repeat(50)}`)).toBe(true);
    expect(logTail(['a', 'b'])).toBe('a\nb');
  });
});
