/**
 * What a click does, once it is known to come from Slack (signature, or the Socket Mode connection):
 * check the button is ours (its signed ticket) and the user may act (allowlist), make a click that
 * Slack delivers twice, or that reaches both replicas, act once (the shared click claim), then act on
 * the incident under its claim: the click's action (actions/registry.ts: silence the workload in
 * Alertmanager, say who is on it, or read its pods again). The message is updated and the thread
 * told; a refusal or a failure is told to the user alone (ephemeral) and changes nothing: an action
 * commits the incident only when its act took (the silence only after Alertmanager took it).
 */
import type { Logger } from 'pino';
import type { AlertmanagerClient } from '../alertmanager/silences.ts';
import type { IncidentAct } from '../diagnosis/document.ts';
import type { PodAlerts } from '../incidents/alert-folding.ts';
import { type IncidentState, incidentKey } from '../incidents/incident.ts';
import { workloadName } from '../incidents/workload.ts';
import type { StateStore } from '../state/store.ts';
import type { ActionContext, Click, ClickOutcome } from './actions/action-type.ts';
import { actionOf } from './actions/registry.ts';
import { type Allowlist, allowedOutright, groupsToAsk } from './allowlist.ts';
import { type IncidentTicket, readTicket } from './button-value.ts';
import { replaceControls } from './controls.ts';
import type { PodReads } from './pod-check.ts';
import type { SilenceWatch } from './silence-watch.ts';
import type { SlackWeb } from './slack-web.ts';

/** A click taken, remembered by the replicas until Slack could no longer resend it. */
export interface ClickRecord {
  at: string;
  outcome: ClickOutcome;
}

export interface ActionDeps {
  /** The buttons' signing key (button-value.ts). */
  key: Buffer;
  allowlist: Allowlist;
  slack: SlackWeb;
  alertmanager: Pick<AlertmanagerClient, 'createSilence' | 'expireSilence'>;
  incidents: StateStore<IncidentState>;
  podAlerts: StateStore<PodAlerts>;
  clicks: StateStore<ClickRecord>;
  watch: StateStore<SilenceWatch>;
  reads: PodReads;
  clusterLabel: string;
  logger: Logger;
  /** Counts each click by action and outcome (crashtriage_slack_actions_total). */
  count(action: string, outcome: ClickOutcome): void;
  clock?: () => number;
  /** How long a user group's members are trusted before asking Slack again. */
  groupTtlMs?: number;
}

export interface ClickHandler {
  handle(click: Click): Promise<ClickOutcome>;
}

export function createClickHandler(deps: ActionDeps): ClickHandler {
  const clock = deps.clock ?? Date.now;
  const groupTtlMs = deps.groupTtlMs ?? 60_000;
  const groups = new Map<string, { members: Set<string>; at: number }>();
  const log = deps.logger;
  const checkDeps = { podAlerts: deps.podAlerts, reads: deps.reads, clusterLabel: deps.clusterLabel, clock };

  const tell = async (click: Click, text: string): Promise<void> => {
    try {
      await deps.slack.ephemeral(click.channelId, click.user.id, text);
    } catch (err) {
      log.warn({ err: err instanceof Error ? err.message : String(err), user: click.user.id }, 'slack actions: cannot tell the user');
    }
  };

  const isAllowed = async (click: Click): Promise<boolean> => {
    const who = { userId: click.user.id, channelId: click.channelId };
    if (allowedOutright(deps.allowlist, who)) return true;
    for (const group of groupsToAsk(deps.allowlist, who)) {
      let known = groups.get(group);
      if (known === undefined || clock() - known.at > groupTtlMs) {
        try {
          known = { members: new Set(await deps.slack.groupMembers(group)), at: clock() };
          groups.set(group, known);
        } catch (err) {
          log.warn({ err: err instanceof Error ? err.message : String(err), group }, 'slack actions: cannot read a user group of the allowlist');
          continue;
        }
      }
      if (known.members.has(click.user.id)) return true;
    }
    return false;
  };

  const updateMessage = async (click: Click, ticket: string | undefined, acts: readonly IncidentAct[]): Promise<void> => {
    try {
      await deps.slack.update(click.channelId, click.messageTs, { text: click.messageText, blocks: replaceControls(click.messageBlocks, ticket, acts) });
    } catch (err) {
      // The thread reply still says it; the next update of the incident shows the status line.
      log.warn({ err: err instanceof Error ? err.message : String(err) }, 'slack actions: cannot update the message');
    }
  };

  const thread = async (click: Click, text: string): Promise<void> => {
    try {
      await deps.slack.replyInThread(click.channelId, click.messageTs, text);
    } catch (err) {
      log.warn({ err: err instanceof Error ? err.message : String(err) }, 'slack actions: cannot reply in the thread');
    }
  };

  /** Under the incident's claim: the click's action (actions/), which commits the incident only when its act took. */
  const act = async (click: Click, ticket: IncidentTicket): Promise<ClickOutcome> => {
    const action = actionOf(click.action);
    // parseClick gives only the registry's ids: a click made up elsewhere does nothing.
    if (action === undefined) return 'failed';
    const held = await deps.incidents.claim(incidentKey(ticket.cluster, ticket.namespace, ticket.workload));
    const state = held.value;
    if (state === undefined || state.id !== ticket.id) {
      await held.release();
      await tell(click, `This crash loop of ${workloadName(ticket.workload)} is over (its alerts resolved): nothing to do.`);
      return 'stale';
    }
    const ctx: ActionContext = {
      click,
      ticket,
      state,
      now: clock(),
      async record(done) {
        const next = kept([...(state.acts ?? []), done]);
        await held.commit({ ...state, acts: next });
        return next;
      },
      release: () => held.release(),
      tell: (text) => tell(click, text),
      thread: (text) => thread(click, text),
      updateMessage: (acts) => updateMessage(click, click.ticketValue, acts),
      pods: checkDeps,
      alertmanager: deps.alertmanager,
      watch: deps.watch,
      clusterLabel: deps.clusterLabel,
      log,
    };
    return await action.run(ctx);
  };

  return {
    async handle(click) {
      const ticket = readTicket(deps.key, click.ticketValue);
      if (ticket === undefined) {
        log.warn(
          { user: click.user.id, action: click.action },
          'slack actions: a button value that is not ours (forged, or signed with an older bot token): refused',
        );
        await tell(click, 'This button was not made by crashtriage, or is from before its bot token changed: nothing was done.');
        deps.count(click.action, 'forged');
        return 'forged';
      }
      if (!(await isAllowed(click))) {
        log.warn({ user: click.user.id, action: click.action }, 'slack actions: a user not in SLACK_ACTIONS_ALLOWED clicked: refused');
        await tell(click, 'You are not allowed to act on crash-loop alerts from Slack (SLACK_ACTIONS_ALLOWED): nothing was done.');
        deps.count(click.action, 'not-allowed');
        return 'not-allowed';
      }
      // One click is one act, whichever replica and however often Slack delivers it.
      const claim = await deps.clicks.claim(JSON.stringify(['click', click.user.id, click.channelId, click.messageTs, click.action, click.actionTs]));
      if (claim.value !== undefined) {
        await claim.release();
        deps.count(click.action, 'duplicate');
        return 'duplicate';
      }
      let outcome: ClickOutcome = 'failed';
      try {
        outcome = await act(click, ticket);
      } finally {
        await claim.commit({ at: new Date(clock()).toISOString(), outcome });
        deps.count(click.action, outcome);
      }
      log.info({ user: click.user.id, action: click.action, choice: click.choice, incident: ticket.id, outcome }, 'slack action');
      return outcome;
    },
  };
}

/** An incident keeps its latest acts: enough for the status line, bounded however often people click. */
const MAX_ACTS = 50;
function kept(acts: IncidentAct[]): IncidentAct[] {
  return acts.slice(-MAX_ACTS);
}
