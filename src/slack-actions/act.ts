/**
 * What a click does, once it is known to come from Slack (signature, or the Socket Mode connection):
 * check the button is ours (its signed ticket) and the user may act (allowlist), make a click that
 * Slack delivers twice, or that reaches both replicas, act once (the shared click claim), then act on
 * the incident under its claim: silence the workload in Alertmanager, say who is on it, or read its
 * pods again. The message is updated and the thread told; a refusal or a failure is told to the
 * user alone (ephemeral) and changes nothing: the incident is committed only after Alertmanager took
 * the silence.
 */
import type { Logger } from 'pino';
import type { AlertmanagerClient } from '../alertmanager/silences.ts';
import type { IncidentAct } from '../diagnosis/document.ts';
import type { PodAlerts } from '../incidents/alert-folding.ts';
import { type IncidentState, incidentKey } from '../incidents/incident.ts';
import { workloadName } from '../incidents/workload.ts';
import { escapeMrkdwn } from '../notify/text.ts';
import type { StateStore } from '../state/store.ts';
import { type Allowlist, allowedOutright, groupsToAsk } from './allowlist.ts';
import type { Click } from './block-actions.ts';
import { type IncidentTicket, readTicket } from './button-value.ts';
import { replaceControls, SILENCE_MS, statusLines } from './controls.ts';
import { checkPods, firedAlertnames, type PodReads } from './pod-check.ts';
import { type SilenceWatch, watchKey } from './silence-watch.ts';
import type { SlackWeb } from './slack-web.ts';
import { workloadSilence } from './workload-silence.ts';

export type ClickOutcome = 'done' | 'duplicate' | 'forged' | 'not-allowed' | 'stale' | 'failed';

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

/** Reads take at most this long; Slack was answered long before. */
const WORK_BUDGET_MS = 10_000;

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

  /** Under the incident's claim: act, and commit the incident only when the act took. */
  const act = async (click: Click, ticket: IncidentTicket): Promise<ClickOutcome> => {
    const held = await deps.incidents.claim(incidentKey(ticket.cluster, ticket.namespace, ticket.workload));
    const state = held.value;
    if (state === undefined || state.id !== ticket.id) {
      await held.release();
      await tell(click, `This crash loop of ${workloadName(ticket.workload)} is over (its alerts resolved): nothing to do.`);
      return 'stale';
    }
    const acts = state.acts ?? [];
    const by = click.user.id;
    const now = clock();
    switch (click.action) {
      case 'ack': {
        const next = kept([...acts, { kind: 'ack' as const, by }]);
        await held.commit({ ...state, acts: next });
        await updateMessage(click, click.ticketValue, next);
        await thread(click, `:eyes: <@${by}> is on it`);
        return 'done';
      }
      case 'silence': {
        const choice = click.choice ?? '1h';
        let id: string;
        try {
          const alertnames = await firedAlertnames(checkDeps, ticket, state);
          id = await deps.alertmanager.createSilence(
            workloadSilence({ ticket, choice, user: click.user, alertnames, clusterLabel: deps.clusterLabel, now }),
            AbortSignal.timeout(WORK_BUDGET_MS),
          );
        } catch (err) {
          await held.release();
          const why = err instanceof Error ? err.message : String(err);
          log.warn({ err: why, incident: ticket.id }, 'slack actions: Alertmanager did not take the silence');
          await tell(
            click,
            `:warning: Could not silence ${workloadName(ticket.workload)}: ${why}. Nothing was changed; try again, or silence it in Alertmanager.`,
          );
          return 'failed';
        }
        const previous = acts.findLast((a) => a.kind === 'silence');
        const silence: IncidentAct = { kind: 'silence', by, choice, endsAt: new Date(now + SILENCE_MS[choice]).toISOString(), silenceId: id };
        const next = kept([...acts, silence]);
        await held.commit({ ...state, acts: next });
        // The new silence replaces ours from an earlier click.
        if (previous?.kind === 'silence' && previous.silenceId !== id) await expireQuietly(previous.silenceId);
        await rewatch(ticket, click, choice === 'until-resolved' ? id : undefined, previous?.kind === 'silence' ? previous.silenceId : undefined);
        await updateMessage(click, click.ticketValue, next);
        await thread(click, `${statusLines([silence])[0] ?? ''} (Alertmanager silence \`${id}\`)`);
        return 'done';
      }
      case 'recheck': {
        await held.release();
        const pods = await checkPods(checkDeps, ticket, state, now + WORK_BUDGET_MS);
        const lines = pods.map((p) => `• \`${p.pod}\` (was: ${escapeMrkdwn(p.was)}): ${escapeMrkdwn(p.resolution.text)}`);
        const head = `:mag: Checked again for <@${by}>: ${pods.length === 0 ? 'no pod of this incident is firing now' : `${pods.length} pod${pods.length === 1 ? '' : 's'}`}`;
        await thread(click, [head, ...lines].join('\n'));
        return 'done';
      }
    }
  };

  const expireQuietly = async (id: string): Promise<void> => {
    try {
      await deps.alertmanager.expireSilence(id, AbortSignal.timeout(WORK_BUDGET_MS));
    } catch (err) {
      log.warn({ err: err instanceof Error ? err.message : String(err), silence: id }, 'slack actions: cannot expire the replaced silence');
    }
  };

  /** The watch of "until resolved" silences: the new one in, the replaced one out. */
  const rewatch = async (ticket: IncidentTicket, click: Click, add: string | undefined, drop: string | undefined): Promise<void> => {
    if (add === undefined && drop === undefined) return;
    const held = await deps.watch.claim(watchKey);
    const kept = (held.value?.silences ?? []).filter((s) => s.silenceId !== drop);
    if (add !== undefined) kept.push({ silenceId: add, ticket, channel: click.channelId, ts: click.messageTs });
    await held.commit({ silences: kept });
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
