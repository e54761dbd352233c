import { describe, expect, it } from 'vitest';
import { createReplayGuard } from '../../../src/slack-actions/replay-guard.ts';
import { SIGNATURE_WINDOW_MS, slackSignature, verifySlackSignature } from '../../../src/slack-actions/signature.ts';

// The worked example of docs.slack.dev/authentication/verifying-requests-from-slack (a slash command body).
const DOC = {
  secret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: '1531420618',
  body: 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};
const at = Number(DOC.timestamp) * 1000;
const request = (over: Partial<{ timestamp: string | undefined; signature: string | undefined; rawBody: string | Buffer }> = {}) => ({
  timestamp: DOC.timestamp,
  signature: DOC.signature,
  rawBody: DOC.body,
  ...over,
});

describe('Slack request signature', () => {
  it("computes Slack's own worked example", () => {
    expect(slackSignature(DOC.secret, DOC.timestamp, DOC.body)).toBe(DOC.signature);
    expect(slackSignature(DOC.secret, DOC.timestamp, Buffer.from(DOC.body))).toBe(DOC.signature);
  });

  it('accepts the example at its time and within five minutes either side', () => {
    expect(verifySlackSignature(DOC.secret, request(), at)).toEqual({ ok: true });
    expect(verifySlackSignature(DOC.secret, request(), at + SIGNATURE_WINDOW_MS)).toEqual({ ok: true });
    expect(verifySlackSignature(DOC.secret, request(), at - SIGNATURE_WINDOW_MS)).toEqual({ ok: true });
  });

  it('refuses a wrong secret', () => {
    expect(verifySlackSignature('8f742231b10e8888abcd99yyyzzz85a6', request(), at)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it.each([
    ['the first', 0],
    ['a middle', Math.floor(DOC.body.length / 2)],
    ['the last', DOC.body.length - 1],
  ])('refuses the body with %s byte altered', (_where, i) => {
    const bytes = Buffer.from(DOC.body);
    bytes[i] = (bytes[i] ?? 0) ^ 0x01;
    expect(verifySlackSignature(DOC.secret, request({ rawBody: bytes }), at)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('refuses a timestamp 6 minutes old, and 6 minutes ahead, even with a valid signature for it', () => {
    for (const skew of [6 * 60_000, -6 * 60_000]) {
      expect(verifySlackSignature(DOC.secret, request(), at + skew)).toEqual({ ok: false, reason: 'stale-timestamp' });
    }
  });

  it('refuses a signature made for another timestamp', () => {
    expect(verifySlackSignature(DOC.secret, request({ timestamp: '1531420619' }), at)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it.each([
    ['no timestamp', { timestamp: undefined }],
    ['no signature', { signature: undefined }],
    ['a timestamp that is not a number', { timestamp: '1531420618.5' }],
  ])('refuses %s', (_what, over) => {
    expect(verifySlackSignature(DOC.secret, request(over), at)).toEqual({ ok: false, reason: 'missing-headers' });
  });

  it.each([
    ['truncated', DOC.signature.slice(0, -1)],
    ['upper-case hex', DOC.signature.toUpperCase()],
    ['without the version', DOC.signature.slice(3)],
    ['empty', ''],
  ])('refuses a signature %s', (_what, signature) => {
    expect(verifySlackSignature(DOC.secret, request({ signature }), at)).toEqual({ ok: false, reason: 'bad-signature' });
  });
});

describe('replay guard', () => {
  it('refuses the same signature the second time, within and beyond the window', () => {
    const guard = createReplayGuard();
    expect(guard.firstSighting('v0=aa', 0)).toBe(true);
    expect(guard.firstSighting('v0=aa', 1000)).toBe(false);
    expect(guard.firstSighting('v0=aa', 2 * SIGNATURE_WINDOW_MS)).toBe(false);
    expect(guard.firstSighting('v0=bb', 1000)).toBe(true);
  });

  it('forgets a signature once its timestamp would be refused anyway, and stays bounded', () => {
    const guard = createReplayGuard({ maxEntries: 3 });
    expect(guard.firstSighting('v0=aa', 0)).toBe(true);
    expect(guard.firstSighting('v0=aa', 2 * SIGNATURE_WINDOW_MS + 1)).toBe(true);
    for (const s of ['v0=1', 'v0=2', 'v0=3', 'v0=4']) expect(guard.firstSighting(s, 10 * SIGNATURE_WINDOW_MS)).toBe(true);
    // The oldest went first: the newest three are still refused.
    for (const s of ['v0=2', 'v0=3', 'v0=4']) expect(guard.firstSighting(s, 10 * SIGNATURE_WINDOW_MS)).toBe(false);
  });
});
