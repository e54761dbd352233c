/**
 * Block Kit building blocks that cannot exceed Slack's limits: every builder cuts its text to the
 * documented maximum with a visible marker, so a huge diagnosis is shortened, never rejected with
 * `invalid_blocks`. Limits: https://docs.slack.dev/reference/block-kit/blocks (header, section,
 * context) and https://docs.slack.dev/reference/methods/chat.postMessage (text).
 */
import { escapeMrkdwn, oneLine, TRUNCATION_MARKER, truncate } from './text.ts';

export const SLACK_LIMITS = {
  /** Blocks per message. */
  maxBlocks: 50,
  /** header block: plain_text only. */
  headerText: 150,
  /** section block `text`. */
  sectionText: 3000,
  /** section block `fields`: count and length of each. */
  maxFields: 10,
  fieldText: 2000,
  /** context block `elements`. */
  maxContextElements: 10,
  contextText: 3000,
  /** The top-level `text`: Slack truncates at 40 000; we keep the notification short. */
  fallbackText: 4000,
} as const;

export interface PlainText {
  type: 'plain_text';
  text: string;
  emoji?: boolean;
}
export interface Mrkdwn {
  type: 'mrkdwn';
  text: string;
}
export type SlackBlock =
  | { type: 'header'; text: PlainText }
  | { type: 'section'; text?: Mrkdwn; fields?: Mrkdwn[] }
  | { type: 'context'; elements: Mrkdwn[]; block_id?: string }
  | { type: 'divider' }
  | { type: 'actions'; block_id: string; elements: ActionElement[] };

/** Interactive elements of an `actions` block (docs.slack.dev/reference/block-kit/block-elements). */
export type ActionElement =
  | { type: 'button'; action_id: string; text: PlainText; value: string; style?: 'primary' | 'danger' }
  | { type: 'static_select'; action_id: string; placeholder: PlainText; options: { text: PlainText; value: string }[] };

export interface SlackMessage {
  /** Notification and accessibility fallback (mrkdwn, escaped). */
  text: string;
  blocks: SlackBlock[];
}

export function header(text: string): SlackBlock {
  return { type: 'header', text: { type: 'plain_text', text: truncate(oneLine(text) || '-', SLACK_LIMITS.headerText), emoji: true } };
}

/** A section of already-escaped mrkdwn. */
export function section(mrkdwn: string): SlackBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(mrkdwn || ' ', SLACK_LIMITS.sectionText, { entities: true }) } };
}

/** Label/value pairs as section fields; values are cluster text and get escaped here. */
export function fields(pairs: { label: string; value: string }[]): SlackBlock {
  return {
    type: 'section',
    fields: pairs.slice(0, SLACK_LIMITS.maxFields).map((p) => ({
      type: 'mrkdwn',
      text: truncate(`*${escapeMrkdwn(p.label)}*\n${escapeMrkdwn(p.value) || '-'}`, SLACK_LIMITS.fieldText, { entities: true }),
    })),
  };
}

/** Context elements of already-escaped mrkdwn. */
export function context(elements: string[]): SlackBlock {
  return {
    type: 'context',
    elements: elements
      .filter((e) => e !== '')
      .slice(0, SLACK_LIMITS.maxContextElements)
      .map((text) => ({ type: 'mrkdwn', text: truncate(text, SLACK_LIMITS.contextText, { entities: true }) })),
  };
}

/** `<url|text>`: the URL's `|` would end it early and `&` must be an entity. */
export function link(url: string, text: string): string {
  return `<${url.replace(/\|/g, '%7C').replace(/&/g, '&amp;').replace(/</g, '%3C').replace(/>/g, '%3E')}|${escapeMrkdwn(text)}>`;
}

/**
 * A fenced code block of raw text, at most `max` characters including the fences. Backtick runs
 * inside would close the fence early, so they are broken with a zero-width space.
 */
export function codeBlock(raw: string, max: number): string {
  const fence = '```';
  const body = escapeMrkdwn(raw.replace(/```/g, '`\u200b``').replace(/\n+$/, '')) || ' ';
  return `${fence}\n${truncate(body, max - 2 * fence.length - 2, { entities: true })}\n${fence}`;
}

/**
 * Packs mrkdwn pieces (each at most one section long) into at most `maxSections` sections, in
 * order. When pieces are left over, the last section says so with the truncation marker.
 */
export function packSections(pieces: string[], maxSections: number): SlackBlock[] {
  const tail = `\n_${TRUNCATION_MARKER}_`;
  // Every section keeps room for the marker, so adding it never cuts a code fence.
  const capacity = SLACK_LIMITS.sectionText - tail.length;
  const texts: string[] = [];
  let current = '';
  let cut = false;
  for (const raw of pieces) {
    const piece = truncate(raw, capacity, { entities: true });
    if (current === '') current = piece;
    else if (current.length + 1 + piece.length <= capacity) current += `\n${piece}`;
    else if (texts.length + 1 === maxSections) {
      cut = true;
      break;
    } else {
      texts.push(current);
      current = piece;
    }
  }
  if (current !== '') texts.push(current);
  if (cut) texts[texts.length - 1] += tail;
  return texts.map((t) => section(t));
}

/** Keeps the message within the block limit, always keeping the last (context) block. */
export function capBlocks(blocks: SlackBlock[]): SlackBlock[] {
  if (blocks.length <= SLACK_LIMITS.maxBlocks) return blocks;
  const last = blocks[blocks.length - 1];
  const kept = blocks.slice(0, SLACK_LIMITS.maxBlocks - 2);
  kept.push(section(`_${TRUNCATION_MARKER}_`));
  if (last !== undefined) kept.push(last);
  return kept;
}

/** What a reader sees of mrkdwn: link labels, characters for entities, no `*`/`_`/backtick markers. */
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

/** The visible text of each block element, in order. */
export function visibleLines(blocks: readonly SlackBlock[]): string[] {
  return blocks.flatMap((block) => {
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
  });
}

/** Visible characters of a message: what the length budget of the first message counts. */
export function visibleLength(blocks: readonly SlackBlock[]): number {
  return visibleLines(blocks).join('\n').length;
}
