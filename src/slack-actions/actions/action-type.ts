/**
 * What a Slack action says about itself, in its own file (src/slack-actions/actions/<id>.ts): its
 * `action_id`, its element of the first message's controls, its lines of the status above them, the
 * choice it reads from Slack's `block_actions` payload (a select's option), and what a click does
 * under the incident's claim. The controls (controls.ts), the payload's parsing (block-actions.ts)
 * and the click handler (act.ts) derive from the list of these (registry.ts), so a new button is one
 * file and one line there; the act it leaves on the incident is one member of `IncidentAct`, the
 * diagnosis document's (src/diagnosis/document.ts).
 */
import type { Logger } from 'pino';
import type { AlertmanagerClient } from '../../alertmanager/silences.ts';
import type { IncidentAct } from '../../diagnosis/document.ts';
import type { IncidentState } from '../../incidents/incident.ts';
import type { ActionElement, PlainText } from '../../notify/slack-blocks.ts';
import type { StateStore } from '../../state/store.ts';
import type { IncidentTicket } from '../button-value.ts';
import type { PodCheckDeps } from '../pod-check.ts';
import type { SilenceWatch } from '../silence-watch.ts';

export type ClickOutcome = 'done' | 'duplicate' | 'forged' | 'not-allowed' | 'stale' | 'failed';

/** One click on the controls of a message we posted (block-actions.ts parses it). */
export interface Click {
  /** The action's id (an `id` of registry.ts). */
  action: string;
  /** Set for an action with a choice (a select): the option picked, checked by its `readChoice`. */
  choice?: string;
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

/** Reads and calls an action makes take at most this long; Slack was answered long before. */
export const WORK_BUDGET_MS = 10_000;

/** What the click handler (act.ts) hands an action: the incident, claimed, and the ways to say what was done. */
export interface ActionContext {
  click: Click;
  ticket: IncidentTicket;
  /** The incident as claimed (it is the ticket's): the action either records an act or releases it. */
  state: IncidentState;
  now: number;
  /** Appends the act to the incident's and commits the incident: the acts it keeps (the latest ones). */
  record(act: IncidentAct): Promise<IncidentAct[]>;
  /** Leaves the incident as it was. */
  release(): Promise<void>;
  /** Tells the user alone (ephemeral); a failure to tell is logged, never thrown. */
  tell(text: string): Promise<void>;
  /** Replies in the message's thread; a failure is logged, never thrown. */
  thread(text: string): Promise<void>;
  /** Updates the message: the status line of these acts, and the controls. */
  updateMessage(acts: readonly IncidentAct[]): Promise<void>;
  /** The incident's pods, read again (pod-check.ts). */
  pods: PodCheckDeps;
  alertmanager: Pick<AlertmanagerClient, 'createSilence' | 'expireSilence'>;
  /** The "until resolved" silences the service ends itself (silence-watch.ts). */
  watch: StateStore<SilenceWatch>;
  clusterLabel: string;
  log: Logger;
}

export interface SlackActionType<Id extends string = string> {
  /** Its `action_id` in the controls and in Slack's payload. */
  id: Id;
  /** Its element of the controls block; `ticketValue` is the signed incident ticket a button carries. */
  element(ticketValue: string): ActionElement;
  /** Its lines of the status above the controls, from the incident's acts (oldest first); the lines follow the registry's order. */
  statusLines?(acts: readonly IncidentAct[]): string[];
  /**
   * Set for a select: the option picked (`selected_option.value`), checked against its choices. A
   * select's option values hold at most 150 characters, so its ticket rides on the block's buttons.
   */
  readChoice?(picked: string | undefined): { ok: true; choice: string } | { ok: false; reason: string };
  /** What the click does, under the incident's claim: record an act or release the incident, then say so. */
  run(ctx: ActionContext): Promise<ClickOutcome>;
}

export const plain = (text: string): PlainText => ({ type: 'plain_text', text, emoji: true });
