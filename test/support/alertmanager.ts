/**
 * The real Alertmanager (Debian's prometheus-alertmanager) on loopback, configured with one webhook
 * receiver, for end-to-end tests. Alerts are pushed through its v2 API, as Prometheus does.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify as stringifyYaml } from 'yaml';
import { freePort } from './free-port.ts';
import { startReadyProcess } from './ready-process.ts';

const BINARIES = ['/usr/bin/prometheus-alertmanager', '/usr/bin/alertmanager'];

export interface AlertmanagerOptions {
  webhookUrl: string;
  /** Sent as `http_config.authorization` (type Bearer). */
  token?: string;
  sendResolved?: boolean;
  /** The route's group_by; default the README's [namespace, pod]. */
  groupBy?: string[];
  /** Alertmanager's grouping timers; short so that tests run in seconds. */
  groupWait?: string;
  groupInterval?: string;
  /**
   * An HA pair: this instance's gossip port on loopback and its peers (`127.0.0.1:<port>`). Without
   * it clustering is off. `peerTimeout` is how long the second instance waits for the first one's
   * notification log before sending itself (0s: both send at once).
   */
  cluster?: { listenPort: number; peers: string[]; peerTimeout?: string };
}

export interface PostableAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
  endsAt?: string;
  generatorURL?: string;
}

export interface RunningAlertmanager {
  url: string;
  push(alerts: PostableAlert[]): Promise<void>;
  /** Its own Prometheus metrics, e.g. alertmanager_notifications_failed_total. */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  /** Waits until the webhook integration has recorded a notification that was sent, or one that failed. */
  waitForNotification(outcome: 'sent' | 'failed', timeoutMs?: number): Promise<void>;
  logs(): string;
  stop(): Promise<void>;
}

export function alertmanagerBinary(): string {
  const found = BINARIES.find((path) => existsSync(path));
  if (found === undefined) {
    throw new Error(`Alertmanager not found at ${BINARIES.join(' or ')}: install Debian's package (apt-get install prometheus-alertmanager)`);
  }
  return found;
}

export async function startAlertmanager(options: AlertmanagerOptions): Promise<RunningAlertmanager> {
  const binary = alertmanagerBinary();
  const dir = await mkdtemp(join(tmpdir(), 'alertmanager-'));
  const tokenFile = join(dir, 'token');
  if (options.token !== undefined) await writeFile(tokenFile, options.token);
  const config = {
    route: {
      receiver: 'crashtriage',
      group_by: options.groupBy ?? ['namespace', 'pod'],
      group_wait: options.groupWait ?? '1s',
      group_interval: options.groupInterval ?? '1s',
      repeat_interval: '1h',
    },
    receivers: [
      {
        name: 'crashtriage',
        webhook_configs: [
          {
            url: options.webhookUrl,
            send_resolved: options.sendResolved ?? true,
            max_alerts: 0,
            http_config: options.token === undefined ? {} : { authorization: { type: 'Bearer', credentials_file: tokenFile } },
          },
        ],
      },
    ],
  };
  await writeFile(join(dir, 'alertmanager.yml'), stringifyYaml(config));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = await startReadyProcess(
    'Alertmanager',
    binary,
    [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--web.external-url=${url}`,
      ...(options.cluster === undefined
        ? ['--cluster.listen-address=']
        : [
            `--cluster.listen-address=127.0.0.1:${options.cluster.listenPort}`,
            `--cluster.advertise-address=127.0.0.1:${options.cluster.listenPort}`,
            ...options.cluster.peers.map((peer) => `--cluster.peer=${peer}`),
            `--cluster.peer-timeout=${options.cluster.peerTimeout ?? '15s'}`,
            // Notifications wait for the cluster to settle; 1m by default.
            '--cluster.settle-timeout=2s',
            '--cluster.gossip-interval=100ms',
          ]),
      '--log.level=debug',
    ],
    url,
    dir,
    15_000,
  );

  const metric = async (name: string, labels: Record<string, string> = {}): Promise<number> => {
    const text = await (await fetch(`${url}/metrics`)).text();
    let sum = 0;
    for (const line of text.split('\n')) {
      if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
      if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
    return sum;
  };

  return {
    url,
    async push(alerts) {
      const res = await fetch(`${url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
      if (!res.ok) throw new Error(`Alertmanager refused the alerts: ${res.status} ${await res.text()}`);
    },
    metric,
    async waitForNotification(outcome, timeoutMs) {
      const name = outcome === 'sent' ? 'alertmanager_notifications_total' : 'alertmanager_notifications_failed_total';
      await waitFor(`a ${outcome} notification`, async () => ((await metric(name, { integration: 'webhook' })) > 0 ? true : undefined), timeoutMs);
    },
    logs: () => server.output(),
    stop: server.stop,
  };
}

/** Polls until `check` returns a value other than undefined, or fails with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
