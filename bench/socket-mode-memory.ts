/**
 * Benchmark: what a Socket Mode client costs in memory once connected and after 200 clicks, for the
 * choice between our client (src/slack-actions/socket-mode.ts, Node's built-in WebSocket) and
 * @slack/socket-mode. Each client runs in a child process of its own against the WebSocket stand-in;
 * the figures are heap used and RSS after a forced GC, minus the same process before the client was
 * loaded. @slack/socket-mode is not a dependency: to measure it, install it anywhere and point
 * SLACK_SOCKET_MODE_DIR at the folder that holds its node_modules:
 *
 *   mkdir /tmp/sm && npm --prefix /tmp/sm install @slack/socket-mode@2
 *   SLACK_SOCKET_MODE_DIR=/tmp/sm node_modules/.bin/node --expose-gc bench/socket-mode-memory.ts
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pino } from 'pino';
import { startSocketStandin } from '../test/support/slack-socket-standin.ts';

const CLICKS = 200;

interface Figures {
  heapMiB: number;
  rssMiB: number;
}

const mib = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

function settle(): { heap: number; rss: number } {
  for (let i = 0; i < 3; i++) globalThis.gc?.();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss };
}

async function measure(which: string): Promise<Figures> {
  const slack = await startSocketStandin();
  const before = settle();
  let close: () => Promise<void>;
  let received = 0;
  if (which === 'ours') {
    const { createSocketModeClient } = await import('../src/slack-actions/socket-mode.ts');
    const client = createSocketModeClient({
      appToken: slack.appToken,
      apiUrl: slack.apiUrl,
      logger: pino({ level: 'silent' }),
      onInteractive: () => received++,
    });
    await client.start();
    close = () => client.close();
  } else {
    const require = createRequire(join(which, 'node_modules', 'x.js'));
    const { SocketModeClient } = require('@slack/socket-mode') as {
      SocketModeClient: new (
        o: unknown,
      ) => { start(): Promise<unknown>; disconnect(): Promise<void>; on(e: string, f: (a: { ack(): Promise<void> }) => void): void };
    };
    const client = new SocketModeClient({ appToken: slack.appToken, clientOptions: { slackApiUrl: `${slack.apiUrl}/` }, logLevel: 'error' });
    client.on('interactive', ({ ack }) => {
      void ack();
      received++;
    });
    await client.start();
    close = () => client.disconnect();
  }
  for (let i = 0; i < CLICKS; i++) await slack.sendInteractive({ type: 'block_actions', actions: [{ action_id: 'ack', action_ts: `${i}` }] });
  if (received !== CLICKS) throw new Error(`received ${received} of ${CLICKS} clicks`);
  const after = settle();
  await close();
  await slack.close();
  return { heapMiB: mib(after.heap - before.heap), rssMiB: mib(after.rss - before.rss) };
}

const role = process.argv[2];
if (role !== undefined) {
  process.stdout.write(JSON.stringify(await measure(role)));
  process.exit(0);
}

const candidates: [string, string][] = [['ours (Node WebSocket)', 'ours']];
const sdkDir = process.env['SLACK_SOCKET_MODE_DIR'];
if (sdkDir !== undefined && sdkDir !== '') candidates.push(['@slack/socket-mode', sdkDir]);
else process.stdout.write('(set SLACK_SOCKET_MODE_DIR to also measure @slack/socket-mode)\n');
for (const [name, arg] of candidates) {
  const run = spawnSync(process.execPath, ['--expose-gc', import.meta.filename, arg], { encoding: 'utf8' });
  if (run.status !== 0) {
    process.stdout.write(`${name}: failed\n${run.stderr}\n`);
    process.exitCode = 1;
    continue;
  }
  const f = JSON.parse(run.stdout) as Figures;
  process.stdout.write(`${name.padEnd(24)} connected, ${CLICKS} clicks acknowledged: heap +${f.heapMiB} MiB, RSS +${f.rssMiB} MiB\n`);
}
