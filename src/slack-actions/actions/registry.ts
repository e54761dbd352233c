/**
 * Every Slack action crashtriage has, each described in its own file (action-type.ts), in the order
 * of the controls and of the status lines. The controls (controls.ts), the parsing of Slack's
 * `block_actions` payload (block-actions.ts) and the click handler (act.ts) derive from this list: a
 * new button is its file and one line here.
 */
import { ackAction } from './ack.ts';
import type { SlackActionType } from './action-type.ts';
import { recheckAction } from './recheck.ts';
import { silenceAction } from './silence.ts';

export const SLACK_ACTIONS = [silenceAction, ackAction, recheckAction] as const;

const BY_ID: ReadonlyMap<string, SlackActionType> = new Map(SLACK_ACTIONS.map((a) => [a.id, a]));

/** The action of an `action_id`, or undefined for one that is not ours. */
export function actionOf(id: string): SlackActionType | undefined {
  return BY_ID.get(id);
}
