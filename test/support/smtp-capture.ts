/**
 * A real SMTP server on loopback (smtp-server), each accepted mail parsed with mailparser. It can
 * require a login, answer any row of SMTP_REPLIES (the replies real servers send, each with its public
 * source) at the stage the row names, refuse with a bare code (451 transient, 550 permanent) at RCPT TO
 * or at the end of DATA, and lose its answer: reset the connection at RCPT TO, after the whole message
 * arrived (the mail taken, no reply sent), or just after its 250 for the message.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

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

/** Where in the session a reply is given (RFC 5321 §4.3.2: the replies each command may get). */
export type SmtpStage = 'connect' | 'mail' | 'rcpt' | 'data';

export interface SmtpReply {
  code: number;
  stage: SmtpStage;
  /** The text after the code, its enhanced status code (RFC 3463) first, as the server sends it. */
  text: string;
  /** RFC 5321 §4.2.1: 4yz transient (the same mail may succeed later), 5yz permanent. */
  meaning: 'try-again' | 'refused';
  source: string;
}

const GOOGLE = 'support.google.com/a/answer/3726730 (Gmail SMTP error reference)';
const RFC5321 = 'RFC 5321 §4.2.2-4.2.3 (reply codes by function), §4.3.2 (which command may get which)';

/** What real SMTP servers answer, by stage. The code's meaning is RFC 5321's; the words are the server's. */
export const SMTP_REPLIES = {
  busy421: { code: 421, stage: 'connect', text: '4.7.0 Try again later, closing connection.', meaning: 'try-again', source: `${GOOGLE}; ${RFC5321}` },
  system421: { code: 421, stage: 'mail', text: '4.7.0 Temporary System Problem.  Try again later.', meaning: 'try-again', source: GOOGLE },
  greylisted450: {
    code: 450,
    stage: 'rcpt',
    text: '4.2.0 <oncall@example.com>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.com.html',
    meaning: 'try-again',
    source: 'postgrey(8) --greylist-text default, behind Postfix smtpd (check_policy_service); RFC 6647 (greylisting)',
  },
  tryLater451: { code: 451, stage: 'rcpt', text: '4.7.1 Please try again later', meaning: 'try-again', source: `RFC 6647 §2 (a greylisting 451); ${RFC5321}` },
  queueWrite451: {
    code: 451,
    stage: 'data',
    text: '4.3.0 Error: queue file write error',
    meaning: 'try-again',
    source: 'Postfix cleanup(8) / smtpd(8): "queue file write error"',
  },
  storage452: {
    code: 452,
    stage: 'rcpt',
    text: '4.3.1 Insufficient system storage',
    meaning: 'try-again',
    source: 'Postfix smtpd(8) (queue_minfree); RFC 5321 §4.2.3 452',
  },
  tooMany452: {
    code: 452,
    stage: 'rcpt',
    text: '4.5.3 Too many recipients',
    meaning: 'try-again',
    source: 'RFC 5321 §4.5.3.1.10 (452 for too many recipients); Postfix smtpd_recipient_limit',
  },
  noSuchUser550: {
    code: 550,
    stage: 'rcpt',
    text: "5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces.",
    meaning: 'refused',
    source: GOOGLE,
  },
  overQuota552: { code: 552, stage: 'rcpt', text: '5.2.2 The email account that you tried to reach is over quota.', meaning: 'refused', source: GOOGLE },
  tooBig552: {
    code: 552,
    stage: 'data',
    text: '5.3.4 Message size exceeds fixed limit',
    meaning: 'refused',
    source: 'Postfix cleanup(8) (message_size_limit); RFC 5321 §4.2.3 552',
  },
  relay554: {
    code: 554,
    stage: 'rcpt',
    text: '5.7.1 <oncall@example.com>: Relay access denied',
    meaning: 'refused',
    source: 'Postfix smtpd(8) reject_unauth_destination',
  },
  spam554: {
    code: 554,
    stage: 'data',
    text: '5.7.1 Spam message rejected',
    meaning: 'refused',
    source: 'rspamd docs, "reject" action through the Postfix milter; RFC 5321 §4.2.3 554',
  },
  authRequired530: { code: 530, stage: 'mail', text: '5.7.0 Authentication Required.', meaning: 'refused', source: `${GOOGLE}; RFC 4954 §6 (530 5.7.0)` },
} satisfies Record<string, SmtpReply>;

export type SmtpReplyName = keyof typeof SMTP_REPLIES;

/** Where an answer is lost: at RCPT TO, after the whole message arrived (taken, no reply), or just after the 250 for it. */
export type SmtpDrop = 'rcpt' | 'after-message' | 'after-250';

export interface SmtpCapture {
  /** `smtp://127.0.0.1:<port>` (with the user, without the password, when a login is required). */
  url: string;
  mails: CapturedMail[];
  /** Transactions started (MAIL FROM), accepted or refused. */
  attempts(): number;
  /** Refuse the next `times` mails with this reply code. */
  refuse(code: number, options?: { times?: number; at?: 'rcpt' | 'data' }): void;
  /** Answer the next `times` commands of the row's stage with the row (at RCPT TO: once per recipient). */
  answer(reply: SmtpReply, times?: number): void;
  /** The next `times` sessions lose their answer at this point: the connection is reset instead. */
  drop(at: SmtpDrop, times?: number): void;
  close(): Promise<void>;
}

export async function startSmtpCapture(options: { user?: string; pass?: string } = {}): Promise<SmtpCapture> {
  const mails: CapturedMail[] = [];
  const refusals: { code: number; at: SmtpStage; text: string }[] = [];
  const drops: SmtpDrop[] = [];
  let attempts = 0;
  const needsAuth = options.user !== undefined;

  const refusal = (r: { code: number; text: string }): Error & { responseCode: number } => Object.assign(new Error(r.text), { responseCode: r.code });
  /** The scripted refusal for this stage, taken off the script. */
  const refusalAt = (stage: SmtpStage): (Error & { responseCode: number }) | undefined => {
    if (refusals[0]?.at !== stage) return undefined;
    const next = refusals.shift();
    return next === undefined ? undefined : refusal(next);
  };
  const dropAt = (at: SmtpDrop): boolean => {
    if (drops[0] !== at) return false;
    drops.shift();
    return true;
  };
  /** Resets a session's connection, as a crashed or cut-off server does: no reply. */
  const reset = (session: { id: string }): void => {
    for (const c of (server as unknown as { connections: Set<{ id: string; _socket: { destroy(): void } }> }).connections)
      if (c.id === session.id) c._socket.destroy();
  };
  const record = async (raw: string, session: SMTPServerSession): Promise<void> => {
    const parsed = await simpleParser(raw);
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
  };

  const server = new SMTPServer({
    secure: false,
    // The reply table's texts carry their own enhanced status codes, as the servers send them.
    hideENHANCEDSTATUSCODES: true,
    disabledCommands: needsAuth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    allowInsecureAuth: true,
    authOptional: !needsAuth,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === options.user && auth.password === options.pass) callback(null, { user: auth.username });
      else callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onConnect(_session, callback) {
      callback(refusalAt('connect'));
    },
    onMailFrom(_address, _session, callback) {
      attempts++;
      callback(refusalAt('mail'));
    },
    onRcptTo(_address, session, callback) {
      if (dropAt('rcpt')) return reset(session);
      callback(refusalAt('rcpt'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const refused = refusalAt('data');
        if (refused !== undefined) return callback(refused);
        const raw = Buffer.concat(chunks).toString('utf8');
        // Taken (queued) and then cut off before the reply: the client cannot know it arrived.
        if (dropAt('after-message')) return void record(raw, session).finally(() => reset(session));
        const cutAfter250 = dropAt('after-250');
        record(raw, session)
          .then(() => {
            callback();
            if (cutAfter250) setTimeout(() => reset(session), 20);
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
      for (let i = 0; i < (opts.times ?? 1); i++) refusals.push({ code, at: opts.at ?? 'rcpt', text: code >= 500 ? 'Mailbox unavailable' : 'Try again later' });
    },
    answer(reply, times = 1) {
      for (let i = 0; i < times; i++) refusals.push({ code: reply.code, at: reply.stage, text: reply.text });
    },
    drop(at, times = 1) {
      for (let i = 0; i < times; i++) drops.push(at);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
