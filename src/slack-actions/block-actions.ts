/**
 * Slack's `block_actions` payload (docs.slack.dev/reference/interaction-payloads/block_actions-payload)
 * → one click on the first message's controls. Over the request URL it arrives form-encoded as
 * `payload=<JSON>`; over Socket Mode as the envelope's `payload` object. Only what we act on is
 * required; Slack adds fields freely. Input is `unknown` until the schema says otherwise.
 */
import { type Static, Type } from '@sinclair/typebox';
import { Ajv } from 'ajv';
import type { Click } from './actions/action-type.ts';
import { actionOf, SLACK_ACTIONS } from './actions/registry.ts';

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

/** The actions that are buttons: a select's ticket rides on them. */
const BUTTON_IDS: readonly string[] = SLACK_ACTIONS.filter((a) => a.readChoice === undefined).map((a) => a.id);

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
  const type = actionOf(action.action_id);
  if (type === undefined) return { ok: false, reason: `unknown action_id ${action.action_id}` };
  const channelId = p.container.channel_id ?? p.channel?.id;
  const messageTs = p.container.message_ts ?? p.message?.ts;
  if (p.container.type !== 'message' || channelId === undefined || messageTs === undefined) return { ok: false, reason: 'the click is not on a message' };
  const blocks = p.message?.blocks ?? [];
  let ticketValue = action.value;
  let choice: string | undefined;
  if (type.readChoice !== undefined) {
    const picked = type.readChoice(action.selected_option?.value);
    if (!picked.ok) return { ok: false, reason: picked.reason };
    choice = picked.choice;
    // A select's option values hold at most 150 characters: the ticket rides on the block's buttons.
    const block = blocks.find((b) => b.type === 'actions' && b.block_id === action.block_id);
    ticketValue = block?.elements?.find((e) => e.action_id !== undefined && BUTTON_IDS.includes(e.action_id))?.value;
  }
  if (ticketValue === undefined || ticketValue === '') return { ok: false, reason: 'the click carries no incident ticket' };
  const user = { id: p.user.id, ...(p.user.username !== undefined ? { name: p.user.username } : p.user.name !== undefined ? { name: p.user.name } : {}) };
  return {
    ok: true,
    click: {
      action: type.id,
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
