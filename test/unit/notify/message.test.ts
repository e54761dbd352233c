import { describe, expect, it } from 'vitest';
import { buildMessage, collapseRepeats, severityOf, shortExcerpt } from '../../../src/notify/message.ts';
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
