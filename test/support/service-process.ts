/**
 * The service as `npm start` runs it (node src/main.ts) in a child process on loopback, port 0, with
 * only the environment given (no inherited secrets): its address from the "listening" log line,
 * its standard output, and a stop that waits for the exit.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { waitFor } from './alertmanager.ts';

const root = join(import.meta.dirname, '../..');

export interface ServiceProcess {
  child: ChildProcess;
  /** `http://127.0.0.1:<port>` */
  address: string;
  stdout(): string;
  stop(): Promise<void>;
}

export async function startServiceProcess(env: Record<string, string>): Promise<ServiceProcess> {
  const child = spawn(join(root, 'node_modules/.bin/node'), ['src/main.ts'], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', HOME: '/nonexistent', HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  try {
    const address = await waitFor(
      'the listening log line',
      () => {
        if (child.exitCode !== null) throw new Error(`the service exited ${child.exitCode}: ${err}`);
        return /"address":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(out)?.[1];
      },
      20_000,
    );
    return { child, address, stdout: () => out, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
