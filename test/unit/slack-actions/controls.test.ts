import { describe, expect, it } from 'vitest';
import { type SlackMessage, visibleLines } from '../../../src/notify/slack-blocks.ts';
import { SLACK_ACTIONS } from '../../../src/slack-actions/actions/registry.ts';
import {
  type Act,
  CONTROLS_BLOCK_ID,
  controlsBlock,
  replaceControls,
  STATUS_BLOCK_ID,
  statusLines,
  withControls,
} from '../../../src/slack-actions/controls.ts';
import { blockError } from '../../support/slack-standin.ts';

const silence4h: Act = { kind: 'silence', by: 'U0ALICE', choice: '4h', endsAt: '2026-12-06T14:20:00.000Z', silenceId: 's1' };

describe('the first message’s controls', () => {
  it("carry the action ids silence, ack and recheck, within Block Kit's limits", () => {
    const block = controlsBlock('v1.x.y');
    expect(block.type === 'actions' && block.elements.map((e) => e.action_id)).toEqual(['silence', 'ack', 'recheck']);
    expect(blockError([block])).toBeUndefined();
  });

  it('hold each action of the registry, its element carrying its own id (the id its clicks are parsed and run by)', () => {
    for (const action of SLACK_ACTIONS) expect(action.element('v1.x.y').action_id).toBe(action.id);
  });

  it('say who silenced, for how long and until when (in the reader’s time zone), and who is on it', () => {
    expect(statusLines([silence4h, { kind: 'ack', by: 'U0BOB' }, { kind: 'ack', by: 'U0BOB' }])).toEqual([
      ':mute: silenced 4h by <@U0ALICE>, until <!date^1796566800^{time}|14:20 UTC>',
      ':eyes: <@U0BOB> is on it',
    ]);
    expect(
      statusLines([
        { kind: 'ack', by: 'U0BOB' },
        { kind: 'ack', by: 'U0CAROL' },
      ]),
    ).toEqual([':eyes: <@U0BOB>, <@U0CAROL> are on it']);
    expect(statusLines([{ ...silence4h, choice: 'until-resolved' }])).toEqual([':mute: silenced until resolved by <@U0ALICE>']);
    expect(statusLines([silence4h, { kind: 'silence-expired', reason: 'deployment/checkout recovered' }])).toEqual([
      ':bell: silence ended: deployment/checkout recovered',
    ]);
    expect(statusLines([])).toEqual([]);
  });

  it('are appended to a message, and replaced (not added again) on an update', () => {
    const message: SlackMessage = { text: 't', blocks: [{ type: 'header', text: { type: 'plain_text', text: 'OOM killed' } }] };
    const first = withControls(message, 'v1.x.y', []);
    expect(first.blocks.map((b) => b.type)).toEqual(['header', 'actions']);
    const again = replaceControls(first.blocks, 'v1.x.y', [silence4h]);
    expect(again.map((b) => (b as { block_id?: string }).block_id)).toEqual([undefined, STATUS_BLOCK_ID, CONTROLS_BLOCK_ID]);
    expect(replaceControls(again, 'v1.x.y', [silence4h])).toEqual(again);
    expect(blockError(again)).toBeUndefined();
    // Closed incident: the status stays, the controls go.
    expect(replaceControls(again, undefined, [silence4h]).map((b) => (b as { type: string }).type)).toEqual(['header', 'context']);
    expect(visibleLines(withControls(message, undefined, [silence4h]).blocks)).toContain(':mute: silenced 4h by <@U0ALICE>, until 14:20 UTC');
  });
});

describe('the stand-in refuses controls Slack would refuse', () => {
  const block = controlsBlock('v1.x.y');
  if (block.type !== 'actions') throw new Error('not an actions block');
  it.each([
    ['a button value over 2000 characters', { ...block, elements: [{ ...block.elements[1], value: 'x'.repeat(2001) }] }],
    ['a button text over 75 characters', { ...block, elements: [{ ...block.elements[1], text: { type: 'plain_text', text: 'x'.repeat(76) } }] }],
    [
      'an option value over 150 characters',
      { ...block, elements: [{ ...block.elements[0], options: [{ text: { type: 'plain_text', text: '1h' }, value: 'x'.repeat(151) }] }] },
    ],
  ])('%s', (_what, bad) => {
    expect(blockError([bad])).toBeDefined();
  });
});
