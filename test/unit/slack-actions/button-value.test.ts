import { describe, expect, it } from 'vitest';
import { BUTTON_VALUE_MAX, buttonKey, type IncidentTicket, readTicket, signTicket } from '../../../src/slack-actions/button-value.ts';

const key = buttonKey('xoxb-1-service-bot-token');
const ticket: IncidentTicket = {
  id: 'prod/shop/deployment/checkout@2026-12-06T11:00:00.000Z',
  cluster: 'prod',
  namespace: 'shop',
  workload: { kind: 'Deployment', name: 'checkout' },
};

describe('signed button value', () => {
  it('reads back what it signed, with and without a cluster', () => {
    expect(readTicket(key, signTicket(key, ticket))).toEqual(ticket);
    const { cluster: _c, ...bare } = ticket;
    expect(readTicket(key, signTicket(key, bare))).toEqual(bare);
  });

  it('refuses a value signed with another key (another bot token)', () => {
    expect(readTicket(buttonKey('xoxb-2-other'), signTicket(key, ticket))).toBeUndefined();
  });

  it('refuses a value whose incident was edited, even by one character, keeping the MAC', () => {
    const [v, body, mac] = signTicket(key, ticket).split('.');
    const other = Buffer.from(JSON.stringify([ticket.id, 'prod', 'payments', 'Deployment', 'checkout'])).toString('base64url');
    expect(readTicket(key, `${v}.${other}.${mac}`)).toBeUndefined();
    const flipped = `${body?.slice(0, -1)}${body?.endsWith('A') ? 'B' : 'A'}`;
    expect(readTicket(key, `${v}.${flipped}.${mac}`)).toBeUndefined();
  });

  it.each([
    ['a made-up value', 'silence-checkout'],
    ['an empty value', ''],
    ['another version', signTicket(key, ticket).replace(/^v1\./, 'v2.')],
    ['a truncated MAC', signTicket(key, ticket).slice(0, -2)],
    ['an extra part', `${signTicket(key, ticket)}.x`],
  ])('refuses %s', (_what, value) => {
    expect(readTicket(key, value)).toBeUndefined();
  });

  it("refuses to sign a value longer than Slack's button limit", () => {
    expect(() => signTicket(key, { ...ticket, workload: { kind: 'Deployment', name: 'x'.repeat(BUTTON_VALUE_MAX) } })).toThrow(/exceeds/);
  });
});
