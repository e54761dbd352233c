/**
 * The secret corpus (over 40 formats) planted where a cluster really carries credentials: the
 * previous log, a container's args (quoted as proof), a JVM options env value (quoted in remedies),
 * alert labels and annotations. The service as wired for production delivers to every sink kind
 * (Slack webhook, Slack Web API, email, JSON webhook, console) and `crashtriage diagnose` prints
 * text, markdown and JSON: no secret reaches any of them, nor the service's own log. Canaries next
 * to each secret prove the carrying lines did arrive, so a line dropped on the way cannot pass for
 * a line redacted.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { WebhookAlert } from '../../src/alertmanager/payload.ts';
import { diagnoseCommand } from '../../src/cli/diagnose-command.ts';
import { loadConfig } from '../../src/config/config.ts';
import type { DiagnosisDocument } from '../../src/diagnosis/document.ts';
import { createLogger } from '../../src/logger.ts';
import { type Service, wireService } from '../../src/wire.ts';
import { crashLoopAlert, webhookPayload } from '../fixtures/alertmanager/payloads.ts';
import { kubeFixture } from '../fixtures/kube/index.ts';
import { waitFor } from '../support/alertmanager.ts';
import { type FakeKubeApi, startFakeKubeApi } from '../support/fake-kube-api.ts';
import { type PagerDutyStandin, startPagerDutyStandin } from '../support/pagerduty-standin.ts';
import { SECRET_CORPUS, type SecretSample } from '../support/secret-corpus.ts';
import { type SlackStandin, startSlackStandin } from '../support/slack-standin.ts';
import { type SmtpCapture, startSmtpCapture } from '../support/smtp-capture.ts';
import { startTeamsStandin, type TeamsStandin } from '../support/teams-standin.ts';
import { startWebhookCapture, type WebhookCapture } from '../support/webhook-capture.ts';

const TOKEN = 'leak-test-token-3c9e';
/**
 * A marker per sample, in letters that are not hex digits: the message folds lines that differ only in
 * numbers or hex ids ("… 3 more lines …"), and each carrier line must stay itself.
 */
const CANARY_LETTERS = 'ghijklmnopqrstuvwxyz';
const canary = (i: number): string => `canary${CANARY_LETTERS[Math.floor(i / 20)]}${CANARY_LETTERS[i % 20]}`;

/** Groups of samples whose lines fit one log excerpt (20 lines) whole. */
function logGroups(samples: readonly SecretSample[], maxLines = 17): { index: number; sample: SecretSample }[][] {
  const groups: { index: number; sample: SecretSample }[][] = [[]];
  let lines = 0;
  samples.forEach((sample, index) => {
    const n = sample.text.split('\n').length;
    if (lines + n > maxLines) {
      groups.push([]);
      lines = 0;
    }
    groups.at(-1)?.push({ index, sample });
    lines += n;
  });
  return groups;
}

const GROUPS = logGroups(SECRET_CORPUS);
const crashloop = kubeFixture('deployment-crashloop');
const startError = kubeFixture('job-start-error');

type Raw = Record<string, unknown> & { metadata: Record<string, unknown>; spec: { containers: Record<string, unknown>[] } };
const clone = (raw: object, name: string): Raw => {
  const pod = structuredClone(raw) as Raw;
  pod.metadata = { ...pod.metadata, name, uid: `uid-${name}` };
  return pod;
};

/**
 * Each log carrier in a namespace of its own, so each is an incident of its own that every sink shows
 * in full: pods of one workload are one incident (sinks that cannot edit hear of it once), and beyond
 * STORM_THRESHOLD new incidents in one namespace the rest become lines of a digest.
 */
const logPods = GROUPS.map((group, g) => {
  const name = `web-7d4b9c8f6-leak${g}`;
  const namespace = `${crashloop.namespace}-leak${g}`;
  const pod = clone(crashloop.rawPod, name);
  pod.metadata = { ...pod.metadata, namespace };
  const lines = group.flatMap(({ index, sample }) => {
    const [first = '', ...rest] = sample.text.split('\n');
    return [`${canary(index)} ${first}`, ...rest];
  });
  const log = [...lines, 'Error: connect ECONNREFUSED 10.96.14.7:5432', ''].join('\n');
  return { namespace, name, pod, log, group };
});

/** Every single-line sample as an argument of a container that cannot start: the proof quotes its args. */
const ARG_SAMPLES = SECRET_CORPUS.filter((s) => !s.text.includes('\n'));
const argsPod = clone(startError.rawPod, 'nightly-report-28912345-leak');
argsPod.spec.containers[0] = { ...argsPod.spec.containers[0], args: ['canaryargs', ...ARG_SAMPLES.map((s) => s.text)] };

const JVM_SECRET = 'FakeTrustStorePw4242';
const jvmPod = clone(crashloop.rawPod, 'billing-api-5f6c7d8b9-leak');
const jvmContainer = jvmPod.spec.containers[0] ?? {};
jvmPod.spec.containers[0] = {
  ...jvmContainer,
  image: 'eclipse-temurin:21-jre',
  env: [{ name: 'JAVA_TOOL_OPTIONS', value: `-Xmx3g -Djavax.net.ssl.trustStorePassword=${JVM_SECRET}` }],
};

function alertFor(namespace: string, pod: string, container: string, fingerprint: string, annotation: string): WebhookAlert {
  return crashLoopAlert({
    fingerprint,
    labels: { namespace, pod, container, uid: `uid-${pod}`, dsn: 'postgres://app:FakeLabelPw2121@db.internal:5432/app', api_token: 'FakeLabelToken3131' },
    annotations: { summary: `Pod ${pod} is crash looping (${fingerprint}).`, description: annotation },
  });
}

const alerts: WebhookAlert[] = [
  ...logPods.map((p, g) =>
    alertFor(p.namespace, p.name, crashloop.container, `f${g}`, p.group.map(({ index, sample }) => `${canary(index)} ${sample.text}`).join(' | ')),
  ),
  alertFor(startError.namespace, 'nightly-report-28912345-leak', startError.container, 'fargs', 'args carry secrets'),
  alertFor(crashloop.namespace, 'billing-api-5f6c7d8b9-leak', crashloop.container, 'fjvm', 'env carries a secret'),
];
const NEEDLES = [...SECRET_CORPUS.map((s) => s.needle), JVM_SECRET, 'FakeLabelPw2121', 'FakeLabelToken3131'];

let api: FakeKubeApi;
let slack: SlackStandin;
let smtp: SmtpCapture;
let hook: WebhookCapture;
let teams: TeamsStandin;
let pagerduty: PagerDutyStandin;
let service: Service;
let address: string;
const logLines: string[] = [];
const consoleOut: string[] = [];

beforeAll(async () => {
  api = await startFakeKubeApi({
    pods: [...logPods.map((p) => p.pod), argsPod, jvmPod],
    events: [],
    logs: [
      ...logPods.map((p) => ({ namespace: p.namespace, pod: p.name, container: crashloop.container, previous: p.log })),
      // A JVM that ran out of heap: the remedy rewrites its JAVA_TOOL_OPTIONS, quoting the value.
      {
        namespace: crashloop.namespace,
        pod: 'billing-api-5f6c7d8b9-leak',
        container: crashloop.container,
        previous: 'Exception in thread "main" java.lang.OutOfMemoryError: Java heap space\n\tat com.acme.billing.Main.main(Main.java:42)\n',
      },
    ],
  });
  [slack, smtp, hook, teams, pagerduty] = await Promise.all([
    startSlackStandin(),
    startSmtpCapture(),
    startWebhookCapture(),
    startTeamsStandin(),
    startPagerDutyStandin(),
  ]);
  const dir = await mkdtemp(join(tmpdir(), 'crashtriage-leak-'));
  const configFile = join(dir, 'config.yaml');
  await writeFile(
    configFile,
    stringify({
      sinks: {
        'slack-hook': { type: 'slack', webhookUrl: slack.webhookUrl },
        'slack-api': { type: 'slack-api', botToken: slack.token, channel: slack.channel, apiUrl: slack.apiUrl },
        mail: { type: 'email', smtpUrl: smtp.url, from: 'crashtriage@example.com', to: ['oncall@example.com'] },
        archive: { type: 'webhook', url: hook.url },
        channel: { type: 'teams', webhookUrl: teams.url },
        page: { type: 'pagerduty', routingKey: pagerduty.routingKey, url: pagerduty.url },
        stdout: { type: 'console' },
      },
    }),
  );
  const loaded = loadConfig({ CONFIG_FILE: configFile, WEBHOOK_TOKEN: TOKEN, KUBECONFIG: api.kubeconfigPath, LOG_LEVEL: 'debug' });
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  const logger = createLogger(
    'debug',
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        logLines.push(chunk.toString('utf8'));
        cb();
      },
    }),
  );
  service = await wireService(loaded.config, logger, { stdout: { write: (s: string) => consoleOut.push(s) } });
  address = await service.app.listen({ host: '127.0.0.1', port: 0 });
}, 30_000);

afterAll(async () => {
  await service?.app.close();
  await service?.close();
  await Promise.all([api?.close(), slack?.close(), smtp?.close(), hook?.close(), teams?.close(), pagerduty?.close()]);
});

const missingCanaries = (text: string): string[] => SECRET_CORPUS.map((_s, i) => canary(i)).filter((c) => !text.includes(c));

function expectNoNeedle(where: string, haystack: string): void {
  const found = NEEDLES.filter((n) => haystack.includes(n));
  expect(found, `secrets found in ${where}`).toEqual([]);
}

describe('no secret leaves the service', () => {
  it('reaches no sink and no log line, while the lines that carried them arrive', async () => {
    const res = await fetch(`${address}/alerts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(webhookPayload(alerts)),
    });
    expect(res.status).toBe(200);
    await waitFor('every webhook document', () => (hook.accepted.length >= alerts.length ? true : undefined));
    await waitFor('every mail', () => (smtp.mails.length >= alerts.length ? true : undefined));
    // Sinks deliver side by side: wait until Slack and the console have every carrier too (or time out).
    await waitFor('every carrier in Slack', () => (missingCanaries(JSON.stringify(slack.messages)).length === 0 ? true : undefined));
    await waitFor('every carrier on the console', () => (missingCanaries(consoleOut.join('')).length === 0 ? true : undefined));
    await waitFor('every Teams card', () => (teams.posts.length + teams.failedRuns.length >= alerts.length ? true : undefined));
    await waitFor('every PagerDuty event', () => (pagerduty.events.length >= alerts.length ? true : undefined));

    const docs = hook.accepted.map((r) => r.body as DiagnosisDocument);
    const webhookText = JSON.stringify(hook.accepted.map((r) => r.body));
    const slackText = JSON.stringify(slack.messages);
    const mailText = smtp.mails.map((m) => `${m.subject}\n${m.text}\n${m.html}`).join('\n');
    const consoleText = consoleOut.join('');
    const logText = logLines.join('');
    const teamsText = JSON.stringify(teams.posts);
    const pagerdutyText = JSON.stringify(pagerduty.events);
    for (const [where, text] of Object.entries({
      webhook: webhookText,
      slack: slackText,
      email: mailText,
      console: consoleText,
      log: logText,
      teams: teamsText,
      pagerduty: pagerdutyText,
    })) {
      expectNoNeedle(where, text);
    }
    // The sinks' own credentials: the Workflows URL's signature and the routing key are never logged.
    expect(teams.failedRuns).toEqual([]);
    expect(logText).not.toContain(teams.sig);
    expect(logText).not.toContain(pagerduty.routingKey);
    // The lines that carried them reached both, redacted.
    expect(missingCanaries(teamsText)).toEqual([]);
    expect(missingCanaries(pagerdutyText)).toEqual([]);

    // The carriers arrived: every canary in the excerpts and annotations, the args proof, the JVM options.
    expect(missingCanaries(webhookText)).toEqual([]);
    for (const text of [slackText, mailText, consoleText]) expect(missingCanaries(text)).toEqual([]);
    const argsDoc = docs.find((d) => d.alert.fingerprint === 'fargs');
    expect(argsDoc?.cause.id).toBe('bad-entrypoint');
    expect(JSON.stringify(argsDoc?.evidence)).toContain('canaryargs');
    expect(JSON.stringify(docs.find((d) => d.alert.fingerprint === 'fjvm'))).toContain('trustStorePassword=***');
    expect(docs[0]?.alert.labels).toMatchObject({ dsn: 'postgres://app:***@db.internal:5432/app', api_token: '***' });
    // Slack answered every Web API call as Slack does, and the log recorded each delivery.
    expect(slack.messages.filter((m) => m.via === 'chat.postMessage' && m.thread_ts !== undefined).length).toBeGreaterThan(0);
    expect(logText).toContain('"msg":"delivered"');
  }, 60_000);

  it.each(['text', 'markdown', 'json'])(
    'reaches no output of `crashtriage diagnose -o %s`',
    async (format) => {
      const targets = [
        ...logPods.map((p) => [p.namespace, p.name]),
        [startError.namespace, 'nightly-report-28912345-leak'],
        [crashloop.namespace, 'billing-api-5f6c7d8b9-leak'],
      ];
      let all = '';
      for (const [namespace = '', pod = ''] of targets) {
        let out = '';
        const term = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (out += s) }, env: {} };
        const code = await diagnoseCommand(['-n', namespace, pod, '--kubeconfig', api.kubeconfigPath, '-o', format], term);
        expect(code).toBe(0);
        all += out;
      }
      expectNoNeedle(`diagnose -o ${format}`, all);
      expect(missingCanaries(all)).toEqual([]);
      expect(all).toContain('canaryargs');
    },
    60_000,
  );
});
