import { describe, expect, it } from 'vitest';
import { SinkBadResponseError, SinkConnectionError, SinkHttpError, SinkTimeoutError, SlackApiError, SmtpError } from '../../../src/notify/errors.ts';
import { backoffDelay, classifyFailure, decideRetry, defaultRetryPolicy, parseRetryAfter, type RetryPolicy } from '../../../src/notify/retry-policy.ts';

describe('classifyFailure', () => {
  it.each([
    ['HTTP 500', new SinkHttpError('HTTP 500', { statusCode: 500 }), true],
    ['HTTP 503', new SinkHttpError('HTTP 503', { statusCode: 503 }), true],
    ['HTTP 429', new SinkHttpError('HTTP 429', { statusCode: 429 }), true],
    ['HTTP 408', new SinkHttpError('HTTP 408', { statusCode: 408 }), true],
    ['HTTP 400', new SinkHttpError('HTTP 400', { statusCode: 400 }), false],
    ['HTTP 404', new SinkHttpError('HTTP 404', { statusCode: 404 }), false],
    ['HTTP 302 (redirect not followed)', new SinkHttpError('HTTP 302', { statusCode: 302 }), false],
    ['timeout', new SinkTimeoutError('t'), true],
    ['connection refused', new SinkConnectionError('c'), true],
    ['Slack invalid_blocks (200)', new SlackApiError('invalid_blocks', { statusCode: 200 }), false],
    ['Slack invalid_auth', new SlackApiError('invalid_auth', { statusCode: 200 }), false],
    ['Slack webhook no_service (404)', new SlackApiError('no_service', { statusCode: 404 }), false],
    ['Slack ratelimited', new SlackApiError('ratelimited', { statusCode: 429 }), true],
    ['Slack internal_error', new SlackApiError('internal_error', { statusCode: 200 }), true],
    ['Slack webhook 500 with a code', new SlackApiError('service_error', { statusCode: 500 }), true],
    ['SMTP 451', new SmtpError('SMTP 451', { statusCode: 451 }), true],
    ['SMTP 421', new SmtpError('SMTP 421', { statusCode: 421 }), true],
    ['SMTP 550', new SmtpError('SMTP 550', { statusCode: 550 }), false],
    ['SMTP 535 auth', new SmtpError('SMTP 535', { statusCode: 535, smtpCode: 'EAUTH' }), false],
    ['SMTP connection refused', new SmtpError('SMTP ESOCKET', { smtpCode: 'ESOCKET' }), true],
    ['SMTP ECONNECTION', new SmtpError('SMTP ECONNECTION', { smtpCode: 'ECONNECTION' }), true],
    ['SMTP EENVELOPE without reply', new SmtpError('SMTP EENVELOPE', { smtpCode: 'EENVELOPE' }), false],
    ["200 with a proxy's HTML page instead of JSON", new SinkBadResponseError('chat.postMessage: answer is not JSON', { statusCode: 200 }), true],
    ['a bug (TypeError)', new TypeError('x is undefined'), false],
  ])('%s → retryable %s', (_name, err, retryable) => {
    expect(classifyFailure(err).retryable).toBe(retryable);
  });

  it('Retry-After is carried into the classification', () => {
    expect(classifyFailure(new SlackApiError('ratelimited', { statusCode: 429, retryAfterMs: 3000 }))).toMatchObject({ retryable: true, retryAfterMs: 3000 });
  });
});

const policy: RetryPolicy = { initialDelayMs: 100, maxDelayMs: 1000, multiplier: 2, jitter: 0.5, maxAttempts: 6, minAttemptMs: 50 };

describe('backoffDelay', () => {
  it('doubles per attempt and caps at maxDelayMs', () => {
    const none = (): number => 0;
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelay(policy, a, none))).toEqual([50, 100, 200, 400, 500, 500]);
    const full = (): number => 1;
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelay(policy, a, full))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });
});

describe('decideRetry', () => {
  const retryable = { retryable: true as const, reason: 'HTTP 503' };
  const random = (): number => 0.5;

  it('permanent failure → permanent, whatever the budget', () => {
    expect(decideRetry({ failure: { retryable: false, reason: 'HTTP 400' }, attempt: 1, remainingMs: 10_000, policy, random })).toEqual({
      kind: 'permanent',
      reason: 'HTTP 400',
    });
  });

  it('transient failure with budget left → retry after the backoff', () => {
    expect(decideRetry({ failure: retryable, attempt: 1, remainingMs: 10_000, policy, random })).toEqual({ kind: 'retry', delayMs: 75 });
  });

  it('Retry-After within the budget → waits exactly that long', () => {
    expect(decideRetry({ failure: { ...retryable, retryAfterMs: 2000 }, attempt: 1, remainingMs: 5000, policy, random })).toEqual({
      kind: 'retry',
      delayMs: 2000,
    });
  });

  it('Retry-After beyond the remaining budget → retry-later without waiting', () => {
    const d = decideRetry({ failure: { ...retryable, retryAfterMs: 30_000 }, attempt: 1, remainingMs: 5000, policy, random });
    expect(d).toMatchObject({ kind: 'retry-later' });
    expect(d.kind === 'retry-later' && d.reason).toContain('Retry-After 30s exceeds the delivery budget');
  });

  it('backoff longer than the budget left → retry-later', () => {
    expect(decideRetry({ failure: retryable, attempt: 4, remainingMs: 100, policy, random })).toMatchObject({ kind: 'retry-later' });
  });

  it('max attempts reached → retry-later', () => {
    expect(decideRetry({ failure: retryable, attempt: 6, remainingMs: 100_000, policy, random })).toMatchObject({ kind: 'retry-later' });
  });

  it('default policy fits at least three attempts into the default 8 s budget', () => {
    let remaining = 8000;
    let attempts = 1;
    for (;;) {
      const d = decideRetry({ failure: retryable, attempt: attempts, remainingMs: remaining, policy: defaultRetryPolicy, random: () => 1 });
      if (d.kind !== 'retry') break;
      remaining -= d.delayMs;
      attempts++;
    }
    expect(attempts).toBeGreaterThanOrEqual(3);
  });
});

describe('parseRetryAfter', () => {
  it('seconds → milliseconds', () => expect(parseRetryAfter('3', 0)).toBe(3000));
  it('HTTP date → milliseconds from now', () =>
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:05 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(5000));
  it('past date → 0', () => expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 08:00:00 GMT'))).toBe(0));
  it('absent or garbage → undefined', () => {
    expect(parseRetryAfter(null, 0)).toBeUndefined();
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
  });
});
