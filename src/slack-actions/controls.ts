/**
 * The first message's controls (bot mode): an `actions` block of each action's element, whose action
 * ids say what they do, and the lines above it that say who did what ("silenced 4h by @alice, until
 * 14:20", "@bob is on it"), each action's own (actions/registry.ts).
 * Pure: the sink appends them when it posts or updates the message, the click handler when it
 * updates it after a click. Limits: docs.slack.dev/reference/block-kit/block-elements (button text
 * 75, value 2000; static_select option value 150).
 */
import type { IncidentAct } from '../diagnosis/document.ts';
import type { SlackBlock, SlackMessage } from '../notify/slack-blocks.ts';
import { SLACK_ACTIONS } from './actions/registry.ts';

/** Our blocks carry these ids, so that an update replaces them and leaves the rest of the message alone. */
export const CONTROLS_BLOCK_ID = 'crashtriage-controls';
export const STATUS_BLOCK_ID = 'crashtriage-status';

/** What was done from Slack, as the message shows it (kept with the incident: IncidentState.acts). */
export type Act = IncidentAct;

/** Each action's element (actions/registry.ts), in the registry's order. */
export function controlsBlock(ticketValue: string): SlackBlock {
  return { type: 'actions', block_id: CONTROLS_BLOCK_ID, elements: SLACK_ACTIONS.map((a) => a.element(ticketValue)) };
}

/** The status lines: each action's, in the registry's order (the latest silence or its end, then who is on it). */
export function statusLines(acts: readonly Act[]): string[] {
  return SLACK_ACTIONS.flatMap((a) => a.statusLines?.(acts) ?? []);
}

function ourBlocks(ticketValue: string | undefined, acts: readonly Act[]): SlackBlock[] {
  const lines = statusLines(acts);
  const blocks: SlackBlock[] = [];
  if (lines.length > 0) blocks.push({ type: 'context', block_id: STATUS_BLOCK_ID, elements: lines.map((text) => ({ type: 'mrkdwn', text })) });
  if (ticketValue !== undefined) blocks.push(controlsBlock(ticketValue));
  return blocks;
}

/** The message with the status line and, while the incident is open (`ticketValue` set), the controls. */
export function withControls(message: SlackMessage, ticketValue: string | undefined, acts: readonly Act[]): SlackMessage {
  const extra = ourBlocks(ticketValue, acts);
  if (extra.length === 0) return message;
  return { ...message, blocks: [...message.blocks.slice(0, 50 - extra.length), ...extra] };
}

/** The blocks Slack holds now (from the click), with our status and controls replaced. */
export function replaceControls(blocks: readonly unknown[], ticketValue: string | undefined, acts: readonly Act[]): unknown[] {
  const ours = (b: unknown): boolean => {
    const id = (b as { block_id?: unknown } | null)?.block_id;
    return id === CONTROLS_BLOCK_ID || id === STATUS_BLOCK_ID;
  };
  const kept = blocks.filter((b) => !ours(b));
  const extra = ourBlocks(ticketValue, acts);
  return [...kept.slice(0, 50 - extra.length), ...extra];
}
