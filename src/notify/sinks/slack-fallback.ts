/**
 * If Slack ever refuses our blocks (a limit we did not know of), the alert still goes out as plain
 * text rather than being lost: one text-only attempt, then the refusal stands.
 */
import type { Logger } from 'pino';
import { SlackApiError } from '../errors.ts';
import type { SlackMessage } from '../render-slack.ts';

const BLOCK_ERRORS = new Set(['invalid_blocks', 'invalid_blocks_format', 'invalid_attachments', 'msg_blocks_too_long']);

export async function withTextFallback(message: SlackMessage, post: (m: SlackMessage | { text: string }) => Promise<void>, logger: Logger): Promise<void> {
  try {
    await post(message);
  } catch (err) {
    if (!(err instanceof SlackApiError) || !BLOCK_ERRORS.has(err.slackError)) throw err;
    logger.error({ slackError: err.slackError, blocks: message.blocks.length }, 'Slack refused the message blocks; sending the text fallback instead');
    await post({ text: message.text });
  }
}
