/**
 * What a reader sees of a Block Kit message: the text of every block with mrkdwn markup resolved
 * (links show their label, entities their character, `*bold*`/`_italic_`/fences no markers).
 * Used to hold the first message to its length budget.
 */
import type { SlackBlock, SlackMessage } from '../../src/notify/slack-blocks.ts';

export function visibleMrkdwn(text: string): string {
  return text
    .replace(/<[^|>]+\|([^>]*)>/g, '$1')
    .replace(/```\n?/g, '')
    .replace(/(^|[\s(])[*_~]([^*_~\n]+)[*_~](?=[\s).,:;]|$)/gm, '$1$2')
    .replace(/`/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

export function blockLines(block: SlackBlock): string[] {
  switch (block.type) {
    case 'header':
      return [block.text.text];
    case 'section':
      return [...(block.text === undefined ? [] : [visibleMrkdwn(block.text.text)]), ...(block.fields ?? []).map((f) => visibleMrkdwn(f.text))];
    case 'context':
      return block.elements.map((e) => visibleMrkdwn(e.text));
    default:
      return [];
  }
}

/** The visible text of the message, one block element per line. */
export function visibleText(message: SlackMessage): string {
  return message.blocks.flatMap(blockLines).join('\n');
}
