/**
 * The Block Kit limits a message cannot exceed, and the visible length the first message's budget
 * counts (docs/messages.md): a message of more than 50 blocks keeps its first 48, a truncation marker
 * and its last (context) block; the visible length counts what a reader sees, not mrkdwn's markers.
 */
import { describe, expect, it } from 'vitest';
import { capBlocks, header, SLACK_LIMITS, type SlackBlock, section, visibleLength } from '../../../src/notify/slack-blocks.ts';
import { TRUNCATION_MARKER } from '../../../src/notify/text.ts';

const context = (text: string): SlackBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });

describe('capBlocks', () => {
  it('leaves a message within the limit as it is', () => {
    const blocks = Array.from({ length: SLACK_LIMITS.maxBlocks }, (_, i) => section(`line ${i}`));
    expect(capBlocks(blocks)).toBe(blocks);
  });

  it('cuts a longer one to 50 blocks: the first 48, a marker saying so, and the context block that ends it', () => {
    const blocks = [...Array.from({ length: 60 }, (_, i) => section(`line ${i}`)), context('crashtriage · shop/api')];
    const capped = capBlocks(blocks);
    expect(capped).toHaveLength(SLACK_LIMITS.maxBlocks);
    expect(capped.slice(0, 48)).toEqual(blocks.slice(0, 48));
    expect(capped[48]).toEqual(section(`_${TRUNCATION_MARKER}_`));
    expect(capped[49]).toEqual(context('crashtriage · shop/api'));
  });
});

describe('visibleLength', () => {
  it("counts a reader's characters: link labels, entities as characters, no markers; dividers and buttons add nothing", () => {
    const blocks: SlackBlock[] = [
      header('OOMKilled: api'),
      section('*Fix* `kubectl rollout undo` <https://example.org/runbook|runbook> &lt;1 min&gt;'),
      { type: 'divider' },
      { type: 'section', fields: [{ type: 'mrkdwn', text: '_limit_ 256Mi' }] },
      context('shop/api'),
      { type: 'actions', block_id: 'a', elements: [{ type: 'button', action_id: 'ack', text: { type: 'plain_text', text: 'Ack' }, value: 'v' }] },
    ];
    const seen = ['OOMKilled: api', 'Fix kubectl rollout undo runbook <1 min>', 'limit 256Mi', 'shop/api'].join('\n');
    expect(visibleLength(blocks)).toBe(seen.length);
  });
});
