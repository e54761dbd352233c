/** The visible text of a Block Kit message (markup resolved), one block element per line. */
import { type SlackMessage, visibleLines } from '../../src/notify/slack-blocks.ts';

export function visibleText(message: SlackMessage): string {
  return visibleLines(message.blocks).join('\n');
}
