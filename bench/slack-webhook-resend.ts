/**
 * Benchmark: Slack incoming-webhook deliveries and what Alertmanager's resends cost. The service (as
 * wire.ts builds it) takes webhook requests shaped as Alertmanager sends them (a group per pod), reads
 * the fake API server, and posts to the Slack stand-in answering exactly as Slack does (`ok` as
 * text/html). Prints, for one alert, a storm (3 workloads × 3 pods, 2 stock alerts each) and Slack
 * slower to answer than the request deadline: posts per message, namespaced API calls per alert, and
 * the calls and posts a resend of every group costs.
 *
 * Across replicas: two services (STATE_STORE=kubernetes) sharing the fake API server's Leases; every
 * group goes to replica A, then Alertmanager's resend of every group to replica B. Counted apart:
 * pod, log and events calls; the owner's reads; Lease calls (the shared state, the ledger lookup
 * included). With a JSON webhook beside Slack that fails all through A's delivery, the resend must
 * still read and bring that sink every document, and Slack nothing again.
 *
 *   node bench/slack-webhook-resend.ts
 */
import { pino } from 'pino';
import type { WebhookAlert } from '../src/alertmanager/payload.ts';
import { loadConfig } from '../src/config/config.ts';
import { wireService } from '../src/wire.ts';
import { crashLoopAlert, webhookPayload } from '../test/fixtures/alertmanager/payloads.ts';
import { deploymentScenario } from '../test/fixtures/kube/workloads.ts';
import { startFakeKubeApi } from '../test/support/fake-kube-api.ts';
import { startSlackStandin } from '../test/support/slack-standin.ts';
import { startWebhookCapture } from '../test/support/webhook-capture.ts';

const TOKEN = 'bench-token';

/** The fake API server with `workloads` Deployments of `pods` crash-looping pods, and one group per pod (its two stock alerts). */
async function cluster(workloads: string[], pods: number) {
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
          notReadyAlert(pod, startsAt, `${pod}-n${i}`.slice(-16)),
        ],
        { groupKey: `{}:{namespace="shop", pod="${pod}"}` },
      ),
    ),
  );
  const alerts = groups.reduce((n, g) => n + g.alerts.length, 0);
  return { api, groups, alerts };
}

/** KubePodNotReady as kubernetes-mixin fires it: namespace and pod, no container or reason (it folds into the pod's KubePodCrashLooping). */
function notReadyAlert(pod: string, startsAt: string, fingerprint: string): WebhookAlert {
  const { container: _container, reason: _reason, ...labels } = crashLoopAlert({ labels: { alertname: 'KubePodNotReady', namespace: 'shop', pod } }).labels;
  return { ...crashLoopAlert({ startsAt, fingerprint }), labels };
}

/** Every group to the service at `address`, at once, as Alertmanager flushes them; the answers' statuses. */
async function sendAll(address: string, groups: readonly object[]): Promise<number[]> {
  return Promise.all(
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
}

async function startService(env: Record<string, string>) {
  const result = loadConfig({ WEBHOOK_TOKEN: TOKEN, LOG_LEVEL: 'silent', ...env });
  if (!result.ok) throw new Error(result.errors.join('\n'));
  const service = await wireService(result.config, pino({ level: 'silent' }));
  const address = await service.app.listen({ host: '127.0.0.1', port: 0 });
  return {
    address,
    close: async () => {
      await service.app.close();
      await service.close();
    },
  };
}

async function run(name: string, workloads: string[], pods: number, options: { answerDelayMs?: number; budgetMs?: number } = {}): Promise<void> {
  const { api, groups, alerts } = await cluster(workloads, pods);
  const slack = await startSlackStandin();
  if (options.answerDelayMs !== undefined) slack.delayAnswers(options.answerDelayMs);
  const service = await startService({
    KUBECONFIG: api.kubeconfigPath,
    SLACK_WEBHOOK_URL: slack.webhookUrl,
    ...(options.budgetMs === undefined ? {} : { REQUEST_BUDGET_MS: String(options.budgetMs) }),
  });
  const namespaced = () => api.requests.filter((r) => r.path.includes('/namespaces/')).length;
  const statuses = await sendAll(service.address, groups);
  // Deliveries answered 503 at the deadline go on in the background: let them finish.
  await new Promise((r) => setTimeout(r, (options.answerDelayMs ?? 0) + 500));
  const firstCalls = namespaced();
  const firstPosts = slack.requestCount();
  const resendStatuses = await sendAll(service.address, groups);
  await new Promise((r) => setTimeout(r, (options.answerDelayMs ?? 0) + 500));
  const resendCalls = namespaced() - firstCalls;
  const messages = new Set(slack.messages.map((m) => m.text)).size;
  console.log(
    `${name.padEnd(34)} alerts ${String(alerts).padStart(3)}  first answers ${summary(statuses)}  posts ${firstPosts}/${messages} message(s) = ${(firstPosts / Math.max(1, messages)).toFixed(2)} per message  ` +
      `API calls/alert ${(firstCalls / alerts).toFixed(2)}  | resend: answers ${summary(resendStatuses)}, API calls ${resendCalls}, posts ${slack.requestCount() - firstPosts}`,
  );
  await service.close();
  await slack.close();
  await api.close();
}

/** The fake API server's calls since `from`, by what they read: the alert's evidence, its owner, the shared state. */
function callsSince(api: Awaited<ReturnType<typeof cluster>>['api'], from: number): string {
  const calls = api.requests.slice(from);
  const evidence = calls.filter((r) => r.resource === 'pods' || r.resource === 'pods/log' || r.resource === 'events').length;
  const leases = calls.filter((r) => r.resource === 'leases').length;
  const leaseReads = calls.filter((r) => r.resource === 'leases' && r.method === 'GET').length;
  return `pod/log/events ${evidence}, owner ${calls.length - evidence - leases}, Lease ${leases} (${leaseReads} GET)`;
}

/** Every group to replica A, then Alertmanager's resend of every group to replica B (Leases shared through the fake API). */
async function runAcrossReplicas(
  name: string,
  workloads: string[],
  pods: number,
  options: { hookFailsFirst?: boolean; resolved?: boolean } = {},
): Promise<void> {
  const { api, groups: firing, alerts } = await cluster(workloads, pods);
  // With `resolved`: the groups fire through A first; what is measured is their resolve.
  const endsAt = new Date().toISOString();
  const groups =
    options.resolved === true
      ? firing.map((g) => ({ ...g, status: 'resolved' as const, alerts: g.alerts.map((a) => ({ ...a, status: 'resolved' as const, endsAt })) }))
      : firing;
  const slack = await startSlackStandin();
  const hook = options.hookFailsFirst === true ? await startWebhookCapture() : undefined;
  const env = (holder: string): Record<string, string> => ({
    KUBECONFIG: api.kubeconfigPath,
    STATE_STORE: 'kubernetes',
    STATE_NAMESPACE: 'crashtriage',
    POD_NAME: holder,
    SLACK_WEBHOOK_URL: slack.webhookUrl,
    ...(hook === undefined ? {} : { FORWARD_WEBHOOK_URL: hook.url, REQUEST_BUDGET_MS: '3000' }),
  });
  const a = await startService(env('crashtriage-a'));
  const b = await startService(env('crashtriage-b'));
  if (options.resolved === true) await sendAll(a.address, firing);
  const before = api.requests.length;
  const postsBefore = slack.requestCount();
  hook?.failNext(503, 100_000);
  const statuses = await sendAll(a.address, groups);
  await new Promise((r) => setTimeout(r, 500));
  const first = callsSince(api, before);
  const firstCalls = api.requests.length;
  const firstPosts = slack.requestCount() - postsBefore;
  hook?.recover();
  const resendStatuses = await sendAll(b.address, groups);
  await new Promise((r) => setTimeout(r, 500));
  const hookDocs = hook === undefined ? '' : `, JSON webhook documents ${hook.accepted.length}`;
  console.log(
    `${name.padEnd(44)} alerts ${String(alerts).padStart(3)}  A: answers ${summary(statuses)}, ${first}, posts ${firstPosts}  ` +
      `| resend to B: answers ${summary(resendStatuses)}, ${callsSince(api, firstCalls)}, posts ${slack.requestCount() - firstPosts - postsBefore}${hookDocs}`,
  );
  await b.close();
  await a.close();
  await hook?.close();
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
await runAcrossReplicas('replicas: single alert (1 pod, 2 alerts)', ['ledger'], 1);
await runAcrossReplicas('replicas: storm (3 workloads × 3 pods)', ['cart', 'search', 'orders'], 3);
await runAcrossReplicas('replicas: JSON webhook failed for A, storm', ['cart', 'search', 'orders'], 3, { hookFailsFirst: true });
await runAcrossReplicas('replicas: resolved groups, storm', ['cart', 'search', 'orders'], 3, { resolved: true });
