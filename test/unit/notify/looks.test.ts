/**
 * Issue #28 item 5: the three looks (docs/messages.md) are one decision shown the same way by every
 * medium, checked on every bench case: Slack's mark, the email banner's colour and words, the Teams
 * header's mark and colour and the text output's words all come from the same look; a sure fix is
 * only a high-confidence diagnosis whose first Fix is not a diagnostic step, "cause unknown" only an
 * unknown cause. PagerDuty's severity comes from the alert's `severity` label alone: the same
 * diagnosis with another look pages the same way, another label pages another way.
 */
import { describe, expect, it } from 'vitest';
import type { DiagnosisDocument } from '../../../src/diagnosis/document.ts';
import { LOOKS, lookStyle } from '../../../src/notify/look.ts';
import { buildMessage, lookOf } from '../../../src/notify/message.ts';
import { pagerDutySeverity, triggerEvent } from '../../../src/notify/pagerduty-events.ts';
import { renderEmail } from '../../../src/notify/render-email.ts';
import { renderSlack } from '../../../src/notify/render-slack.ts';
import { renderTeamsCard } from '../../../src/notify/render-teams.ts';
import { renderText } from '../../../src/notify/render-text.ts';
import { benchCaseDocuments, CORPUS_EXTERNAL_URL } from '../../support/corpus-documents.ts';

const EXT = CORPUS_EXTERNAL_URL;
const cases = benchCaseDocuments();
const firstFixKind = (d: DiagnosisDocument): string | undefined => (d.remedies[0] as { kind?: string } | undefined)?.kind;

describe('three looks over every bench case', () => {
  it('all three occur, each where it belongs', () => {
    const looks = cases.map((c) => lookOf(c.document));
    for (const look of ['sure', 'judge', 'unknown'] as const) expect(looks, look).toContain(look);
    for (const c of cases) {
      const d = c.document;
      const look = lookOf(d);
      if (look === 'sure') expect(d.cause.confidence === 'high' && firstFixKind(d) !== 'diagnostic', c.id).toBe(true);
      expect(look === 'unknown', c.id).toBe(d.cause.id === 'unknown');
    }
  });

  it.each(cases.map((c) => [c.id, c.document] as const))('%s: every medium shows the same look', (_id, d) => {
    const style = lookStyle(buildMessage(d, { externalURL: EXT }));
    expect(renderSlack(d, { externalURL: EXT, details: 'thread' }).text.startsWith(`${style.mark} `)).toBe(true);
    const email = renderEmail(d, { externalURL: EXT, from: 'crashtriage@example.com' });
    expect(email.html).toContain(`background:${style.html}`);
    expect(email.html).toContain(style.words);
    const card = renderTeamsCard(d, { externalURL: EXT });
    expect(card.body[0]).toMatchObject({ color: style.teams });
    expect(String(card.body[0]?.['text']).startsWith(`${style.mark} `)).toBe(true);
    expect(renderText(d, { color: false, externalURL: EXT })).toContain(style.words);
    // "confidence high" is said only under a sure fix.
    if (style === LOOKS.judge || style === LOOKS.unknown) expect(buildMessage(d, { externalURL: EXT }).first.context.confidence).not.toMatch(/^high\b/);
  });

  it('PagerDuty severity follows the severity label, never the look', () => {
    const sure = cases.find((c) => lookOf(c.document) === 'sure')?.document;
    const unknown = cases.find((c) => lookOf(c.document) === 'unknown')?.document;
    if (sure === undefined || unknown === undefined) throw new Error('bench has no sure or no unknown case');
    for (const [label, severity] of [
      ['critical', 'critical'],
      ['warning', 'warning'],
      ['info', 'info'],
      ['error', 'error'],
    ] as const) {
      const withLabel = (d: DiagnosisDocument): DiagnosisDocument => ({ ...d, alert: { ...d.alert, labels: { ...d.alert.labels, severity: label } } });
      expect(pagerDutySeverity(withLabel(sure)), `${label}, sure fix`).toBe(severity);
      expect(pagerDutySeverity(withLabel(unknown)), `${label}, cause unknown`).toBe(severity);
      expect(triggerEvent(withLabel(unknown), { routingKey: 'r'.repeat(32), externalURL: EXT }).payload.severity).toBe(severity);
    }
  });
});
