/**
 * "Until resolved" silences end when the workload is healthy. A silenced alert never sends "resolved"
 * (Alertmanager mutes it, resolve included), so the service watches its own silences: every minute it
 * runs the resolve check's reads for each silenced incident's pods (pod-check.ts), and when every pod
 * recovered it expires the silence (`DELETE /api/v2/silence/{id}`), so that the alerts notify again
 * (and resolve), and says so in the message's thread. The list of watched silences is one key of the
 * shared state, held during a round, so that two replicas never expire one silence twice.
 */
import type { Logger } from 'pino';
import type { AlertmanagerClient } from '../alertmanager/silences.ts';
import type { PodAlerts } from '../incidents/alert-folding.ts';
import { type IncidentState, incidentKey } from '../incidents/incident.ts';
import { workloadName } from '../incidents/workload.ts';
import { escapeMrkdwn } from '../notify/text.ts';
import type { StateStore } from '../state/store.ts';
import type { IncidentTicket } from './button-value.ts';
import { allRecovered, checkPods, type PodReads } from './pod-check.ts';
import type { SlackWeb } from './slack-web.ts';

export const watchKey = 'until-resolved';

export interface WatchedSilence {
  silenceId: string;
  ticket: IncidentTicket;
  /** The incident's message, whose thread is told. */
  channel: string;
  ts: string;
}

export interface SilenceWatch {
  silences: WatchedSilence[];
}

export interface SilenceWatchDeps {
  watch: StateStore<SilenceWatch>;
  incidents: StateStore<IncidentState>;
  podAlerts: StateStore<PodAlerts>;
  reads: PodReads;
  alertmanager: Pick<AlertmanagerClient, 'expireSilence'>;
  slack: Pick<SlackWeb, 'replyInThread'>;
  clusterLabel: string;
  logger: Logger;
  clock?: () => number;
}

export interface SilenceWatcher {
  /** One round now; answers how many silences it expired. */
  checkNow(): Promise<number>;
  /** A round every `intervalMs`, until stop(). */
  start(intervalMs: number): void;
  stop(): void;
}

const ROUND_BUDGET_MS = 10_000;

export function createSilenceWatcher(deps: SilenceWatchDeps): SilenceWatcher {
  const clock = deps.clock ?? Date.now;
  const log = deps.logger;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  /** Whether the entry is done with: expired by us, or its incident is over. */
  const settle = async (entry: WatchedSilence): Promise<boolean> => {
    const { ticket } = entry;
    const held = await deps.incidents.claim(incidentKey(ticket.cluster, ticket.namespace, ticket.workload));
    const state = held.value;
    const open = state !== undefined && state.id === ticket.id;
    const pods = open ? await checkPods({ ...deps, clock }, ticket, state, clock() + ROUND_BUDGET_MS) : [];
    if (open && !allRecovered(pods)) {
      await held.release();
      return false;
    }
    try {
      await deps.alertmanager.expireSilence(entry.silenceId, AbortSignal.timeout(ROUND_BUDGET_MS));
    } catch (err) {
      const kind = (err as { kind?: unknown }).kind;
      // Someone expired or deleted it already (Alertmanager 0.25 answers an unknown id 500 "silence
      // not found", an expired one "already expired"): nothing left to do.
      const gone = kind === 'not-found' || (err instanceof Error && /not found|already expired/i.test(err.message));
      if (!gone) {
        await held.release();
        log.warn(
          { err: err instanceof Error ? err.message : String(err), silence: entry.silenceId },
          'slack actions: cannot expire an until-resolved silence; trying again next round',
        );
        return false;
      }
    }
    const name = workloadName(ticket.workload);
    const how = pods.map((p) => `\`${p.pod}\`: ${escapeMrkdwn(p.resolution.text)}`).join('; ');
    const reason = open ? `${name} recovered` : `the crash loop of ${name} is over`;
    if (open) await held.commit({ ...state, acts: [...(state.acts ?? []), { kind: 'silence-expired', reason }] });
    else await held.release();
    try {
      await deps.slack.replyInThread(
        entry.channel,
        entry.ts,
        `:bell: ${reason}${how === '' ? '' : ` (${how})`}: silence \`${entry.silenceId}\` expired, its alerts notify again.`,
      );
    } catch (err) {
      log.warn({ err: err instanceof Error ? err.message : String(err) }, 'slack actions: cannot reply in the thread');
    }
    log.info({ silence: entry.silenceId, incident: ticket.id, reason }, 'until-resolved silence expired');
    return true;
  };

  const round = async (): Promise<number> => {
    const held = await deps.watch.claim(watchKey);
    const silences = held.value?.silences ?? [];
    if (silences.length === 0) {
      await held.release();
      return 0;
    }
    const kept: WatchedSilence[] = [];
    let expired = 0;
    try {
      for (const entry of silences) {
        let done = false;
        try {
          done = await settle(entry);
        } catch (err) {
          log.warn({ err: err instanceof Error ? err.message : String(err), silence: entry.silenceId }, 'slack actions: until-resolved check failed');
        }
        if (done) expired++;
        else kept.push(entry);
      }
    } finally {
      await held.commit(kept.length === 0 ? undefined : { silences: kept });
    }
    return expired;
  };

  return {
    checkNow() {
      running ??= round().finally(() => {
        running = undefined;
      });
      return running;
    },
    start(intervalMs) {
      timer = setInterval(() => void this.checkNow().catch((err: unknown) => log.warn({ err }, 'slack actions: silence watch round failed')), intervalMs);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
    },
  };
}
