/**
 * The doctor's look at the Teams and PagerDuty sinks of the settings it runs with (in the pod:
 * `kubectl exec deploy/crashtriage -- node src/cli.ts doctor`): is the URL or key set, does the
 * endpoint answer, and what a person must know. The probes change nothing where they land: a GET of
 * the Workflows trigger (it runs flows only on POST), and a PagerDuty `acknowledge` of a dedup_key no
 * alert has (accepted, and a no-op). The judgement is pure; neither the URL nor the key is printed.
 */
import { loadConfig } from '../config/config.ts';
import { PAGERDUTY_EVENTS_URL } from '../notify/pagerduty-events.ts';
import type { Finding } from './finding.ts';

export type ProbeAnswer = { status: number; code?: string } | { error: string };

export interface SinkProbe {
  name: string;
  type: 'teams' | 'pagerduty';
  answer: ProbeAnswer;
}

/** What no PagerDuty alert is keyed by: acknowledging it changes nothing. */
export const DOCTOR_PROBE_DEDUP_KEY = 'crashtriage-doctor-probe-no-such-alert';

const TEST_ALERT = 'kubectl -n crashtriage exec deploy/crashtriage -- node src/cli.ts test-alert';

const connectionFailure = (err: unknown): string => {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return err instanceof Error && err.name === 'TimeoutError' ? 'timeout' : 'connection error';
};

/** A short error code from a JSON body (Logic Apps' `error.code`, PagerDuty's `errors[0]`), never free text from elsewhere. */
function codeOf(body: string): string | undefined {
  try {
    const json = JSON.parse(body) as { error?: { code?: unknown }; errors?: unknown[] } | null;
    const code = json?.error?.code ?? json?.errors?.[0];
    return typeof code === 'string' && /^[\w .,'()/:-]{1,200}$/.test(code) ? code : undefined;
  } catch {
    return undefined;
  }
}

export async function probeTeams(webhookUrl: string, fetchFn: typeof fetch, timeoutMs: number): Promise<ProbeAnswer> {
  try {
    const res = await fetchFn(webhookUrl, { method: 'GET', redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    const code = codeOf(await res.text());
    return code === undefined ? { status: res.status } : { status: res.status, code };
  } catch (err) {
    return { error: connectionFailure(err) };
  }
}

export async function probePagerDuty(url: string, routingKey: string, fetchFn: typeof fetch, timeoutMs: number): Promise<ProbeAnswer> {
  try {
    const res = await fetchFn(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ routing_key: routingKey, event_action: 'acknowledge', dedup_key: DOCTOR_PROBE_DEDUP_KEY }),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const code = codeOf(await res.text());
    return code === undefined ? { status: res.status } : { status: res.status, code };
  } catch (err) {
    return { error: connectionFailure(err) };
  }
}

const OWNER =
  'A Workflows flow belongs to the user who created it and runs as that user: when they leave the organisation or their account is disabled, the flow stops and the cards stop with it. Give the flow co-owners in Power Automate (My flows → the flow → Owners), or create it with a service account.';

function teamsFinding(p: SinkProbe): Finding {
  const subject = `Teams sink ${p.name}`;
  if ('error' in p.answer)
    return {
      verdict: 'drops',
      subject,
      says: `The Workflows URL is set, but its host cannot be reached (${p.answer.error}): no card can be posted. ${OWNER}`,
      fix: [TEST_ALERT],
    };
  const { status, code } = p.answer;
  const why = code === undefined ? `HTTP ${status}` : `HTTP ${status} ${code}`;
  if (status === 404)
    return {
      verdict: 'drops',
      subject,
      says: `The Workflows URL answers ${why}: the flow is gone (deleted, or removed with its owner's account). ${OWNER} Create the flow again and put its URL in TEAMS_WEBHOOK_URL.`,
      fix: [TEST_ALERT],
    };
  if (status === 401 || status === 403)
    return {
      verdict: 'drops',
      subject,
      says: `The Workflows URL answers ${why}: its signature (sig=) is refused; the URL was copied incompletely or regenerated. ${OWNER}`,
      fix: [TEST_ALERT],
    };
  return {
    verdict: 'check',
    subject,
    says: `The Workflows URL is set and its host answers (${why} to a GET, which runs no flow). ${OWNER} test-alert posts a TEST card to the channel.`,
    fix: [TEST_ALERT],
  };
}

function pagerDutyFinding(p: SinkProbe): Finding {
  const subject = `PagerDuty sink ${p.name}`;
  if ('error' in p.answer)
    return {
      verdict: 'drops',
      subject,
      says: `The routing key is set, but the Events API cannot be reached (${p.answer.error}): no page can be sent.`,
      fix: [TEST_ALERT],
    };
  const { status, code } = p.answer;
  if (status === 202)
    return {
      verdict: 'ok',
      subject,
      says: 'The routing key is set and the Events API accepts it (an acknowledge of no alert, which changes nothing). test-alert triggers a TEST alert and resolves it at once.',
      fix: [],
    };
  if (status === 400)
    return {
      verdict: 'drops',
      subject,
      says: `PagerDuty refuses events with this routing key (HTTP 400${code === undefined ? '' : `: ${code}`}): every page would be refused. Copy the Integration Key of the service's Events API V2 integration into PAGERDUTY_ROUTING_KEY.`,
      fix: [TEST_ALERT],
    };
  return {
    verdict: 'warns',
    subject,
    says: `The Events API answered HTTP ${status}${code === undefined ? '' : ` (${code})`}; pages are retried while it does.`,
    fix: [TEST_ALERT],
  };
}

export function judgeSinkProbes(probes: readonly SinkProbe[]): Finding[] {
  return probes.map((p) => (p.type === 'teams' ? teamsFinding(p) : pagerDutyFinding(p)));
}

/** Probes every Teams and PagerDuty sink the settings in `env` configure (none when they do not load: the rest of the doctor is about the cluster). */
export async function probeConfiguredSinks(env: Readonly<Record<string, string | undefined>>, fetchFn: typeof fetch, timeoutMs: number): Promise<SinkProbe[]> {
  const hasToken = (env['WEBHOOK_TOKEN'] ?? env['WEBHOOK_TOKEN_FILE'] ?? '') !== '';
  const loaded = loadConfig(hasToken ? env : { ...env, ALLOW_UNAUTHENTICATED: 'true' });
  if (!loaded.ok) return [];
  const probes: Promise<SinkProbe>[] = [];
  for (const [name, spec] of Object.entries(loaded.config.sinks)) {
    if (spec.type === 'teams') probes.push(probeTeams(spec.webhookUrl, fetchFn, timeoutMs).then((answer) => ({ name, type: 'teams', answer })));
    if (spec.type === 'pagerduty')
      probes.push(
        probePagerDuty(spec.url ?? PAGERDUTY_EVENTS_URL, spec.routingKey, fetchFn, timeoutMs).then((answer) => ({ name, type: 'pagerduty', answer })),
      );
  }
  return Promise.all(probes);
}
