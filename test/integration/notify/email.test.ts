import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { oomDocument, resolvedOf } from '../../fixtures/notify/documents.ts';
import { type SmtpCapture, startSmtpCapture } from '../../support/smtp-capture.ts';
import { batch, harness } from './harness.ts';

const PASSWORD = 'sm7p-pa55-w0rd';
let smtp: SmtpCapture;
beforeEach(async () => {
  smtp = await startSmtpCapture({ user: 'crashtriage', pass: PASSWORD });
});
afterEach(async () => {
  await smtp.close();
});

const setup = () =>
  harness({
    sinks: {
      email: { type: 'email', smtpUrl: smtp.url, from: 'crashtriage <alerts@example.com>', to: ['oncall@example.com', 'sre@example.com'], password: PASSWORD },
    },
  });

describe('email sink', () => {
  it('firing → one multipart mail to every recipient, logged in with the password from the spec', async () => {
    const h = setup();
    expect((await h.notifier.deliver(batch([oomDocument()]))).kind).toBe('delivered');
    expect(smtp.mails).toHaveLength(1);
    const mail = smtp.mails[0];
    expect(mail?.envelopeTo).toEqual(['oncall@example.com', 'sre@example.com']);
    expect(mail?.subject).toBe('[FIRING] killed at its 512Mi memory limit — payments/payment-svc');
    expect(mail?.text).toContain('kubectl rollout status deployment/payment-svc -n payments');
    expect(mail?.html).toContain('<table');
    expect(mail?.raw).toMatch(/Content-Type: multipart\/alternative/i);
    expect(h.logs.join('')).not.toContain(PASSWORD);
  });

  it('resolved → a [RESOLVED] mail threaded under the firing one, also after a restart', async () => {
    await setup().notifier.deliver(batch([oomDocument()]));
    const restarted = setup();
    expect((await restarted.notifier.deliver(batch([resolvedOf(oomDocument())]))).kind).toBe('delivered');
    const [firing, resolved] = smtp.mails;
    expect(resolved?.subject).toBe('[RESOLVED] killed at its 512Mi memory limit — payments/payment-svc');
    expect(resolved?.inReplyTo).toBe(firing?.messageId);
    expect(resolved?.references).toEqual([firing?.messageId]);
    expect(resolved?.text).toContain('Resolved after 47m');
  });

  it('550 (permanent) → not retried, not retried on resend either, delivery still answers delivered', async () => {
    const h = setup();
    smtp.refuse(550, { times: 5 });
    const outcome = await h.notifier.deliver(batch([oomDocument()]));
    expect(outcome).toMatchObject({ kind: 'delivered', permanentFailures: [{ sink: 'email', reason: expect.stringContaining('SMTP 550') }] });
    expect(smtp.attempts()).toBe(1);
    await h.notifier.deliver(batch([oomDocument()]));
    expect(smtp.attempts()).toBe(1);
    expect(await h.delivered('email', 'permanent_failure')).toBe(1);
  });

  it('451 (transient) at end of DATA → retried, one mail', async () => {
    const h = setup();
    smtp.refuse(451, { times: 2, at: 'data' });
    expect((await h.notifier.deliver(batch([oomDocument()]))).kind).toBe('delivered');
    expect(smtp.attempts()).toBe(3);
    expect(smtp.mails).toHaveLength(1);
  });

  it('451 more often than the attempts allow → retry-later; the resend delivers one mail', async () => {
    const h = setup();
    smtp.refuse(451, { times: 10 }); // two recipients × five attempts
    expect((await h.notifier.deliver(batch([oomDocument()]))).kind).toBe('retry-later');
    expect(smtp.mails).toHaveLength(0);
    expect((await h.notifier.deliver(batch([oomDocument()]))).kind).toBe('delivered');
    expect(smtp.mails).toHaveLength(1);
  });

  it('one recipient deferred (451), the other accepted → the retry goes only to the deferred one', async () => {
    const h = setup();
    smtp.refuse(451, { times: 1 });
    expect((await h.notifier.deliver(batch([oomDocument()]))).kind).toBe('delivered');
    expect(smtp.mails.map((m) => m.envelopeTo)).toEqual([['sre@example.com'], ['oncall@example.com']]);
  });

  it('one recipient refused for good (550), the other accepted → delivered, refusal logged, no retry', async () => {
    const h = setup();
    smtp.refuse(550, { times: 1 });
    expect((await h.notifier.deliver(batch([oomDocument()]))).kind).toBe('delivered');
    expect(smtp.attempts()).toBe(1);
    expect(h.logs.some((l) => l.includes('refused some recipients permanently'))).toBe(true);
  });

  it('wrong password → 535 is permanent and the password is not logged', async () => {
    const h = harness({
      sinks: { email: { type: 'email', smtpUrl: smtp.url, from: 'alerts@example.com', to: ['oncall@example.com'], password: 'not-the-password' } },
    });
    const outcome = await h.notifier.deliver(batch([oomDocument()]));
    expect(outcome).toMatchObject({ kind: 'delivered', permanentFailures: [{ reason: expect.stringContaining('535') }] });
    expect(h.logs.join('')).not.toContain('not-the-password');
  });

  it('SMTP server gone → connection error is transient: retry-later', async () => {
    const h = setup();
    await smtp.close();
    const outcome = await h.notifier.deliver(batch([oomDocument()]));
    expect(outcome.kind).toBe('retry-later');
    smtp = await startSmtpCapture();
  });
});
