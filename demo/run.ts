/**
 * `npm run demo`: the real crashtriage service against a simulated cluster on loopback. Starts the
 * cluster (one crash-looping workload per cause), the service and a check sink; posts each workload's
 * alert to POST /alerts over HTTP, one at a time; the console sink prints each diagnosis (or Slack and
 * email get them, when configured); then a summary against the fixture corpus, and exit 1 if any
 * workload was misdiagnosed or undelivered (2 for a setup problem).
 */
import { payloadFor } from './alerts.ts';
import { startCheckSink, type CheckSink } from './check-sink.ts';
import { intro, outro, workloadHeading } from './narration.ts';
import { DemoConfigError, startDemoService, type DemoService } from './service.ts';
import { MissingToolError, startSimulatedCluster, type SimulatedCluster } from './simulated-cluster.ts';
import { painter, wantsColor, type Paint } from './style.ts';
import { renderSummary, type WorkloadOutcome } from './summary.ts';
import { demoWorkloads, type DemoWorkload } from './workloads.ts';

/** Alertmanager's own HTTP timeout for a webhook is at least 10 s; the service answers within 8 s. */
const REQUEST_TIMEOUT_MS = 15_000;
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
    const cluster: SimulatedCluster = await startSimulatedCluster(workloads);
    closers.push(cluster.close);
    const check: CheckSink = await startCheckSink();
    closers.push(check.close);
    const service: DemoService = await startDemoService({
      env: process.env,
      kubeconfigPath: cluster.kubeconfigPath,
      checkUrl: check.url,
      stdout: { write: (s: string) => process.stdout.write(s), isTTY: color },
    });
    closers.push(service.close);

    out(intro({ workloads: workloads.length, clusterUrl: cluster.url, serviceUrl: service.url, sinks: service.sinks }, paint));
    const toConsole = service.sinks.includes('console');
    const outcomes: WorkloadOutcome[] = [];
    const startsAt = new Date(now.getTime() - ALERT_AGE_MS);
    for (const [i, w] of workloads.entries()) {
      const payload = payloadFor(w, startsAt);
      const alert = payload.alerts[0]!;
      out(workloadHeading(i, workloads.length, w, alert, paint));
      const failure = await postAlert(service, JSON.stringify(payload));
      const document = check.byFingerprint.get(alert.fingerprint);
      const outcome: WorkloadOutcome = { workload: w, ...(document === undefined ? {} : { document }), ...(failure === undefined ? {} : { failure }) };
      outcomes.push(outcome);
      out(resultLine(outcome, toConsole, service.sinks, paint));
    }

    const summary = renderSummary(outcomes, paint);
    out(`${summary.text}${outro(paint)}`);
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

/** POSTs one payload the way Alertmanager does; undefined when the service answered 2xx. */
async function postAlert(service: DemoService, body: string): Promise<string | undefined> {
  try {
    const res = await fetch(`${service.url}/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${service.token}`, 'user-agent': 'Alertmanager/0.28.1 (crashtriage demo)' },
      body,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await res.text();
    return res.ok ? undefined : `HTTP ${res.status} ${text.slice(0, 200)}`;
  } catch (err) {
    return `request failed: ${(err as Error).message}`;
  }
}

/**
 * After each alert: with the console sink the diagnosis is already on screen, so only a problem is
 * worth a line; with other sinks, a line says what was sent where.
 */
function resultLine(o: WorkloadOutcome, toConsole: boolean, sinks: readonly string[], paint: Paint): string {
  if (o.failure !== undefined) return `${paint('red', `✗ not delivered: ${o.failure}`)}\n\n`;
  if (o.document === undefined) return `${paint('red', '✗ the service answered 200 but no diagnosis document arrived')}\n\n`;
  if (toConsole) return '\n';
  return `${describe(o.workload, o)} → sent to ${sinks.join(', ')}\n\n`;
}

function describe(w: DemoWorkload, o: WorkloadOutcome): string {
  return `${w.namespace}/${w.pod}: ${o.document?.cause.id ?? '?'} — ${o.document?.cause.title ?? ''}`;
}

process.exitCode = await main();
