/** "I'm on it": says who is on the incident, in the status line and the thread. */
import type { IncidentAct } from '../../diagnosis/document.ts';
import { plain, type SlackActionType } from './action-type.ts';

/** Everyone on it, once each, in the order they clicked. */
function onIt(acts: readonly IncidentAct[]): string[] {
  const on = [...new Set(acts.flatMap((a) => (a.kind === 'ack' ? [a.by] : [])))];
  return on.length === 0 ? [] : [`:eyes: ${on.map((u) => `<@${u}>`).join(', ')} ${on.length === 1 ? 'is' : 'are'} on it`];
}

export const ackAction: SlackActionType<'ack'> = {
  id: 'ack',
  element: (ticketValue) => ({ type: 'button', action_id: 'ack', text: plain("I'm on it"), value: ticketValue, style: 'primary' }),
  statusLines: onIt,
  async run(ctx) {
    const by = ctx.click.user.id;
    const next = await ctx.record({ kind: 'ack', by });
    await ctx.updateMessage(next);
    await ctx.thread(`:eyes: <@${by}> is on it`);
    return 'done';
  },
};
