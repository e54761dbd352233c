/**
 * Email through any SMTP server (sink type 'email') with nodemailer. SMTP reply codes decide retries
 * (RFC 5321 §4.2.1: 4yz transient, 5yz permanent). The password comes from the resolved spec and is
 * put into the connection URL only here; it is never logged (nodemailer's logger stays off).
 */
import nodemailer from 'nodemailer';
import type { DiagnosisDocument } from '../../diagnosis/document.ts';
import { SinkTimeoutError, SmtpError } from '../errors.ts';
import { renderEmail } from '../render-email.ts';
import type { SendContext, Sink, SinkDeps } from '../sink.ts';
import { oneLine, truncate } from '../text.ts';

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
  const said = typeof e.response === 'string' ? `: ${truncate(oneLine(e.response), 200)}` : typeof e.message === 'string' ? `: ${truncate(oneLine(e.message), 200)}` : '';
  const where = typeof e.command === 'string' ? ` at ${e.command}` : '';
  return new SmtpError(`SMTP ${reply ?? smtpCode ?? 'error'}${where}${said}`, {
    ...(reply === undefined ? {} : { statusCode: reply }),
    ...(smtpCode === undefined ? {} : { smtpCode }),
    cause: err,
  });
}

export function createEmailSink(spec: EmailSinkSpec, deps: SinkDeps): Sink {
  const transport = nodemailer.createTransport({
    url: connectionUrl(spec),
    connectionTimeout: deps.timeoutMs,
    greetingTimeout: deps.timeoutMs,
    socketTimeout: deps.timeoutMs,
    logger: false,
    debug: false,
    // Nothing in a message may make nodemailer read a file or fetch a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
  });

  return {
    async send(doc: DiagnosisDocument, ctx: SendContext) {
      const mail = renderEmail(doc, { externalURL: ctx.externalURL, from: spec.from });
      const sending = transport.sendMail({
        from: spec.from,
        to: spec.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: mail.messageId,
        ...(mail.inReplyTo === undefined ? {} : { inReplyTo: mail.inReplyTo }),
        ...(mail.references === undefined ? {} : { references: mail.references }),
        headers: { 'X-Crashtriage-Cause': doc.cause.id, 'X-Crashtriage-Fingerprint': doc.alert.fingerprint },
      });
      // nodemailer takes no AbortSignal: stop waiting at the attempt's deadline; its own socket
      // timeouts (same value) end the connection soon after.
      sending.catch(() => undefined);
      let onAbort: (() => void) | undefined;
      const aborted = new Promise<never>((_, reject) => {
        onAbort = () => reject(new SinkTimeoutError('SMTP server did not finish within the attempt timeout'));
        if (ctx.signal.aborted) onAbort();
        else ctx.signal.addEventListener('abort', onAbort, { once: true });
      });
      aborted.catch(() => undefined);
      try {
        const info = await Promise.race([sending, aborted]);
        if (info.rejected.length > 0) {
          // Some recipients refused (others accepted): resending would duplicate for the accepted ones.
          deps.logger.error({ rejected: info.rejected.length, accepted: info.accepted.length }, 'SMTP server refused some recipients');
        }
      } catch (err) {
        if (err instanceof SinkTimeoutError) throw err;
        throw toSmtpError(err);
      } finally {
        if (onAbort !== undefined) ctx.signal.removeEventListener('abort', onAbort);
      }
    },
    async close() {
      transport.close();
    },
  };
}
