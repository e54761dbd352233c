/**
 * CI's image run (scripts/image/test.sh): the built image as the Deployment runs it, against the fake
 * Kubernetes API server over TLS on loopback, a webhook sink and an SMTP server (smtp-server, as the
 * email tests use) on loopback. The container shares
 * the host's network (podman --network host), runs read-only as 10001 with a /tmp of its own and no
 * capabilities, with the Deployment's own environment (deploy/deployment.yaml: token file, Node flags,
 * Leases state store) and a kubeconfig mounted read-only. Checks /healthz, /readyz, a refused
 * unauthenticated post, one crash-loop alert posted with the token whose diagnosis reaches the
 * webhook and the mailbox (read through the API: pod, previous log, events; Leases written; the
 * email sink loads nodemailer only then), /metrics counting both,
 * and SIGTERM ending it with exit 0. Any miss prints the container's log and exits 1: a file missing
 * from the image, a wrong entrypoint or a dependency left out fails here.
 *
 *   node scripts/image/check-image.ts <image> -- podman <global flags> run <run flags>
 * (test.sh passes podman.sh's global flags and ulimits; this script adds the rest of the run.)
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { crashLoopAlert, webhookPayload } from '../../test/fixtures/alertmanager/payloads.ts';
import { waitFor } from '../../test/support/alertmanager.ts';
import { startFakeKubeApi } from '../../test/support/fake-kube-api.ts';
import { freePort } from '../../test/support/free-port.ts';
import { kubeconfigYaml } from '../../test/support/kube-fixtures-kubeconfig.ts';
import { scenarioObjects } from '../../test/support/kube-fixtures.ts';
import { startSmtpCapture } from '../../test/support/smtp-capture.ts';
import { startWebhookCapture } from '../../test/support/webhook-capture.ts';

function commandLine(argv: readonly string[]): { image: string; podman: string; podmanGlobal: string[]; runFlags: string[] } {
  const [image = '', separator, podman = '', ...podmanArgs] = argv;
  const runAt = podmanArgs.indexOf('run');
  if (image === '' || separator !== '--' || podman === '' || runAt < 0) {
    console.error('usage: node scripts/image/check-image.ts <image> -- podman <global flags> run <run flags>');
    process.exit(2);
  }
  return { image, podman, podmanGlobal: podmanArgs.slice(0, runAt), runFlags: podmanArgs.slice(runAt + 1) };
}
const { image, podman, podmanGlobal, runFlags } = commandLine(process.argv.slice(2));

// The pod of the fixture deployment-crashloop: a Node app exiting 1 on ECONNREFUSED to its database.
const TARGET = { namespace: 'default', pod: 'web-7d4b9c8f6-x2kqp', container: 'app' };
const TOKEN = 'image-check-token-3c9a';
const NAME = `crashtriage-image-check-${process.pid}`;

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath: string } };
}

/** The container's environment as deploy/deployment.yaml gives it, with the downward API filled in. */
function deploymentEnv(port: number): Record<string, string> {
  const deployment = parse(readFileSync('deploy/deployment.yaml', 'utf8')) as { spec: { template: { spec: { containers: { env: EnvVar[] }[] } } } };
  const env: Record<string, string> = {};
  for (const variable of deployment.spec.template.spec.containers[0]?.env ?? []) {
    if (variable.value !== undefined) env[variable.name] = variable.value;
    else if (variable.valueFrom?.fieldRef?.fieldPath === 'metadata.name') env[variable.name] = `${NAME}-0`;
    else throw new Error(`deploy/deployment.yaml: env ${variable.name} has a source this check does not fill in`);
  }
  // In a pod the Leases' namespace is the service account's (its mounted namespace file); here it is named.
  return { ...env, PORT: String(port), HOST: '127.0.0.1', STATE_NAMESPACE: 'crashtriage' };
}

class CheckFailed extends Error {}

async function expectStatus(what: string, response: Promise<Response>, status: number): Promise<string> {
  const answer = await response;
  const body = await answer.text();
  if (answer.status !== status) throw new CheckFailed(`${what}: ${answer.status} instead of ${status}: ${body.slice(0, 300)}`);
  return body;
}

async function main(): Promise<number> {
  const closers: (() => Promise<void> | void)[] = [];
  let container: ChildProcess | undefined;
  let log = '';
  try {
    const api = await startFakeKubeApi(scenarioObjects(['deployment-crashloop']));
    closers.push(() => api.close());
    const hook = await startWebhookCapture();
    closers.push(() => hook.close());
    const smtp = await startSmtpCapture();
    closers.push(() => smtp.close());
    const port = await freePort();

    // Readable by the container's user (10001), as the kubelet's Secret volumes are (0440 with fsGroup).
    const dir = mkdtempSync(join(tmpdir(), 'crashtriage-image-check-'));
    closers.push(() => rmSync(dir, { recursive: true, force: true }));
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'kubeconfig'), kubeconfigYaml({ server: api.url, caPem: api.caPem, token: api.token }), { mode: 0o644 });
    writeFileSync(join(dir, 'webhook-token'), TOKEN, { mode: 0o644 });

    const env: Record<string, string> = { ...deploymentEnv(port), KUBECONFIG: '/etc/crashtriage/kubeconfig', FORWARD_WEBHOOK_URL: hook.url,
      SMTP_URL: smtp.url,
      EMAIL_FROM: 'crashtriage@example.com',
      EMAIL_TO: 'oncall@example.com',
    };
    const tokenFile = env['WEBHOOK_TOKEN_FILE'];
    if (tokenFile === undefined) throw new CheckFailed('deploy/deployment.yaml sets no WEBHOOK_TOKEN_FILE');
    const args = [
      ...podmanGlobal,
      'run',
      ...runFlags,
      '--rm',
      '--name',
      NAME,
      '--network',
      'host',
      '--read-only',
      '--user',
      '10001:10001',
      '--tmpfs',
      '/tmp:rw,size=64m',
      '--cap-drop',
      'ALL',
      '--security-opt',
      'no-new-privileges',
      '--volume',
      `${join(dir, 'kubeconfig')}:/etc/crashtriage/kubeconfig:ro`,
      '--volume',
      `${join(dir, 'webhook-token')}:${tokenFile}:ro`,
      ...Object.entries(env).flatMap(([name, value]) => ['--env', `${name}=${value}`]),
      image,
    ];
    const running = spawn(podman, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    container = running;
    running.stdout?.on('data', (d: Buffer) => (log += d.toString()));
    running.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    const exited = new Promise<number | null>((resolve) => running.once('exit', (code) => resolve(code)));
    const base = `http://127.0.0.1:${port}`;
    const gone = () => {
      if (running.exitCode !== null) throw new CheckFailed(`the container exited ${running.exitCode} before answering`);
    };

    await waitFor(
      '/healthz',
      async () => {
        gone();
        return (await fetch(`${base}/healthz`).catch(() => undefined))?.status === 200 ? true : undefined;
      },
      60_000,
    );
    await expectStatus('GET /readyz', fetch(`${base}/readyz`), 200);
    const alert = crashLoopAlert({ labels: TARGET });
    const post = (authorization: string) =>
      fetch(`${base}/alerts`, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: JSON.stringify(webhookPayload([alert])) });
    await expectStatus('POST /alerts with a wrong token', post('Bearer not-the-token'), 401);
    await expectStatus('POST /alerts with the token', post(`Bearer ${TOKEN}`), 200);

    const delivered = await waitFor('the diagnosis at the webhook sink', () => hook.accepted[0], 20_000);
    const document = delivered.body as { target?: { pod?: string }; cause?: { id?: string; summary?: string } };
    if (document.target?.pod !== TARGET.pod) throw new CheckFailed(`the webhook got a document for ${JSON.stringify(document.target)}`);
    if (document.cause?.id === undefined || document.cause.id === 'unknown' || !/ECONNREFUSED|refused/i.test(document.cause.summary ?? ''))
      throw new CheckFailed(`the diagnosis does not name the refused connection: ${JSON.stringify(document.cause)}`);
    const mail = await waitFor('the diagnosis by email', () => smtp.mails[0], 20_000);
    if (!mail.subject.includes(TARGET.pod) && !mail.text.includes(TARGET.pod)) throw new CheckFailed(`the mail does not name the pod: ${mail.subject}`);
    const read = new Set<string>(api.requests.map((r) => r.resource));
    for (const resource of ['pods', 'pods/log', 'events', 'leases'])
      if (!read.has(resource)) throw new CheckFailed(`the container never reached ${resource} through the API (it did: ${[...read].join(', ')})`);

    const metrics = await expectStatus('GET /metrics', fetch(`${base}/metrics`), 200);
    for (const sink of ['webhook', 'email'])
      if (!new RegExp(`^crashtriage_deliveries_total\\{sink="${sink}",outcome="sent"\\} 1$`, 'm').test(metrics))
        throw new CheckFailed(`/metrics does not count the ${sink} delivery: ${metrics.split('\n').filter((l) => l.startsWith('crashtriage_deliveries_total')).join('; ')}`);

    spawnSync(podman, [...podmanGlobal, 'stop', '--time', '25', NAME], { stdio: 'ignore' });
    const code = await exited;
    if (code !== 0) throw new CheckFailed(`SIGTERM: the container exited ${code}, not 0`);
    console.log(
      `image: ${image} ran read-only as 10001 with the Deployment's environment: /healthz, /readyz and /metrics answered, ` +
        `a wrong token got 401, the alert's diagnosis (${document.cause.id}) reached the webhook and the mailbox, SIGTERM exited 0`,
    );
    return 0;
  } catch (error) {
    console.error(`image: ${image} failed its run: ${error instanceof Error ? error.message : String(error)}`);
    console.error(`--- the container's output ---\n${log.trim() || '(none)'}`);
    return 1;
  } finally {
    if (container !== undefined && container.exitCode === null) spawnSync(podman, [...podmanGlobal, 'rm', '--force', NAME], { stdio: 'ignore' });
    for (const close of closers.reverse()) await close();
  }
}

process.exitCode = await main();
