/**
 * A real SMTP server on loopback (smtp-server), each accepted mail parsed with mailparser. It can
 * require a login and refuse mail with a given reply code (451 transient, 550 permanent) at RCPT TO
 * or at the end of DATA.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface CapturedMail {
  envelopeFrom: string;
  envelopeTo: string[];
  subject: string;
  messageId: string;
  inReplyTo: string | undefined;
  references: string[];
  text: string;
  html: string;
  headers: Map<string, unknown>;
  raw: string;
}

export interface SmtpCapture {
  /** `smtp://127.0.0.1:<port>` (with the user, without the password, when a login is required). */
  url: string;
  mails: CapturedMail[];
  /** Transactions started (MAIL FROM), accepted or refused. */
  attempts(): number;
  /** Refuse the next `times` mails with this reply code. */
  refuse(code: number, options?: { times?: number; at?: 'rcpt' | 'data' }): void;
  close(): Promise<void>;
}

export async function startSmtpCapture(options: { user?: string; pass?: string } = {}): Promise<SmtpCapture> {
  const mails: CapturedMail[] = [];
  const refusals: { code: number; at: 'rcpt' | 'data' }[] = [];
  let attempts = 0;
  const needsAuth = options.user !== undefined;

  const refusal = (code: number): Error & { responseCode: number } =>
    Object.assign(new Error(code >= 500 ? 'Mailbox unavailable' : 'Try again later'), { responseCode: code });

  const server = new SMTPServer({
    secure: false,
    disabledCommands: needsAuth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    allowInsecureAuth: true,
    authOptional: !needsAuth,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === options.user && auth.password === options.pass) callback(null, { user: auth.username });
      else callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onMailFrom(_address, _session, callback) {
      attempts++;
      callback();
    },
    onRcptTo(_address, _session, callback) {
      const next = refusals[0];
      if (next?.at === 'rcpt') {
        refusals.shift();
        callback(refusal(next.code));
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const next = refusals[0];
        if (next?.at === 'data') {
          refusals.shift();
          callback(refusal(next.code));
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw)
          .then((parsed) => {
            const refs = parsed.references;
            mails.push({
              envelopeFrom: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
              envelopeTo: session.envelope.rcptTo.map((r) => r.address),
              subject: parsed.subject ?? '',
              messageId: parsed.messageId ?? '',
              inReplyTo: parsed.inReplyTo,
              references: refs === undefined ? [] : Array.isArray(refs) ? refs : [refs],
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
              headers: parsed.headers as Map<string, unknown>,
              raw,
            });
            callback();
          })
          .catch((err: unknown) => callback(err as Error));
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  const user = options.user === undefined ? '' : `${encodeURIComponent(options.user)}@`;
  return {
    url: `smtp://${user}127.0.0.1:${port}`,
    mails,
    attempts: () => attempts,
    refuse(code, opts = {}) {
      for (let i = 0; i < (opts.times ?? 1); i++) refusals.push({ code, at: opts.at ?? 'rcpt' });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
