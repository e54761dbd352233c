/**
 * Issue #28's goals, checked on the rendered first Slack message of every case of bench/cases/ (the
 * fixture corpus and the held-out cases, 150 today), in both Slack modes: visible length, the deciding
 * fact in the header or the proof line, the first Fix's kind where the cause is known, one screen.
 * `node bench/first-message.ts` prints the same figures.
 */
import { describe, expect, it } from 'vitest';
import { REMEDY_KINDS } from '../../../src/diagnosis/document.ts';
import { buildMessage } from '../../../src/notify/message.ts';
import { emailSubject } from '../../../src/notify/render-email.ts';
import { renderSlack } from '../../../src/notify/render-slack.ts';
import { benchCaseDocuments, CORPUS_EXTERNAL_URL } from '../../support/corpus-documents.ts';
import { firstMessageText, measureGoals } from '../../support/first-message-goals.ts';
import { validateSlackPayload } from '../../support/slack-standin.ts';

const cases = benchCaseDocuments();
const goals = measureGoals(cases);

/** A diagnostic step may open at most 1 of 10 known-cause messages. */
const DIAGNOSTIC_FIRST_MAX_SHARE = 1 / 10;

describe('first message goals over bench/cases', () => {
  it('covers every case', () => {
    expect(goals.cases).toBeGreaterThanOrEqual(150);
  });

  it('median ≤ 700 visible characters, none over 1,100 (Web API and incoming webhook)', () => {
    for (const details of ['thread', 'inline'] as const) {
      expect(goals.median[details], details).toBeLessThanOrEqual(700);
      expect(goals.max[details], details).toBeLessThanOrEqual(1100);
    }
  });

  it('the deciding fact is in the header or the proof line in all but 2 of each 30', () => {
    expect(goals.withFacts).toBeGreaterThan(goals.cases * 0.8);
    expect(goals.decidingMissed.length, goals.decidingMissed.join(', ')).toBeLessThanOrEqual(Math.floor((goals.cases * 2) / 30));
  });

  it('the email: the deciding fact before "More proof" (subject, first screen, What happened) as often; the subject leads with the cause, then the workload', () => {
    expect(goals.emailDecidingMissed.length, goals.emailDecidingMissed.join(', ')).toBeLessThanOrEqual(goals.decidingMissed.length);
    for (const { document } of cases) {
      const subject = emailSubject(document);
      const { header } = buildMessage(document, { externalURL: CORPUS_EXTERNAL_URL }).first;
      // The header's cause words, then " — namespace/workload".
      expect(subject.startsWith(`[FIRING] ${header.slice(header.indexOf(': ') + 2).slice(0, 40)}`), subject).toBe(true);
      expect(subject).toContain(` — ${document.target.namespace}/`);
    }
  });

  it('every remedy of every case says its kind, remedy, diagnostic step or nothing to change (a field of the document)', () => {
    for (const { id, document } of cases) for (const r of document.remedies) expect(REMEDY_KINDS, `${id}: ${r.title}`).toContain(r.kind);
  });

  // #28's goal: a diagnostic step opens only where the evidence cannot choose a change (18 of 195 today).
  it('a diagnostic step opens at most 1 of 10 known-cause messages (the document says which)', () => {
    expect(goals.knownWithoutKind).toBe(0);
    expect(goals.diagnosticFirst.length, goals.diagnosticFirst.join(', ')).toBeLessThanOrEqual(Math.floor(goals.knownWithKind * DIAGNOSTIC_FIRST_MAX_SHARE));
  });

  it.each(cases.map((c) => [c.id, c] as const))(
    '%s: one screen: header, proof, state, fix, footer; no full time stamp, no empty block',
    (_id, { document }) => {
      for (const details of ['thread', 'inline'] as const) {
        const message = renderSlack(document, { externalURL: CORPUS_EXTERNAL_URL, details });
        expect(validateSlackPayload(message)).toBeUndefined();
        const text = firstMessageText(document, details);
        expect(text).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
        // Verify, other fixes, the log and Also noticed are never in the first message.
        expect(text).not.toMatch(/^(?:Verify|Other fixes|Also noticed|Log \()/m);
        for (const block of message.blocks) if (block.type === 'section') expect(block.text?.text.trim() ?? '').not.toBe('');
        const { first, details: d } = buildMessage(document, { externalURL: CORPUS_EXTERNAL_URL });
        expect(first.deciding.filter((f) => f.source !== 'incident').length).toBeLessThanOrEqual(1);
        if (first.state !== undefined) expect(text).toContain(first.state);
        // Where the rest is, in one line, when there is a rest.
        const rest = d.verify.length + d.otherFixes.length + d.moreProof.length + d.findings.length + (d.log === undefined ? 0 : 1);
        if (rest > 0)
          expect(text).toMatch(
            details === 'thread'
              ? /^(?:In the thread: |More proof: in the thread$)/m
              : /^(?:Email and webhook document: |More proof: email and webhook document$)/m,
          );
      }
    },
  );
});
