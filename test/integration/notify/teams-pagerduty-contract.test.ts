/**
 * The Teams and PagerDuty sinks against every row of their stand-ins' reply tables: what each
 * documented answer means for the message (sent, refused for good, or retried, and after how long).
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DiagnosisDocument } from '../../../src/diagnosis/document.ts';
import { classifyFailure, type FailureClass } from '../../../src/notify/retry-policy.ts';
import type { SendContext, SinkDeps } from '../../../src/notify/sink.ts';
import { createPagerDutySink, THROTTLED_BACKOFF_MS } from '../../../src/notify/sinks/pagerduty.ts';
import { createTeamsSink } from '../../../src/notify/sinks/teams.ts';
import { hugeDocument, oomDocument, resolvedOf } from '../../fixtures/notify/documents.ts';
import { PAGERDUTY_REPLIES, type PagerDutyReplyName, type PagerDutyStandin, startPagerDutyStandin } from '../../support/pagerduty-standin.ts';
import { startTeamsStandin, TEAMS_REPLIES, type TeamsReplyName, type TeamsStandin } from '../../support/teams-standin.ts';

const logs: string[] = [];
function deps(): SinkDeps {
  return {
    fetch: globalThis.fetch,
    clock: Date.now,
    logger: pino(
      { level: 'debug' },
      new Writable({
        write(chunk: Buffer, _e, cb) {
          logs.push(chunk.toString('utf8'));
          cb();
        },
      }),
    ),
    timeoutMs: 5000,
    stdout: { write: () => true },
  };
}

const ctx = (): SendContext => ({
  groupKey: '{}:{namespace="payments"}',
  receiver: 'crashtriage',
  externalURL: 'http://alertmanager.example:9093',
  idempotencyKey: 'k',
  signal: AbortSignal.timeout(5000),
});

/** 'sent', or how the notifier would classify the failure. */
async function outcome(send: () => Promise<void>): Promise<'sent' | FailureClass> {
  try {
    await send();
    return 'sent';
  } catch (err) {
    return classifyFailure(err);
  }
}

/** What each row must mean: the reply rules. */
const TEAMS_EXPECTED: Record<TeamsReplyName, 'sent' | 'permanent' | 'retry'> = {
  accepted: 'sent',
  ok: 'sent',
  invalidContent: 'permanent',
  wrongMethod: 'permanent',
  badSignature: 'permanent',
  flowGone: 'permanent',
  tooLarge: 'permanent',
  throttled: 'retry',
  serverError: 'retry',
  badGateway: 'retry',
  unavailable: 'retry',
};

const PAGERDUTY_EXPECTED: Record<PagerDutyReplyName, 'sent' | 'permanent' | 'retry'> = {
  accepted: 'sent',
  changeAccepted: 'sent',
  invalidEvent: 'permanent',
  unparsable: 'permanent',
  throttled: 'retry',
  serverError: 'retry',
  badGateway: 'retry',
  unavailable: 'retry',
};

const kind = (o: 'sent' | FailureClass): string => (o === 'sent' ? 'sent' : o.retryable ? 'retry' : 'permanent');

describe('Teams sink × every documented Workflows reply', () => {
  let teams: TeamsStandin;
  beforeEach(async () => {
    teams = await startTeamsStandin();
    logs.length = 0;
  });
  afterEach(async () => teams.close());

  it('every row of the table has a public source and an expected meaning', () => {
    for (const [name, row] of Object.entries(TEAMS_REPLIES)) {
      expect(row.source.length, name).toBeGreaterThan(20);
      expect(TEAMS_EXPECTED[name as TeamsReplyName], name).toBeDefined();
    }
  });

  for (const name of Object.keys(TEAMS_REPLIES) as TeamsReplyName[]) {
    it(`${name} (${TEAMS_REPLIES[name].status}) → ${TEAMS_EXPECTED[name]}; no error names the URL or its sig`, async () => {
      const sink = createTeamsSink({ webhookUrl: teams.url }, deps());
      teams.failNext(name, 1);
      const o = await outcome(() => sink.send(oomDocument(), ctx()));
      expect(kind(o)).toBe(TEAMS_EXPECTED[name]);
      if (o !== 'sent') {
        expect(o.reason).toMatch(new RegExp(`^HTTP ${TEAMS_REPLIES[name].status}`));
        expect(o.reason).not.toContain(teams.sig);
        expect(o.reason).not.toContain('127.0.0.1');
      }
      if (name === 'throttled') expect(o !== 'sent' && o.retryable && o.retryAfterMs).toBe(2000);
      if (name === 'tooLarge') expect(logs.join('')).toContain('please report this as a crashtriage defect');
      expect(logs.join('')).not.toContain(teams.sig);
    });
  }

  it('unscripted: the card reaches the channel, and the huge document stays under the size the trigger counts', async () => {
    const sink = createTeamsSink({ webhookUrl: teams.url }, deps());
    await sink.send(oomDocument(), ctx());
    await sink.send(hugeDocument(), ctx());
    await sink.send(resolvedOf(oomDocument()), ctx());
    expect(teams.failedRuns).toEqual([]);
    expect(teams.posts).toHaveLength(3);
    expect(teams.posts.every((p) => p.bytes <= 24 * 1024)).toBe(true);
  });

  it('raw: the bare card for a flow that posts @triggerBody(); sent to the template flow, the run fails and shows nothing', async () => {
    teams.setFlow('raw');
    await createTeamsSink({ webhookUrl: teams.url, raw: true }, deps()).send(oomDocument(), ctx());
    expect(teams.posts).toHaveLength(1);
    teams.setFlow('template');
    await createTeamsSink({ webhookUrl: teams.url, raw: true }, deps()).send(oomDocument(), ctx());
    expect(teams.posts).toHaveLength(1);
    expect(teams.failedRuns[0]?.reason).toMatch(/foreach/);
  });

  it('a wrong sig → 401, final: the URL was copied wrong, a resend cannot fix it', async () => {
    const o = await outcome(() => createTeamsSink({ webhookUrl: teams.url.replace(/sig=[^&]+/, 'sig=wrong') }, deps()).send(oomDocument(), ctx()));
    expect(o).toEqual({ retryable: false, reason: 'HTTP 401 DirectApiInvalidAuthorizationSignature from the Teams workflow' });
  });

  it('down → a connection error, retried', async () => {
    await teams.setDown(true);
    const o = await outcome(() => createTeamsSink({ webhookUrl: teams.url }, deps()).send(oomDocument(), ctx()));
    expect(kind(o)).toBe('retry');
  });
});

describe('PagerDuty sink × every documented Events API v2 reply', () => {
  let pd: PagerDutyStandin;
  beforeEach(async () => {
    pd = await startPagerDutyStandin();
    logs.length = 0;
  });
  afterEach(async () => pd.close());

  const sink = () => createPagerDutySink({ routingKey: pd.routingKey, url: pd.url, changeEvents: true }, deps());

  it('every row of the table has a public source and an expected meaning', () => {
    for (const [name, row] of Object.entries(PAGERDUTY_REPLIES)) {
      expect(row.source.length, name).toBeGreaterThan(20);
      expect(PAGERDUTY_EXPECTED[name as PagerDutyReplyName], name).toBeDefined();
    }
  });

  for (const name of Object.keys(PAGERDUTY_REPLIES) as PagerDutyReplyName[]) {
    it(`${name} (${PAGERDUTY_REPLIES[name].status}) → ${PAGERDUTY_EXPECTED[name]}; no error names the routing key`, async () => {
      pd.failNext(name, 1);
      const o = await outcome(() => sink().send(oomDocument(), ctx()));
      expect(kind(o)).toBe(PAGERDUTY_EXPECTED[name]);
      if (o !== 'sent') expect(o.reason).not.toContain(pd.routingKey);
      // PagerDuty names no Retry-After for 429: back off a minute, past the request's budget, so Alertmanager resends.
      if (name === 'throttled') expect(o !== 'sent' && o.retryable && o.retryAfterMs).toBe(THROTTLED_BACKOFF_MS);
      if (name === 'invalidEvent') expect(o !== 'sent' && o.reason).toBe('HTTP 400 from PagerDuty');
      expect(logs.join('')).not.toContain(pd.routingKey);
    });
  }

  it("PagerDuty's own 400 words reach the reason; a wrong key length is final", async () => {
    const o = await outcome(() => createPagerDutySink({ routingKey: 'too-short', url: pd.url }, deps()).send(oomDocument(), ctx()));
    expect(o).toEqual({ retryable: false, reason: "HTTP 400 from PagerDuty: Length of 'routing_key' is incorrect (should be 32 characters)" });
  });

  it('firing then resolved (recovered) → one alert, triggered then resolved with the same dedup_key', async () => {
    await sink().send(oomDocument(), ctx());
    await sink().send({ ...resolvedOf(oomDocument()), resolution: { state: 'healthy', text: 'Running for 12m' } }, ctx());
    expect(pd.alerts).toHaveLength(1);
    expect(pd.alerts[0]?.status).toBe('resolved');
  });

  it('resolved but still failing → nothing sent: the page stays open', async () => {
    await sink().send(oomDocument(), ctx());
    const still: DiagnosisDocument = { ...resolvedOf(oomDocument()), resolution: { state: 'still-failing', text: 'still in CrashLoopBackOff' } };
    await sink().send(still, ctx());
    expect(pd.requestCount()).toBe(1);
    expect(pd.alerts[0]?.status).toBe('triggered');
  });

  it('an incident that began with a rollout → its change event once, then the alert', async () => {
    const doc: DiagnosisDocument = {
      ...oomDocument(),
      incident: {
        id: 'payments/payment-svc@2026-04-09T14:05:00Z',
        workload: { kind: 'Deployment', name: 'payment-svc' },
        pods: [],
        news: 'opened',
        summary: ['1 of 3 pods of deployment/payment-svc crash looping'],
        change: { revision: 8, previousRevision: 7, since: '2026-04-09T13:58:00Z', differences: ['image payment-svc:2.3.0 → 2.4.0'] },
      },
    };
    const s = sink();
    await s.send(doc, ctx());
    await s.send({ ...doc, incident: { ...(doc.incident as NonNullable<DiagnosisDocument['incident']>), news: 'joined' } }, ctx());
    expect(pd.changes).toHaveLength(1);
    expect((pd.changes[0]?.['payload'] as { summary: string }).summary).toBe('payments/deployment/payment-svc revision 8: image payment-svc:2.3.0 → 2.4.0');
    expect(pd.alerts).toHaveLength(1);
    expect(pd.alerts[0]?.triggers).toHaveLength(2);
  });
});
