/**
 * `npm run demo`: the real crashtriage service against a simulated cluster on loopback. Starts the
 * cluster (one crash-looping workload per cause), the service and a check sink; posts each workload's
 * alert to POST /alerts over HTTP, one at a time; the console sink prints each diagnosis (or Slack and
 * email get them, when configured); then a summary against the fixture corpus, and exit 1 if any
 * workload was misdiagnosed or undelivered (2 for a setup problem).
 */
import { payloadFor } from './alerts.ts';
import { type CheckSink, startCheckSink } from './check-sink.ts';
import { writeMemoryCharts } from './memory-charts.ts';
import { type DemoPrometheus, startDemoPrometheus } from './memory-history.ts';
import { intro, outro, workloadHeading } from './narration.ts';
import { ownerObjects } from './owners.ts';
import { rolloutObjects } from './rollout.ts';
import { sendAlert } from './send-alert.ts';
import { DemoConfigError, type DemoService, startDemoService } from './service.ts';
import { MissingToolError, type SimulatedCluster, startSimulatedCluster } from './simulated-cluster.ts';
import { type Paint, painter, wantsColor } from './style.ts';
import { renderSummary, type WorkloadOutcome } from './summary.ts';
import { demoWorkloads } from './workloads.ts';

/** The stock alert fires after `for: 15m`; the notification is a little later still. */
const ALERT_AGE_MS = 3 * 60_000;

async function main(): Promise<number> {
  const color = wantsColor(process.stdout, process.env);
  const paint = painter(color);
  const out = (text: string): void => void process.stdout.write(text);
  const now = new Date();
  const workloads = demoWorkloads(now);

  const closers: (() => Promise<void>)[] = [];
  try {
    const startsAt = new Date(now.getTime() - ALERT_AGE_MS);
    // The first workload's crash loop began with a rollout: its message leads with the rollback.
    const rollout = workloads[0] === undefined ? [] : rolloutObjects(workloads[0], startsAt);
    const rolledOut = new Set(rollout.filter((o) => o['kind'] === 'Deployment').map((o) => namespaced(o)));
    // The other workloads' owners, steady, so that each is read as in a real cluster.
    const cluster: SimulatedCluster = await startSimulatedCluster(workloads, [...rollout, ...ownerObjects(workloads, now, rolledOut)]);
    closers.push(cluster.close);
    const check: CheckSink = await startCheckSink();
    closers.push(check.close);
    const prometheus: DemoPrometheus = await startDemoPrometheus(workloads, now);
    closers.push(prometheus.close);
    const service: DemoService = await startDemoService({
      env: process.env,
      kubeconfigPath: cluster.kubeconfigPath,
      checkUrl: check.url,
      prometheusUrl: prometheus.url,
      stdout: { write: (s: string) => process.stdout.write(s), isTTY: color },
    });
    closers.push(service.close);

    out(intro({ workloads: workloads.length, clusterUrl: cluster.url, serviceUrl: service.url, sinks: service.sinks, prometheusUrl: prometheus.url }, paint));
    const toConsole = service.sinks.includes('console');
    const outcomes: WorkloadOutcome[] = [];
    let stopped: string | undefined;
    for (const [i, w] of workloads.entries()) {
      if (stopped !== undefined) {
        outcomes.push({ kind: 'not-sent', workload: w, reason: stopped });
        continue;
      }
      const payload = payloadFor(w, startsAt);
      out(workloadHeading(i, workloads.length, w, paint));
      const failure = await sendAlert(service.url, service.token, payload);
      const document = check.byFingerprint.get(payload.alerts[0]?.fingerprint ?? '');
      const outcome: SentOutcome = {
        kind: 'sent',
        workload: w,
        ...(document === undefined ? {} : { document }),
        ...(failure === undefined ? {} : { failure }),
      };
      outcomes.push(outcome);
      out(resultLine(outcome, toConsole, service.sinks, paint));
      // A sink that failed once (a wrong Slack URL, an unreachable SMTP server) would make every
      // later alert wait out the whole delivery budget too: stop and show the summary instead.
      if (failure !== undefined) stopped = 'stopped after the first delivery failure';
    }

    const summary = renderSummary(outcomes, paint);
    const charts = await writeMemoryCharts(outcomes, paint);
    out(`${summary.text}${charts}${outro(paint)}`);
    return summary.ok ? 0 : 1;
  } catch (err) {
    if (err instanceof MissingToolError || err instanceof DemoConfigError) {
      process.stderr.write(`crashtriage demo: ${err.message}\n`);
      return 2;
    }
    throw err;
  } finally {
    for (const close of closers.reverse()) await close();
  }
}

type SentOutcome = Extract<WorkloadOutcome, { kind: 'sent' }>;

/**
 * After each alert: with the console sink the diagnosis is already on screen, so only a problem is
 * worth a line; with other sinks, a line says what was sent where.
 */
function resultLine(o: SentOutcome, toConsole: boolean, sinks: readonly string[], paint: Paint): string {
  if (o.failure !== undefined) return `${paint('red', `✗ not delivered: ${o.failure}`)}\n\n`;
  if (o.document === undefined) return `${paint('red', '✗ the service answered 200 but no diagnosis document arrived')}\n\n`;
  if (toConsole) return ''; // the console sink's text ends with a blank line
  return `→ ${o.document.cause.id} (${o.document.cause.confidence}): ${o.document.cause.title}; sent to ${sinks.join(', ')}\n\n`;
}

process.exitCode = await main();

/** `namespace/name` of a served object. */
function namespaced(o: Record<string, unknown>): string {
  const meta = (o['metadata'] ?? {}) as { namespace?: string; name?: string };
  return `${meta.namespace}/${meta.name}`;
}
