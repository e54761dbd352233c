import { describe, expect, it } from 'vitest';
import { collapseRepeats, shortExcerpt } from '../../../src/notify/log-lines.ts';
import { buildMessage, severityOf } from '../../../src/notify/message.ts';
import { problemsLine } from '../../../src/notify/proof.ts';
import { truncateWords } from '../../../src/notify/text.ts';
import { oomDocument } from '../../fixtures/notify/documents.ts';

describe('collapseRepeats', () => {
  it('identical and near-identical runs (numbers, timestamps, ids) → first line plus a count', () => {
    const lines = ['start', ...Array.from({ length: 20 }, (_, i) => `2026-04-09T14:03:${String(i).padStart(2, '0')}Z heartbeat ok seq=${i}`), 'end'];
    expect(collapseRepeats(lines)).toEqual(['start', '2026-04-09T14:03:00Z heartbeat ok seq=0', '… 19 more `heartbeat ok seq=` lines …', 'end']);
  });

  it('a pair stays a pair; blank lines never collapse; different lines untouched', () => {
    expect(collapseRepeats(['a 1', 'a 2', '', '', 'b'])).toEqual(['a 1', 'a 2', '', '', 'b']);
  });

  it('shortExcerpt keeps the last lines, where the crash is, and says it cut', () => {
    const lines = Array.from({ length: 20 }, (_, i) => `line ${'x'.repeat(i)}`);
    const short = shortExcerpt(lines, 8);
    expect(short).toHaveLength(8);
    expect(short[0]).toBe('…');
    expect(short.at(-1)).toBe(lines.at(-1));
  });

  it('shortExcerpt leaves out what was already said: the deciding line, a line seen earlier', () => {
    expect(shortExcerpt(['waiting for db', "can't resolve db", 'waiting for db', 'done'], 8, ["can't resolve db"])).toEqual(['waiting for db', 'done']);
  });
});

describe('truncateWords', () => {
  it('cuts at a word boundary with an ellipsis; leaves short text alone', () => {
    expect(truncateWords('the quick brown fox jumps', 14)).toBe('the quick…');
    expect(truncateWords('short', 14)).toBe('short');
    expect(truncateWords('x'.repeat(30), 10)).toBe(`${'x'.repeat(9)}…`);
  });
});

describe('message model', () => {
  it('severity label → critical, warning (the default) or info', () => {
    const base = oomDocument();
    const withSeverity = (severity: string) => oomDocument({ alert: { ...base.alert, labels: { ...base.alert.labels, severity } } });
    expect(severityOf(withSeverity('critical'))).toBe('critical');
    expect(severityOf(withSeverity('info'))).toBe('info');
    expect(severityOf(withSeverity('bogus'))).toBe('warning');
  });

  it('only the BackOff event as proof → it is the deciding fact; otherwise it stays in the details', () => {
    const backOff = { source: 'events' as const, text: 'Warning BackOff: Back-off restarting failed container app' };
    const only = buildMessage(oomDocument({ evidence: [backOff] }), { externalURL: '' });
    expect(only.first.deciding.map((d) => d.text)).toEqual([backOff.text]);
    const full = buildMessage(oomDocument(), { externalURL: '' });
    expect(full.first.deciding.some((d) => d.text.includes('BackOff'))).toBe(false);
    expect(full.details.moreProof.some((e) => e.text.includes('BackOff'))).toBe(true);
  });

  it('a finding that restates a proof line is dropped', () => {
    const doc = oomDocument({ findings: [{ id: 'dup', text: 'resources.limits.memory: 512Mi, requests.memory: 256Mi' }] });
    expect(buildMessage(doc, { externalURL: '' }).details.findings).toEqual([]);
  });

  it('links: Alertmanager, Prometheus, runbook, silence; unsafe URLs dropped', () => {
    const base = oomDocument();
    const doc = oomDocument({ alert: { ...base.alert, annotations: { runbook_url: 'javascript:alert(1)' } } });
    expect(buildMessage(doc, { externalURL: 'https://am.example' }).first.context.links.map((l) => l.text)).toEqual(['Alertmanager', 'Prometheus', 'Silence']);
    expect(buildMessage(doc, { externalURL: 'not a url' }).first.context.links.map((l) => l.text)).toEqual(['Prometheus']);
  });
});

describe('the first screen says what could not be read', () => {
  const forbidden =
    'pods "payment-svc-7b9f6d-xk2p" is forbidden: User "system:serviceaccount:monitoring:crashtriage" cannot get resource "pods/log" in API group "" in the namespace "payments"';

  it('one problem → its source in words and its message quoted', () => {
    expect(problemsLine([{ source: 'events', kind: 'timeout', message: 'timeout after 5s reading events.' }])).toBe(
      'Could not read the pod events: timeout after 5s reading events — the diagnosis may be incomplete',
    );
  });

  it('several → the first quoted, cut at a word within the budget, "+N more" for the rest', () => {
    const line = problemsLine([
      { source: 'logs', kind: 'forbidden', message: `${forbidden} ${forbidden}` },
      { source: 'events', kind: 'timeout', message: 'timeout after 5s reading events' },
      { source: 'node', kind: 'forbidden', message: 'nodes "n1" is forbidden' },
    ]);
    expect(line.startsWith('Could not read the previous log: pods "payment-svc-7b9f6d-xk2p" is forbidden: User ')).toBe(true);
    expect(line.endsWith('… (+2 more) — the diagnosis may be incomplete')).toBe(true);
    expect(line.length).toBeLessThanOrEqual(220);
    const kept = line.slice(0, line.indexOf('…')).split(' ').at(-1) ?? '';
    expect(`${forbidden} ${forbidden}`).toContain(`${kept} `);
  });

  it('a message that already says what it could not read is not prefixed again', () => {
    expect(problemsLine([{ source: 'kube', kind: 'not-found', message: 'could not read deployment/checkout: deployments.apps "checkout" not found' }])).toBe(
      'Could not read deployment/checkout: deployments.apps "checkout" not found — the diagnosis may be incomplete',
    );
  });

  it('the message model carries it; no problem → no line', () => {
    const doc = oomDocument({ problems: [{ source: 'logs', kind: 'forbidden', message: forbidden }] });
    expect(buildMessage(doc, { externalURL: '' }).first.problems).toContain('is forbidden: User');
    expect(buildMessage(oomDocument(), { externalURL: '' }).first.problems).toBeUndefined();
  });
});

describe('a chart shown beside the message', () => {
  const withSparkline = oomDocument({
    evidence: [
      ...oomDocument().evidence.slice(0, 1),
      { source: 'metrics', text: 'memory, last 6 h: ▁▂▃▄▅▆▇█▁▂▃▄▅▆▇█  min 118Mi · max 507Mi · limit 512Mi' },
      { source: 'metrics', text: '4 of 4 runs climbed steadily until killed' },
    ],
  });

  it('→ the sparkline line, which says the same, is left out; the verdict stays', () => {
    const all = (m: ReturnType<typeof buildMessage>): string[] => [...m.first.deciding.map((d) => d.text), ...m.details.moreProof.map((e) => e.text)];
    const shown = all(buildMessage(withSparkline, { externalURL: '', chartShown: true }));
    expect(shown.some((t) => t.includes('▁▂▃'))).toBe(false);
    expect(shown).toContain('4 of 4 runs climbed steadily until killed');
    expect(all(buildMessage(withSparkline, { externalURL: '' })).some((t) => t.includes('▁▂▃'))).toBe(true);
  });
});
