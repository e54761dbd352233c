/**
 * The email sink against every row of the SMTP reply table (SMTP_REPLIES: what Gmail, Postfix,
 * postgrey and rspamd answer, at the stage they answer it), through a real SMTP server on loopback:
 * 4yz is transient (retried, then one mail), 5yz permanent (not retried, counted, not resent). And
 * the answer lost: cut at RCPT TO (nothing taken: retried), cut after the whole message arrived (the
 * server may have queued it: not sent again, counted as maybe sent), cut just after the 250 (sent).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { oomDocument, resolvedOf } from '../../fixtures/notify/documents.ts';
import { SMTP_REPLIES, type SmtpCapture, type SmtpReply, startSmtpCapture } from '../../support/smtp-capture.ts';
import { batch, harness } from './harness.ts';

let smtp: SmtpCapture;
beforeEach(async () => {
  smtp = await startSmtpCapture();
});
afterEach(async () => {
  await smtp.close();
});

const TO = ['oncall@example.com', 'sre@example.com'];
const setup = () => harness({ sinks: { email: { type: 'email', smtpUrl: smtp.url, from: 'crashtriage <alerts@example.com>', to: TO } } });
const rows = (meaning: SmtpReply['meaning']) => Object.entries(SMTP_REPLIES).filter(([, row]) => row.meaning === meaning);
/** At RCPT TO each recipient gets the reply: the first attempt fails for both. */
const times = (row: SmtpReply) => (row.stage === 'rcpt' ? TO.length : 1);

describe('SMTP reply table', () => {
  it('every row names its public source; 4yz try again, 5yz refuse (RFC 5321 §4.2.1)', () => {
    for (const [name, row] of Object.entries(SMTP_REPLIES)) {
      expect(row.source, name).toMatch(/\S{8,}/);
      expect(row.meaning, name).toBe(row.code < 500 ? 'try-again' : 'refused');
      // The enhanced status code (RFC 3463) agrees with the reply's class.
      expect(row.text, name).toMatch(new RegExp(`^${String(row.code)[0]}\\.\\d{1,3}\\.\\d{1,3} `));
    }
  });
});

describe('email sink × every SMTP reply', () => {
  it.each(rows('try-again'))('%s → transient: retried, then one mail to every recipient', async (_name, row) => {
    const h = setup();
    smtp.answer(row, times(row));
    expect(await h.notifier.deliver(batch([oomDocument()]))).toEqual({ kind: 'delivered', permanentFailures: [] });
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]?.envelopeTo.sort()).toEqual([...TO].sort());
    expect(h.slept).toHaveLength(1);
    expect(h.logs.join('')).toContain(`SMTP ${row.code}`);
    expect(await h.delivered('email', 'sent')).toBe(1);
  });

  it.each(rows('refused'))('%s → permanent: not retried, counted, not resent', async (_name, row) => {
    const h = setup();
    smtp.answer(row, times(row) * 3);
    const outcome = await h.notifier.deliver(batch([oomDocument()]));
    expect(outcome).toMatchObject({ kind: 'delivered', permanentFailures: [{ sink: 'email', reason: expect.stringContaining(`SMTP ${row.code}`) }] });
    expect(smtp.mails).toHaveLength(0);
    expect(h.slept).toHaveLength(0);
    expect(await h.delivered('email', 'permanent_failure')).toBe(1);
    const attempts = smtp.attempts();
    await h.notifier.deliver(batch([oomDocument()]));
    expect(smtp.attempts()).toBe(attempts);
  });
});

describe('email sink: the answer lost', () => {
  it('connection cut at RCPT TO (nothing taken) → retried, one mail', async () => {
    const h = setup();
    smtp.drop('rcpt');
    expect(await h.notifier.deliver(batch([resolvedOf(oomDocument())]))).toEqual({ kind: 'delivered', permanentFailures: [] });
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.attempts()).toBe(2);
    expect(await h.delivered('email', 'maybe_sent')).toBe(0);
  });

  it('connection cut after the whole message arrived, before the reply → not sent again: maybe sent, the resend sends nothing', async () => {
    const h = setup();
    smtp.drop('after-message');
    expect(await h.notifier.deliver(batch([oomDocument()]))).toEqual({ kind: 'delivered', permanentFailures: [] });
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.attempts()).toBe(1);
    expect(await h.delivered('email', 'maybe_sent')).toBe(1);
    expect(h.logs.find((l) => l.includes('may have been posted'))).toContain('after the whole message was sent: the SMTP server may have taken it');
    await h.notifier.deliver(batch([oomDocument()]));
    expect(smtp.attempts()).toBe(1);
    expect(smtp.mails).toHaveLength(1);
  });

  it('250 for the message, then the connection cut → sent once, no retry', async () => {
    const h = setup();
    smtp.drop('after-250');
    expect(await h.notifier.deliver(batch([oomDocument()]))).toEqual({ kind: 'delivered', permanentFailures: [] });
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.attempts()).toBe(1);
    expect(await h.delivered('email', 'sent')).toBe(1);
    expect(await h.delivered('email', 'maybe_sent')).toBe(0);
  });
});
