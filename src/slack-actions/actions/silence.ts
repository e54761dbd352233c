/**
 * "Silence…": a select of how long (1, 4 or 24 hours, or until resolved) that silences the workload
 * in Alertmanager (its matchers: workload-silence.ts), replacing the silence of an earlier click;
 * "until resolved" silences are watched and ended by the service (silence-watch.ts). The incident
 * is committed only after Alertmanager took the silence; the status line says who silenced it and
 * until when, or that the service ended it.
 */
import type { IncidentAct } from '../../diagnosis/document.ts';
import { workloadName } from '../../incidents/workload.ts';
import type { IncidentTicket } from '../button-value.ts';
import { firedAlertnames } from '../pod-check.ts';
import { watchKey } from '../silence-watch.ts';
import { SILENCE_MS, type SilenceChoice, workloadSilence } from '../workload-silence.ts';
import { type ActionContext, type Click, plain, type SlackActionType, WORK_BUDGET_MS } from './action-type.ts';

export const SILENCE_CHOICES: readonly SilenceChoice[] = ['1h', '4h', '24h', 'until-resolved'];

const CHOICE_TEXT: Record<SilenceChoice, string> = { '1h': '1 hour', '4h': '4 hours', '24h': '24 hours', 'until-resolved': 'Until resolved' };

const isChoice = (value: string | undefined): value is SilenceChoice => value !== undefined && (SILENCE_CHOICES as readonly string[]).includes(value);

/** Slack shows `<!date^…>` in each reader's own time zone; the fallback is UTC. */
function clockTime(iso: string): string {
  const at = new Date(iso);
  const fallback = `${at.toISOString().slice(11, 16)} UTC`;
  return `<!date^${Math.floor(at.getTime() / 1000)}^{time}|${fallback}>`;
}

/** The latest silence, or its end. */
function silenceStatus(acts: readonly IncidentAct[]): string[] {
  const silence = acts.findLast((a) => a.kind === 'silence' || a.kind === 'silence-expired');
  if (silence?.kind === 'silence') {
    return [
      silence.choice === 'until-resolved'
        ? `:mute: silenced until resolved by <@${silence.by}>`
        : `:mute: silenced ${silence.choice} by <@${silence.by}>, until ${clockTime(silence.endsAt)}`,
    ];
  }
  if (silence?.kind === 'silence-expired') return [`:bell: silence ended: ${silence.reason}`];
  return [];
}

const expireQuietly = async (ctx: ActionContext, id: string): Promise<void> => {
  try {
    await ctx.alertmanager.expireSilence(id, AbortSignal.timeout(WORK_BUDGET_MS));
  } catch (err) {
    ctx.log.warn({ err: err instanceof Error ? err.message : String(err), silence: id }, 'slack actions: cannot expire the replaced silence');
  }
};

/** The watch of "until resolved" silences: the new one in, the replaced one out. */
const rewatch = async (ctx: ActionContext, ticket: IncidentTicket, click: Click, add: string | undefined, drop: string | undefined): Promise<void> => {
  if (add === undefined && drop === undefined) return;
  const held = await ctx.watch.claim(watchKey);
  const kept = (held.value?.silences ?? []).filter((s) => s.silenceId !== drop);
  if (add !== undefined) kept.push({ silenceId: add, ticket, channel: click.channelId, ts: click.messageTs });
  await held.commit({ silences: kept });
};

export const silenceAction: SlackActionType<'silence'> = {
  id: 'silence',
  element: () => ({
    type: 'static_select',
    action_id: 'silence',
    placeholder: plain('Silence…'),
    options: SILENCE_CHOICES.map((c) => ({ text: plain(CHOICE_TEXT[c]), value: c })),
  }),
  statusLines: silenceStatus,
  readChoice: (picked) => (isChoice(picked) ? { ok: true, choice: picked } : { ok: false, reason: `unknown silence choice ${String(picked)}` }),
  async run(ctx) {
    const { click, ticket, state, now } = ctx;
    const acts = state.acts ?? [];
    const by = click.user.id;
    const choice = isChoice(click.choice) ? click.choice : '1h';
    let id: string;
    try {
      const alertnames = await firedAlertnames(ctx.pods, ticket, state);
      id = await ctx.alertmanager.createSilence(
        workloadSilence({ ticket, choice, user: click.user, alertnames, clusterLabel: ctx.clusterLabel, now }),
        AbortSignal.timeout(WORK_BUDGET_MS),
      );
    } catch (err) {
      await ctx.release();
      const why = err instanceof Error ? err.message : String(err);
      ctx.log.warn({ err: why, incident: ticket.id }, 'slack actions: Alertmanager did not take the silence');
      await ctx.tell(`:warning: Could not silence ${workloadName(ticket.workload)}: ${why}. Nothing was changed; try again, or silence it in Alertmanager.`);
      return 'failed';
    }
    const previous = acts.findLast((a) => a.kind === 'silence');
    const silence: IncidentAct = { kind: 'silence', by, choice, endsAt: new Date(now + SILENCE_MS[choice]).toISOString(), silenceId: id };
    const next = await ctx.record(silence);
    // The new silence replaces ours from an earlier click.
    if (previous?.kind === 'silence' && previous.silenceId !== id) await expireQuietly(ctx, previous.silenceId);
    await rewatch(ctx, ticket, click, choice === 'until-resolved' ? id : undefined, previous?.kind === 'silence' ? previous.silenceId : undefined);
    await ctx.updateMessage(next);
    await ctx.thread(`${silenceStatus([silence])[0] ?? ''} (Alertmanager silence \`${id}\`)`);
    return 'done';
  },
};
