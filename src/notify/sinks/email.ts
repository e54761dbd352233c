/**
 * Email through any SMTP server (sink type 'email') with nodemailer. SMTP reply codes decide retries
 * (RFC 5321 §4.2.1: 4yz transient, 5yz permanent). The password comes from the resolved spec and is
 * put into the connection URL only here; it is never logged (nodemailer's logger stays off).
 *
 * A mail whose every byte went out and whose reply then never came (a timeout, the connection cut) is
 * not sent again: the server may have taken it, and RFC 5321 §4.5.3.2.6 names exactly this as how
 * mail gets delivered twice. It is reported as maybe sent (SinkOutcomeUnknownError). A failure before
 * the end of the message is retried: nothing was taken then. Once a 250 for the message has come,
 * the mail is sent, whatever happens to the connection after it.
 */

import { Transform } from 'node:stream';
import { type Static, Type } from '@sinclair/typebox';
import type { Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { nonEmpty } from '../../config/env-values.ts';
import type { DiagnosisDocument } from '../../diagnosis/document.ts';
import { memoryChart } from '../../history/chart-png.ts';
import { createBoundedMap } from '../bounded-map.ts';
import { SinkOutcomeUnknownError, SinkTimeoutError, SmtpError } from '../errors.ts';
import { renderEmail } from '../render-email.ts';
import type { SendContext, Sink, SinkDeps } from '../sink.ts';
import { oneLine, truncate } from '../text.ts';
import { sinkType } from './sink-type.ts';

export interface EmailSinkSpec {
  smtpUrl: string;
  from: string;
  to: string[];
  password?: string;
}

function connectionUrl(spec: EmailSinkSpec): string {
  if (spec.password === undefined) return spec.smtpUrl;
  const url = new URL(spec.smtpUrl);
  url.password = encodeURIComponent(spec.password);
  return url.toString();
}

/** nodemailer errors carry `code` (ECONNECTION, EENVELOPE, EAUTH, …) and, after a reply, `responseCode`. */
function toSmtpError(err: unknown): SmtpError {
  const e = (err ?? {}) as { code?: unknown; responseCode?: unknown; response?: unknown; command?: unknown; message?: unknown };
  const smtpCode = typeof e.code === 'string' ? e.code : undefined;
  const reply = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const said =
    typeof e.response === 'string' ? `: ${truncate(oneLine(e.response), 200)}` : typeof e.message === 'string' ? `: ${truncate(oneLine(e.message), 200)}` : '';
  const where = typeof e.command === 'string' ? ` at ${e.command}` : '';
  return new SmtpError(`SMTP ${reply ?? smtpCode ?? 'error'}${where}${said}`, {
    ...(reply === undefined ? {} : { statusCode: reply }),
    ...(smtpCode === undefined ? {} : { smtpCode }),
    cause: err,
  });
}

/** Where a message tells the sink that all of it went into DATA (a field of the message nodemailer passes on to its plugins). */
const ON_WHOLE_MESSAGE = 'crashtriageOnWholeMessage';

/**
 * A pass-through as the message's last transform that calls back once the message has been read to
 * its end. With no buffer of its own (highWaterMark 0) each chunk waits for the SMTP data stream to
 * take it, so the end comes after DATA was accepted and the last bytes were handed to the socket,
 * not while the message is composed ahead of the envelope.
 */
function wholeMessageMark(done: () => void): Transform {
  return new Transform({
    readableHighWaterMark: 0,
    writableHighWaterMark: 0,
    transform: (chunk, _encoding, callback) => callback(null, chunk),
    flush: (callback) => {
      done();
      callback();
    },
  });
}

function addressOf(a: string | { address: string }): string {
  return typeof a === 'string' ? a : a.address;
}

export function createEmailSink(spec: EmailSinkSpec, deps: SinkDeps): Sink {
  // Each timeout bounds one wait (connecting, the greeting, any silence after it); the attempt's
  // AbortSignal bounds the whole exchange and closes the connection when it fires. Closing destroys
  // the socket at once (socketCloseTimeout 0) instead of waiting up to 5 s for a server that may be
  // stalled to close its side: a server that greets and then goes silent keeps no socket of ours.
  // nodemailer is loaded on first use: a service without an email sink never pays for it (~20 MiB).
  let transport: Promise<Transporter<SMTPTransport.SentMessageInfo>> | undefined;
  const transporter = (): Promise<Transporter<SMTPTransport.SentMessageInfo>> =>
    (transport ??= import('nodemailer').then(({ default: nodemailer }) => {
      const t = nodemailer.createTransport(transportOptions);
      t.use('stream', (mail, next) => {
        const done = (mail.data as Record<string, unknown>)[ON_WHOLE_MESSAGE];
        if (typeof done === 'function') mail.message.transform(() => wholeMessageMark(done as () => void));
        next();
      });
      return t;
    }));
  const transportOptions = {
    url: connectionUrl(spec),
    connectionTimeout: deps.timeoutMs,
    greetingTimeout: deps.timeoutMs,
    socketTimeout: deps.timeoutMs,
    socketCloseTimeout: 0,
    logger: false,
    debug: false,
    // Nothing in a message may make nodemailer read a file or fetch a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
  };

  // Recipients that already accepted a message (per delivery key), so a retry after a partial refusal
  // (one mailbox greylisted with 451) goes only to the ones still missing it.
  const acceptedBy = createBoundedMap<Set<string>>({ clock: deps.clock, ttlMs: 24 * 3600 * 1000, maxEntries: 10_000 });

  return {
    async send(doc: DiagnosisDocument, ctx: SendContext) {
      // The memory chart travels inside the mail (a related part, by Content-ID): no remote image to block.
      const chart = doc.status === 'firing' ? await memoryChart(doc) : undefined;
      const cid = `memory-chart.${doc.alert.fingerprint}@crashtriage`;
      const mail = renderEmail(doc, { externalURL: ctx.externalURL, from: spec.from, ...(chart === undefined ? {} : { chart: { cid, alt: chart.alt } }) });
      const done = acceptedBy.get(ctx.idempotencyKey) ?? new Set<string>();
      const remaining = spec.to.filter((to) => !done.has(to.toLowerCase()));
      if (remaining.length === 0) return;
      let wholeMessageSent = false;
      const message = {
        [ON_WHOLE_MESSAGE]: () => {
          wholeMessageSent = true;
        },
        // nodemailer 10 closes the SMTP connection of a message whose signal aborts (its README,
        // "Cancelling a send"); @types/nodemailer does not declare the option yet.
        signal: ctx.signal,
        from: spec.from,
        to: spec.to,
        envelope: { from: spec.from, to: remaining },
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: mail.messageId,
        ...(mail.inReplyTo === undefined ? {} : { inReplyTo: mail.inReplyTo }),
        ...(mail.references === undefined ? {} : { references: mail.references }),
        headers: { 'X-Crashtriage-Cause': doc.cause.id, 'X-Crashtriage-Fingerprint': doc.alert.fingerprint },
        ...(chart === undefined
          ? {}
          : { attachments: [{ filename: chart.filename, content: chart.png, contentType: 'image/png', cid, contentDisposition: 'inline' as const }] }),
      };
      const info = await (await transporter()).sendMail(message).catch((err: unknown) => {
        // No reply to the end of the message: a server reply (4xx, 5xx) would carry its code.
        const aborted = (err as { code?: unknown }).code === 'EABORT' || ctx.signal.aborted;
        if (wholeMessageSent && typeof (err as { responseCode?: unknown }).responseCode !== 'number') {
          const what = aborted ? 'no SMTP reply within the attempt timeout' : toSmtpError(err).message;
          throw new SinkOutcomeUnknownError(`${what}, after the whole message was sent: the SMTP server may have taken it`, { cause: err });
        }
        if (aborted) {
          throw new SinkTimeoutError('SMTP server did not finish within the attempt timeout', { cause: err });
        }
        throw toSmtpError(err);
      });
      for (const a of info.accepted) done.add(addressOf(a).toLowerCase());
      acceptedBy.set(ctx.idempotencyKey, done);
      const refusals = (info as { rejectedErrors?: { responseCode?: number; recipient?: string }[] }).rejectedErrors ?? [];
      const deferred = refusals.filter((r) => r.responseCode !== undefined && r.responseCode < 500);
      if (deferred.length > 0) {
        throw new SmtpError(`SMTP ${deferred[0]?.responseCode ?? 451} at RCPT TO: ${deferred.length} recipient(s) deferred`, {
          statusCode: deferred[0]?.responseCode ?? 451,
          smtpCode: 'EENVELOPE',
        });
      }
      if (refusals.length > 0) {
        // Refused for good (5xx) while others accepted: nothing a retry can fix; say so loudly.
        deps.logger.error(
          { refused: refusals.length, accepted: info.accepted.length, fingerprint: doc.alert.fingerprint },
          'SMTP server refused some recipients permanently',
        );
      }
    },
    async close() {
      if (transport !== undefined) (await transport).close();
    },
  };
}

const EmailSpec = Type.Object(
  {
    type: Type.Literal('email'),
    smtpUrl: Type.String({ pattern: '^smtps?://' }),
    /** Read from a file so the password stays out of the environment and the URL. */
    passwordFile: Type.Optional(Type.String({ minLength: 1 })),
    from: Type.String({ minLength: 3 }),
    to: Type.Array(Type.String({ minLength: 3 }), { minItems: 1 }),
  },
  { additionalProperties: false },
);

/** `type: email`, or `SMTP_URL` + `EMAIL_FROM` + `EMAIL_TO` (+ `SMTP_PASSWORD_FILE`): the sink named `email`. */
export const emailSinkType = sinkType<typeof EmailSpec, Static<typeof EmailSpec> & { password?: string }>({
  type: 'email',
  schema: EmailSpec,
  fromEnv: {
    name: 'email',
    read(env, errors) {
      const smtpUrl = nonEmpty(env['SMTP_URL']);
      if (smtpUrl === undefined) return undefined;
      const from = nonEmpty(env['EMAIL_FROM']);
      const to = (env['EMAIL_TO'] ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      if (!/^smtps?:\/\//.test(smtpUrl)) errors.push('SMTP_URL: must start with smtp:// or smtps://');
      else if (from === undefined) errors.push('EMAIL_FROM: required when SMTP_URL is set');
      else if (to.length === 0) errors.push('EMAIL_TO: required when SMTP_URL is set (comma-separated addresses)');
      else {
        const passwordFile = nonEmpty(env['SMTP_PASSWORD_FILE']);
        return { type: 'email', smtpUrl, from, to, ...(passwordFile !== undefined ? { passwordFile } : {}) };
      }
      return undefined;
    },
  },
  // The URL may carry user:password, though the README asks for the password file.
  secretFields: ['smtpUrl', 'password'],
  resolve(spec, name, env, readSecretFile) {
    if (spec.passwordFile === undefined) return spec;
    const password = readSecretFile(env['SMTP_PASSWORD_FILE'] !== undefined ? 'SMTP_PASSWORD_FILE' : `sinks.${name}.passwordFile`, spec.passwordFile);
    return password === undefined ? spec : { ...spec, password };
  },
  everyDocument: false,
  create: createEmailSink,
});
