import { describe, expect, it } from 'vitest';
import { allowedOutright, groupsToAsk, parseAllowlist } from '../../../src/slack-actions/allowlist.ts';

describe('SLACK_ACTIONS_ALLOWED', () => {
  it('sorts user, user-group and channel ids', () => {
    const parsed = parseAllowlist(['U024BE7LH', ' W0GRID01 ', 'S0ONCALL', 'C0INCIDENTS', 'G0PRIVATE', '']);
    expect(parsed).toEqual({
      ok: true,
      allowlist: { users: new Set(['U024BE7LH', 'W0GRID01']), groups: new Set(['S0ONCALL']), channels: new Set(['C0INCIDENTS', 'G0PRIVATE']) },
    });
  });

  it.each([
    ['a name', '@alice', /not a Slack id/],
    ['a lower-case id', 'u024be7lh', /not a Slack id/],
    ['a team id', 'T0STANDIN', /not a user/],
  ])('refuses %s', (_what, entry, message) => {
    const parsed = parseAllowlist([entry]);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors[0]).toMatch(message);
  });

  it('refuses a list of nobody', () => {
    expect(parseAllowlist([' ', ''])).toEqual({ ok: false, errors: [expect.stringMatching(/lists nobody/)] });
  });

  it('lets a listed user act anywhere, anyone act in a listed channel, and asks about groups only otherwise', () => {
    const parsed = parseAllowlist(['U0ALICE', 'S0ONCALL', 'C0WAR']);
    if (!parsed.ok) throw new Error('parse');
    const a = parsed.allowlist;
    expect(allowedOutright(a, { userId: 'U0ALICE', channelId: 'C0OTHER' })).toBe(true);
    expect(allowedOutright(a, { userId: 'U0BOB', channelId: 'C0WAR' })).toBe(true);
    expect(allowedOutright(a, { userId: 'U0BOB', channelId: 'C0OTHER' })).toBe(false);
    expect(groupsToAsk(a, { userId: 'U0BOB', channelId: 'C0OTHER' })).toEqual(['S0ONCALL']);
    expect(groupsToAsk(a, { userId: 'U0ALICE' })).toEqual([]);
  });
});
