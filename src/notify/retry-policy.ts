/**
 * When to try a sink again, decided in one place. Retryable: 5xx, 408, 429, timeouts,
 * connection errors, SMTP 4xx, Slack's own transient API errors, and a 2xx whose body is not what the
 * protocol promises (a proxy's or captive portal's page stood in for the peer). Everything else is permanent:
 * retrying cannot help, and Alertmanager's resend must not retry it either.
 *
 * All retries happen inside one webhook request's budget (`delivery.budgetMs`), which sits below
 * Alertmanager's notify timeout; past it we answer 5xx and Alertmanager resends the group later
 * (it ignores Retry-After and backs off up to a minute on its own: docs/architecture.md "The alerts it takes").
 */
import { SinkError, type SlackApiError, type SmtpError } from './errors.ts';

export interface RetryPolicy {
  /** Delay before the second attempt; doubled (×multiplier) after each further failure. */
  initialDelayMs: number;
  maxDelayMs: number;
  multiplier: number;
  /** Share of each delay that is random (0 = none, 1 = full jitter), so many sinks do not retry in step. */
  jitter: number;
  /** Attempts per message per webhook request, the first one included. */
  maxAttempts: number;
  /** No new attempt when less than this is left of the budget: it could not finish. */
  minAttemptMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { initialDelayMs: 250, maxDelayMs: 2000, multiplier: 2, jitter: 0.5, maxAttempts: 6, minAttemptMs: 200 };

/** For tests: near-zero delays, same decisions. */
export const rapidRetryPolicy: RetryPolicy = { initialDelayMs: 1, maxDelayMs: 4, multiplier: 2, jitter: 0, maxAttempts: 5, minAttemptMs: 0 };

/** Slack Web API `error` values that mean "try again later" (docs.slack.dev, chat.postMessage errors). */
const TRANSIENT_SLACK_ERRORS = new Set(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

/** nodemailer error codes raised before the server gave a reply: the network, not the message. */
const TRANSIENT_SMTP_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EPROTOCOL']);

export type FailureClass = { retryable: true; reason: string; retryAfterMs?: number } | { retryable: false; reason: string };

export function classifyFailure(err: unknown): FailureClass {
  if (!(err instanceof SinkError)) {
    // A bug or an unexpected library error: the same input fails the same way again.
    return { retryable: false, reason: `unexpected error: ${err instanceof Error ? err.message : String(err)}` };
  }
  const withRetryAfter = (reason: string): FailureClass =>
    err.retryAfterMs === undefined ? { retryable: true, reason } : { retryable: true, reason, retryAfterMs: err.retryAfterMs };
  switch (err.code) {
    case 'timeout':
    case 'connection':
      return { retryable: true, reason: err.message };
    case 'http_status': {
      const status = err.statusCode ?? 0;
      return status === 408 || status === 429 || status >= 500 ? withRetryAfter(err.message) : { retryable: false, reason: err.message };
    }
    case 'slack_api': {
      const slackError = (err as SlackApiError).slackError;
      const status = err.statusCode ?? 200;
      return TRANSIENT_SLACK_ERRORS.has(slackError) || status === 429 || status >= 500
        ? withRetryAfter(err.message)
        : { retryable: false, reason: err.message };
    }
    case 'smtp': {
      const reply = err.statusCode;
      if (reply !== undefined) return reply >= 400 && reply < 500 ? { retryable: true, reason: err.message } : { retryable: false, reason: err.message };
      const code = (err as SmtpError).smtpCode;
      return code !== undefined && TRANSIENT_SMTP_CODES.has(code) ? { retryable: true, reason: err.message } : { retryable: false, reason: err.message };
    }
    case 'bad_response':
      return { retryable: true, reason: err.message };
    case 'outcome_unknown':
      return { retryable: false, reason: err.message };
    default: {
      const never: never = err.code;
      return { retryable: false, reason: `unknown sink error ${String(never)}` };
    }
  }
}

/** Exponential backoff with jitter; `attempt` is the number of the attempt that just failed (1-based). */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** Math.max(0, attempt - 1));
  return Math.round(base * (1 - policy.jitter) + base * policy.jitter * random());
}

export type RetryDecision = { kind: 'retry'; delayMs: number } | { kind: 'retry-later'; reason: string } | { kind: 'permanent'; reason: string };

/** What to do after a failed attempt, from the failure, the attempt count and the budget left. */
export function decideRetry(input: { failure: FailureClass; attempt: number; remainingMs: number; policy: RetryPolicy; random: () => number }): RetryDecision {
  const { failure, attempt, remainingMs, policy } = input;
  if (!failure.retryable) return { kind: 'permanent', reason: failure.reason };
  if (attempt >= policy.maxAttempts) return { kind: 'retry-later', reason: `${failure.reason} (after ${attempt} attempts)` };
  if (failure.retryAfterMs !== undefined) {
    // Honour the server's Retry-After; when it reaches past our budget, hand the wait to Alertmanager.
    if (failure.retryAfterMs + policy.minAttemptMs > remainingMs) {
      return { kind: 'retry-later', reason: `${failure.reason} (Retry-After ${Math.ceil(failure.retryAfterMs / 1000)}s exceeds the delivery budget)` };
    }
    return { kind: 'retry', delayMs: failure.retryAfterMs };
  }
  const delayMs = backoffDelay(policy, attempt, input.random);
  if (delayMs + policy.minAttemptMs > remainingMs) return { kind: 'retry-later', reason: `${failure.reason} (delivery budget spent)` };
  return { kind: 'retry', delayMs };
}

/** `Retry-After`: delay-seconds or an HTTP date (RFC 9110 §10.2.3), as milliseconds from now. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const date = Date.parse(v);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
