/**
 * A Prometheus-family server (Alertmanager, Prometheus) run as a child process for a test: its output
 * kept for error messages, its `/-/ready` endpoint polled until it answers, and a stop that also
 * removes its working directory.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';

export interface ReadyProcess {
  /** Everything it wrote so far (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
}

export async function startReadyProcess(
  name: string,
  binary: string,
  args: readonly string[],
  url: string,
  dir: string,
  timeoutMs: number,
): Promise<ReadyProcess> {
  let output = '';
  const child: ChildProcess = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}):\n${output}`);
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return { output: () => output, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${name} did not become ready:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
