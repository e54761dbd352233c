/** "Check again": reads the incident's firing pods now and says in the thread how each is; changes nothing. */
import { escapeMrkdwn } from '../../notify/text.ts';
import { checkPods } from '../pod-check.ts';
import { plain, type SlackActionType, WORK_BUDGET_MS } from './action-type.ts';

export const recheckAction: SlackActionType<'recheck'> = {
  id: 'recheck',
  element: (ticketValue) => ({ type: 'button', action_id: 'recheck', text: plain('Check again'), value: ticketValue }),
  async run(ctx) {
    await ctx.release();
    const by = ctx.click.user.id;
    const pods = await checkPods(ctx.pods, ctx.ticket, ctx.state, ctx.now + WORK_BUDGET_MS);
    const lines = pods.map((p) => `• \`${p.pod}\` (was: ${escapeMrkdwn(p.was)}): ${escapeMrkdwn(p.resolution.text)}`);
    const head = `:mag: Checked again for <@${by}>: ${pods.length === 0 ? 'no pod of this incident is firing now' : `${pods.length} pod${pods.length === 1 ? '' : 's'}`}`;
    await ctx.thread([head, ...lines].join('\n'));
    return 'done';
  },
};
