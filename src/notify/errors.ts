/**
 * Errors a sink raises, one tree with a machine-readable `code`, the HTTP/SMTP `statusCode` when
 * there was one, and the original `cause` kept. Messages never carry a URL, token or
 * password: a Slack webhook URL is a credential.
 */

export type SinkErrorCode = 'http_status' | 'slack_api' | 'timeout' | 'connection' | 'smtp' | 'bad_response' | 'outcome_unknown';

export abstract class SinkError extends Error {
  abstract readonly code: SinkErrorCode;
  /** HTTP status or SMTP reply code, when the far side answered. */
  readonly statusCode: number | undefined;
  /** From a `Retry-After` header, already converted to milliseconds. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options: { statusCode?: number; retryAfterMs?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.statusCode = options.statusCode;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** The endpoint answered with a non-success HTTP status. */
export class SinkHttpError extends SinkError {
  readonly code = 'http_status' as const;
}

/** Slack's Web API answered `{ ok: false, error }` (usually with HTTP 200), or a webhook named its error. */
export class SlackApiError extends SinkError {
  readonly code = 'slack_api' as const;
  readonly slackError: string;
  constructor(slackError: string, options: { statusCode?: number; retryAfterMs?: number; cause?: unknown } = {}) {
    super(`Slack answered ${slackError}`, options);
    this.slackError = slackError;
  }
}

/** No answer within the per-attempt timeout. */
export class SinkTimeoutError extends SinkError {
  readonly code = 'timeout' as const;
}

/** Refused, reset, DNS: nothing reached the far side or the answer was cut off. */
export class SinkConnectionError extends SinkError {
  readonly code = 'connection' as const;
  /**
   * True when no byte of the request can have left (refused, no address, the attempt's time ran out
   * before a connection was ready): the peer cannot have taken it, so sending again cannot double it.
   */
  readonly nothingSent: boolean;
  constructor(message: string, options: { cause?: unknown; nothingSent?: boolean } = {}) {
    super(message, options.cause === undefined ? {} : { cause: options.cause });
    this.nothingSent = options.nothingSent === true;
  }
}

/** An SMTP failure; `statusCode` is the SMTP reply code when the server gave one. */
export class SmtpError extends SinkError {
  readonly code = 'smtp' as const;
  /** nodemailer's error code (ECONNECTION, EENVELOPE, EAUTH, …). */
  readonly smtpCode: string | undefined;
  constructor(message: string, options: { statusCode?: number; smtpCode?: string; cause?: unknown } = {}) {
    super(message, options);
    this.smtpCode = options.smtpCode;
  }
}

/**
 * The request may have reached a peer that does not deduplicate (a Slack incoming webhook or
 * chat.postMessage, a Teams Workflows trigger, an SMTP server after the end of DATA), and its answer
 * never came: no answer in time, or the connection dropped after the request was sent. Sending again
 * could post the message twice, so it is not retried; it is counted and logged as maybe posted.
 */
export class SinkOutcomeUnknownError extends SinkError {
  readonly code = 'outcome_unknown' as const;
}

/** A 2xx whose body was not what the protocol promises. */
export class SinkBadResponseError extends SinkError {
  readonly code = 'bad_response' as const;
}
