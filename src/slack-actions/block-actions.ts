/**
 * Slack's `block_actions` payload (docs.slack.dev/reference/interaction-payloads/block_actions-payload)
 * → one click on the first message's controls. Over the request URL it arrives form-encoded as
 * `payload=<JSON>`; over Socket Mode as the envelope's `payload` object. Only what we act on is
 * required; Slack adds fields freely. Input is `unknown` until the schema says otherwise.
 */
import { type Static, Type } from '@sinclair/typebox';
import { Ajv } from 'ajv';
import { ACTION_IDS, type ActionId, SILENCE_CHOICES, type SilenceChoice } from './controls.ts';

const Action = Type.Object({
  action_id: Type.String({ minLength: 1 }),
  block_id: Type.String(),
  type: Type.String(),
  action_ts: Type.String({ minLength: 1 }),
  value: Type.Optional(Type.String()),
  selected_option: Type.Optional(Type.Object({ value: Type.String() })),
});

const Element = Type.Object({ action_id: Type.Optional(Type.String()), value: Type.Optional(Type.String()) });
const Block = Type.Object({ type: Type.String(), block_id: Type.Optional(Type.String()), elements: Type.Optional(Type.Array(Element)) });

const BlockActionsPayload = Type.Object({
  type: Type.Literal('block_actions'),
  user: Type.Object({ id: Type.String({ minLength: 1 }), username: Type.Optional(Type.String()), name: Type.Optional(Type.String()) }),
  channel: Type.Optional(Type.Object({ id: Type.String({ minLength: 1 }) })),
  container: Type.Object({
    type: Type.String(),
    message_ts: Type.Optional(Type.String()),
    channel_id: Type.Optional(Type.String()),
    is_ephemeral: Type.Optional(Type.Boolean()),
  }),
  message: Type.Optional(Type.Object({ ts: Type.String(), text: Type.Optional(Type.String()), blocks: Type.Optional(Type.Array(Block)) })),
  actions: Type.Array(Action, { minItems: 1 }),
  trigger_id: Type.Optional(Type.String()),
});
type BlockActionsPayload = Static<typeof BlockActionsPayload>;

const validate = new Ajv({ strict: false }).compile<BlockActionsPayload>(BlockActionsPayload);

/** One click on the controls of a message we posted. */
export interface Click {
  action: ActionId;
  /** Set for `silence`: the option picked. */
  choice?: SilenceChoice;
  /** The signed incident ticket (button-value.ts), not yet verified. */
  ticketValue: string;
  user: { id: string; name?: string };
  channelId: string;
  messageTs: string;
  /** Slack's time of the click: with the user and the message, what makes a click (and its retries) one. */
  actionTs: string;
  /** The message's blocks as Slack holds them now, so that the update changes only our own lines. */
  messageBlocks: unknown[];
  /** Its notification text, kept on update. */
  messageText: string;
}

export type ClickParse = { ok: true; click: Click } | { ok: false; reason: string };

/** The JSON of a request URL body (`application/x-www-form-urlencoded`, field `payload`). */
export function payloadOfForm(rawBody: string): unknown {
  const field = new URLSearchParams(rawBody).get('payload');
  if (field === null) return undefined;
  try {
    return JSON.parse(field);
  } catch {
    return undefined;
  }
}

export function parseClick(payload: unknown): ClickParse {
  if (typeof payload === 'object' && payload !== null && (payload as { type?: unknown }).type !== 'block_actions') {
    return { ok: false, reason: `not a block_actions payload (type ${String((payload as { type?: unknown }).type)})` };
  }
  if (!validate(payload))
    return { ok: false, reason: `block_actions payload: ${validate.errors?.[0]?.instancePath ?? ''} ${validate.errors?.[0]?.message ?? 'invalid'}` };
  const p = payload;
  const action = p.actions[0] as BlockActionsPayload['actions'][number];
  if (!(ACTION_IDS as readonly string[]).includes(action.action_id)) return { ok: false, reason: `unknown action_id ${action.action_id}` };
  const actionId = action.action_id as ActionId;
  const channelId = p.container.channel_id ?? p.channel?.id;
  const messageTs = p.container.message_ts ?? p.message?.ts;
  if (p.container.type !== 'message' || channelId === undefined || messageTs === undefined) return { ok: false, reason: 'the click is not on a message' };
  const blocks = p.message?.blocks ?? [];
  let ticketValue = action.value;
  let choice: SilenceChoice | undefined;
  if (actionId === 'silence') {
    const picked = action.selected_option?.value;
    if (picked === undefined || !(SILENCE_CHOICES as readonly string[]).includes(picked))
      return { ok: false, reason: `unknown silence choice ${String(picked)}` };
    choice = picked as SilenceChoice;
    // A select's option values hold at most 150 characters: the ticket rides on the block's buttons.
    const block = blocks.find((b) => b.type === 'actions' && b.block_id === action.block_id);
    ticketValue = block?.elements?.find((e) => e.action_id === 'ack' || e.action_id === 'recheck')?.value;
  }
  if (ticketValue === undefined || ticketValue === '') return { ok: false, reason: 'the click carries no incident ticket' };
  const user = { id: p.user.id, ...(p.user.username !== undefined ? { name: p.user.username } : p.user.name !== undefined ? { name: p.user.name } : {}) };
  return {
    ok: true,
    click: {
      action: actionId,
      ...(choice === undefined ? {} : { choice }),
      ticketValue,
      user,
      channelId,
      messageTs,
      actionTs: action.action_ts,
      messageBlocks: blocks,
      messageText: p.message?.text ?? '',
    },
  };
}
