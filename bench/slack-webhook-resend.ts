/**
 * Benchmark: Slack incoming-webhook deliveries and what Alertmanager's resends cost. The service (as
 * wire.ts builds it) takes webhook requests shaped as Alertmanager sends them (a group per pod), reads
 * the fake API server, and posts to the Slack stand-in answering exactly as Slack does (`ok` as
 * text/html). Prints, for one alert, a storm (3 workloads × 3 pods, 2 stock alerts each) and Slack
 * slower to answer than the request deadline: posts per message, namespaced API calls per alert, and
 * the calls and posts a resend of every group costs.
 *
 *   node bench/slack-webhook-resend.ts
 */
import { pino } from 'pino';
import { loadConfig } from '../src/config/config.ts';
import { wireService } from '../src/wire.ts';
import { crashLoopAlert, webhookPayload } from '../test/fixtures/alertmanager/payloads.ts';
import { deploymentScenario } from '../test/fixtures/kube/workloads.ts';
import { startFakeKubeApi } from '../test/support/fake-kube-api.ts';
import { startSlackStandin } from '../test/support/slack-standin.ts';

const TOKEN = 'bench-token';

async function run(name: string, workloads: string[], pods: number, options: { answerDelayMs?: number; budgetMs?: number } = {}): Promise<void> {
  const now = new Date();
  const scenarios = workloads.map((w) =>
    deploymentScenario({ namespace: 'shop', name: w, replicas: pods, revisions: [{ image: `${w}:1.0`, minutesAgo: 9000 }], crashing: pods, now }),
  );
  const api = await startFakeKubeApi({
    objects: scenarios.flatMap((s) => s.objects),
    pods: scenarios.flatMap((s) => s.pods),
    events: scenarios.flatMap((s) => s.events),
    logs: scenarios.flatMap((s) => s.logs),
  });
  const slack = await startSlackStandin();
  if (options.answerDelayMs !== undefined) slack.delayAnswers(options.answerDelayMs);
  const result = loadConfig({
    WEBHOOK_TOKEN: TOKEN,
    KUBECONFIG: api.kubeconfigPath,
    SLACK_WEBHOOK_URL: slack.webhookUrl,
    LOG_LEVEL: 'silent',
    ...(options.budgetMs === undefined ? {} : { REQUEST_BUDGET_MS: String(options.budgetMs) }),
  });
  if (!result.ok) throw new Error(result.errors.join('\n'));
  const service = await wireService(result.config, pino({ level: 'silent' }));
  const address = await service.app.listen({ host: '127.0.0.1', port: 0 });
  const startsAt = new Date(Date.now() - 60_000).toISOString();
  const groups = scenarios.flatMap((s) =>
    s.crashing.map((pod, i) =>
      webhookPayload(
        [
          crashLoopAlert({
            labels: { alertname: 'KubePodCrashLooping', namespace: 'shop', pod, container: 'app', severity: 'warning' },
            startsAt,
            fingerprint: `${pod}-c${i}`.slice(-16),
          }),
          crashLoopAlert({
            labels: { alertname: 'KubePodNotReady', namespace: 'shop', pod, severity: 'warning' },
            startsAt,
            fingerprint: `${pod}-n${i}`.slice(-16),
          }),
        ],
        { groupKey: `{}:{namespace="shop", pod="${pod}"}` },
      ),
    ),
  );
  const alerts = groups.reduce((n, g) => n + g.alerts.length, 0);
  const send = async (): Promise<number[]> =>
    Promise.all(
      groups.map(async (g) => {
        const res = await fetch(`${address}/alerts`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify(g),
        });
        await res.arrayBuffer();
        return res.status;
      }),
    );
  const namespaced = () => api.requests.filter((r) => r.path.includes('/namespaces/')).length;
  const statuses = await send();
  // Deliveries answered 503 at the deadline go on in the background: let them finish.
  await new Promise((r) => setTimeout(r, (options.answerDelayMs ?? 0) + 500));
  const firstCalls = namespaced();
  const firstPosts = slack.requestCount();
  const resendStatuses = await send();
  await new Promise((r) => setTimeout(r, (options.answerDelayMs ?? 0) + 500));
  const resendCalls = namespaced() - firstCalls;
  const messages = new Set(slack.messages.map((m) => m.text)).size;
  console.log(
    `${name.padEnd(34)} alerts ${String(alerts).padStart(3)}  first answers ${summary(statuses)}  posts ${firstPosts}/${messages} message(s) = ${(firstPosts / Math.max(1, messages)).toFixed(2)} per message  ` +
      `API calls/alert ${(firstCalls / alerts).toFixed(2)}  | resend: answers ${summary(resendStatuses)}, API calls ${resendCalls}, posts ${slack.requestCount() - firstPosts}`,
  );
  await service.app.close();
  await service.close();
  await slack.close();
  await api.close();
}

function summary(statuses: number[]): string {
  const counts = new Map<number, number>();
  for (const s of statuses) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts].map(([s, n]) => `${n}×${s}`).join(',');
}

await run('single alert (1 pod, 2 alerts)', ['ledger'], 1);
await run('storm (3 workloads × 3 pods)', ['cart', 'search', 'orders'], 3);
await run('slow ok (2.5 s > 1.5 s deadline)', ['ledger'], 1, { answerDelayMs: 2500, budgetMs: 1500 });
