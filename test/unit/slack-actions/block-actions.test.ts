import { describe, expect, it } from 'vitest';
import { parseClick, payloadOfForm } from '../../../src/slack-actions/block-actions.ts';
import { blockActionsPayload, formBody, PAYLOAD_SHAPES } from '../../fixtures/slack/block-actions.ts';

const ticket = 'v1.WyJpZCJd.mac';

describe('block_actions payload → click', () => {
  it.each(PAYLOAD_SHAPES)('%s: a button click names its action, user, message and ticket', (shape) => {
    for (const action of ['ack', 'recheck'] as const) {
      const parsed = parseClick(payloadOfForm(formBody(blockActionsPayload(shape, { action, ticket }))));
      expect(parsed.ok).toBe(true);
      if (!parsed.ok) continue;
      expect(parsed.click).toMatchObject({
        action,
        ticketValue: ticket,
        channelId: 'C0STANDIN',
        messageTs: '1700000001.000100',
        actionTs: '1700000123.456789',
      });
      expect(parsed.click.user.id).toMatch(/^[UW]0ALICE$/);
      expect(parsed.click.user.name).toBe('alice');
      expect(parsed.click.messageBlocks).toHaveLength(3);
    }
  });

  it.each(PAYLOAD_SHAPES)('%s: a silence choice takes the ticket from the buttons of its own block', (shape) => {
    for (const choice of ['1h', '4h', '24h', 'until-resolved']) {
      const parsed = parseClick(blockActionsPayload(shape, { action: 'silence', choice, ticket }));
      expect(parsed).toMatchObject({ ok: true, click: { action: 'silence', choice, ticketValue: ticket } });
    }
  });

  it.each([
    ['an unknown silence choice', blockActionsPayload('docs', { action: 'silence', choice: '1y', ticket }), /unknown silence choice/],
    ['a view submission', { type: 'view_submission', user: { id: 'U1' } }, /not a block_actions payload/],
    ['a payload without actions', { ...blockActionsPayload('docs', { action: 'ack', ticket }), actions: [] }, /actions/],
    [
      'an action id of someone else',
      { ...blockActionsPayload('docs', { action: 'ack', ticket }), actions: [{ action_id: 'approve', block_id: 'b', type: 'button', action_ts: '1' }] },
      /unknown action_id approve/,
    ],
    ['a click in a modal', { ...blockActionsPayload('docs', { action: 'ack', ticket }), container: { type: 'view', view_id: 'V1' } }, /not on a message/],
    ['a button without a value', blockActionsPayload('docs', { action: 'ack', ticket: '' }), /no incident ticket/],
    ['not JSON at all', payloadOfForm('payload=%7Bnot-json'), /block_actions payload/],
    ['no payload field', payloadOfForm('token=x&type=block_actions'), /block_actions payload/],
  ])('refuses %s', (_what, payload, reason) => {
    const parsed = parseClick(payload);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });
});
