/**
 * `crashtriage test-alert`: one clearly marked test diagnosis through every configured sink (the
 * service's own settings: the same environment variables and CONFIG_FILE), once each, no retries,
 * and each sink's answer printed. Routes are not applied: the point is to hear from every sink.
 * Exit status 0 every sink accepted it, 1 one did not, 2 the settings are invalid.
 */

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { pino } from 'pino';
import { loadConfig } from '../config/config.ts';
import type { DiagnosisDocument } from '../diagnosis/document.ts';
import { classifyFailure } from '../notify/retry-policy.ts';
import { createSink } from '../notify/sinks/registry.ts';
import type { Terminal } from './diagnose-command.ts';

export const TEST_ALERT_USAGE = `Usage: crashtriage test-alert

Sends one test diagnosis, clearly marked as a test, through every sink configured by the service's
settings (SLACK_WEBHOOK_URL, SLACK_BOT_TOKEN/SLACK_CHANNEL, TEAMS_WEBHOOK_URL, PAGERDUTY_ROUTING_KEY,
SMTP_URL/EMAIL_FROM/EMAIL_TO, FORWARD_WEBHOOK_URL, CONFIG_FILE; see the README), and prints each sink's
answer. A PagerDuty test alert is resolved right after it is accepted. No retries, no routes.

Exit status: 0 every sink accepted the message, 1 one did not, 2 the settings are invalid.
`;

export async function testAlertCommand(argv: string[], term: Terminal): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    term.stdout.write(TEST_ALERT_USAGE);
    return 0;
  }
  if (argv.length > 0) {
    term.stderr.write(`crashtriage test-alert: unexpected argument "${argv[0]}"\n\n${TEST_ALERT_USAGE}`);
    return 2;
  }
  // The webhook token guards what the service receives; sending a test needs none.
  const hasToken = (term.env['WEBHOOK_TOKEN'] ?? term.env['WEBHOOK_TOKEN_FILE'] ?? '') !== '';
  const loaded = loadConfig(hasToken ? term.env : { ...term.env, ALLOW_UNAUTHENTICATED: 'true' });
  if (!loaded.ok) {
    term.stderr.write(`crashtriage test-alert: invalid configuration:\n${loaded.errors.map((e) => `  - ${e}`).join('\n')}\n`);
    return 2;
  }
  const { config } = loaded;
  const now = term.now?.() ?? new Date();
  const doc = testDocument(now);
  // Sink failures are printed below; the log would only repeat them.
  const logger = pino({ level: 'silent' });
  const timeoutMs = config.delivery.sinkTimeoutMs;
  const results = await Promise.all(
    Object.entries(config.sinks).map(async ([name, spec]) => {
      const sink = createSink(spec, {
        fetch: globalThis.fetch,
        clock: Date.now,
        logger,
        timeoutMs,
        // A writer of our own: the console sink prints its readable text here.
        stdout: { write: (s: string) => term.stdout.write(s), isTTY: term.stdout.isTTY === true },
      });
      const started = performance.now();
      try {
        const context = () => ({
          groupKey: `crashtriage-test-alert/${doc.alert.fingerprint}`,
          receiver: 'crashtriage',
          externalURL: '',
          idempotencyKey: randomUUID(),
          signal: AbortSignal.timeout(timeoutMs),
        });
        await sink.send(doc, context());
        // A test page must not stay open on someone's phone: resolve it (the same dedup_key).
        if (spec.type === 'pagerduty') {
          await sink.send({ ...doc, status: 'resolved', alert: { ...doc.alert, endsAt: new Date().toISOString() } }, context());
          return { name, type: spec.type, ok: true, answer: `accepted, and resolved (${Math.round(performance.now() - started)} ms)` };
        }
        return { name, type: spec.type, ok: true, answer: `accepted (${Math.round(performance.now() - started)} ms)` };
      } catch (err) {
        const failure = classifyFailure(err);
        const kind = failure.retryable ? 'failed; the service would retry' : 'refused for good';
        return { name, type: spec.type, ok: false, answer: `${kind}: ${failure.reason}` };
      } finally {
        await sink.close();
      }
    }),
  );
  term.stdout.write(`crashtriage test-alert: ${results.length === 1 ? 'one sink' : `${results.length} sinks`}\n`);
  for (const r of results) term.stdout.write(`  ${r.ok ? '✓' : '✗'} ${r.name} (${r.type}): ${r.answer}\n`);
  return results.every((r) => r.ok) ? 0 : 1;
}

/** A diagnosis that says on every line a reader sees first that it is a test. */
export function testDocument(now: Date): DiagnosisDocument {
  const fingerprint = randomUUID().replaceAll('-', '').slice(0, 16);
  const host = hostname();
  return {
    version: 1,
    status: 'firing',
    alert: {
      name: 'CrashtriageTestAlert',
      fingerprint,
      startsAt: now.toISOString(),
      labels: { alertname: 'CrashtriageTestAlert', namespace: 'crashtriage-test', pod: 'test-alert', container: 'test', test: 'true' },
      annotations: { summary: 'TEST: crashtriage test-alert, not a real crash loop' },
    },
    target: { namespace: 'crashtriage-test', pod: 'test-alert', container: 'test' },
    cause: {
      id: 'unknown',
      title: 'TEST MESSAGE from crashtriage test-alert: nothing to do',
      confidence: 'low',
      summary: `This is a test, not a crash loop. It was sent by \`crashtriage test-alert\` on ${host} at ${now.toISOString()} to check that this channel receives crashtriage's diagnoses.`,
    },
    evidence: [{ source: 'status', text: 'TEST: no pod was read; this message only checks the delivery.' }],
    remedies: [],
    verify: [],
    findings: [],
    problems: [],
  };
}
