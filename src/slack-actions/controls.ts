/**
 * The first message's controls (bot mode): an `actions` block whose action ids say what they do, and
 * the line above it that says who did what ("silenced 4h by @alice, until 14:20", "@bob is on it").
 * Pure: the sink appends them when it posts or updates the message, the click handler when it
 * updates it after a click. Limits: docs.slack.dev/reference/block-kit/block-elements (button text
 * 75, value 2000; static_select option value 150).
 */
import type { IncidentAct } from '../diagnosis/document.ts';
import type { SlackBlock, SlackMessage } from '../notify/slack-blocks.ts';

export const ACTION_IDS = ['silence', 'ack', 'recheck'] as const;
export type ActionId = (typeof ACTION_IDS)[number];

export type SilenceChoice = Extract<IncidentAct, { kind: 'silence' }>['choice'];
export const SILENCE_CHOICES: readonly SilenceChoice[] = ['1h', '4h', '24h', 'until-resolved'];

/**
 * How long each choice silences. Alertmanager needs an end for every silence: "until resolved" ends
 * when the service finds the workload healthy (silence-watch.ts), and at the latest after a week, so
 * that a forgotten one does not hide the workload for ever.
 */
export const SILENCE_MS: Record<SilenceChoice, number> = { '1h': 3600_000, '4h': 4 * 3600_000, '24h': 24 * 3600_000, 'until-resolved': 7 * 24 * 3600_000 };

const CHOICE_TEXT: Record<SilenceChoice, string> = { '1h': '1 hour', '4h': '4 hours', '24h': '24 hours', 'until-resolved': 'Until resolved' };

/** Our blocks carry these ids, so that an update replaces them and leaves the rest of the message alone. */
export const CONTROLS_BLOCK_ID = 'crashtriage-controls';
export const STATUS_BLOCK_ID = 'crashtriage-status';

/** What was done from Slack, as the message shows it (kept with the incident: IncidentState.acts). */
export type Act = IncidentAct;

const plain = (text: string) => ({ type: 'plain_text' as const, text, emoji: true });

export function controlsBlock(ticketValue: string): SlackBlock {
  return {
    type: 'actions',
    block_id: CONTROLS_BLOCK_ID,
    elements: [
      {
        type: 'static_select',
        action_id: 'silence',
        placeholder: plain('Silence…'),
        options: SILENCE_CHOICES.map((c) => ({ text: plain(CHOICE_TEXT[c]), value: c })),
      },
      { type: 'button', action_id: 'ack', text: plain("I'm on it"), value: ticketValue, style: 'primary' },
      { type: 'button', action_id: 'recheck', text: plain('Check again'), value: ticketValue },
    ],
  };
}

/** Slack shows `<!date^…>` in each reader's own time zone; the fallback is UTC. */
function clockTime(iso: string): string {
  const at = new Date(iso);
  const fallback = `${at.toISOString().slice(11, 16)} UTC`;
  return `<!date^${Math.floor(at.getTime() / 1000)}^{time}|${fallback}>`;
}

/** The status lines: the latest silence (or its end), then who is on it. */
export function statusLines(acts: readonly Act[]): string[] {
  const lines: string[] = [];
  const silence = acts.findLast((a) => a.kind === 'silence' || a.kind === 'silence-expired');
  if (silence?.kind === 'silence') {
    lines.push(
      silence.choice === 'until-resolved'
        ? `:mute: silenced until resolved by <@${silence.by}>`
        : `:mute: silenced ${silence.choice} by <@${silence.by}>, until ${clockTime(silence.endsAt)}`,
    );
  } else if (silence?.kind === 'silence-expired') lines.push(`:bell: silence ended: ${silence.reason}`);
  const on = [...new Set(acts.flatMap((a) => (a.kind === 'ack' ? [a.by] : [])))];
  if (on.length > 0) lines.push(`:eyes: ${on.map((u) => `<@${u}>`).join(', ')} ${on.length === 1 ? 'is' : 'are'} on it`);
  return lines;
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
