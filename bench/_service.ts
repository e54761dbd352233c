/**
 * The service as `npm start` runs it (a child process, so its memory is its own), with the V8 options
 * deploy/deployment.yaml gives it, against a fake API server; and a webhook sink that counts what it
 * receives by alert fingerprint. Shared by the benchmarks (run.ts skips files starting with `_`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parse } from 'yaml';

export const TOKEN = 'bench-token';

/** The memory settings of the shipped Deployment's environment (NODE_OPTIONS, MALLOC_ARENA_MAX), as it sets them. */
export function deploymentEnv(): Record<string, string> {
  const manifest = parse(readFileSync(join(import.meta.dirname, '../deploy/deployment.yaml'), 'utf8')) as {
    spec: { template: { spec: { containers: { env?: { name: string; value?: string }[] }[] } } };
  };
  const env: Record<string, string> = {};
  for (const e of manifest.spec.template.spec.containers[0]?.env ?? []) {
    if ((e.name === 'NODE_OPTIONS' || e.name === 'MALLOC_ARENA_MAX') && e.value !== undefined) env[e.name] = e.value;
  }
  return env;
}

export interface CountingSink {
  url: string;
  /** Messages received per alert fingerprint. */
  byFingerprint: Map<string, number>;
  close(): void;
}

export async function startCountingSink(): Promise<CountingSink> {
  const byFingerprint = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        const doc = JSON.parse(Buffer.concat(chunks).toString()) as { alert?: { fingerprint?: string } };
        const fp = doc.alert?.fingerprint ?? '?';
        byFingerprint.set(fp, (byFingerprint.get(fp) ?? 0) + 1);
      } catch {
        // counted as nothing: a bench sink, not a test
      }
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, byFingerprint, close: () => server.close() };
}

export interface RunningService {
  address: string;
  process: ChildProcess;
  /** MiB, from /proc: VmRSS now, VmHWM the peak so far. */
  memory(field: 'VmHWM' | 'VmRSS'): number;
  /** CPU seconds the service has used (user + system, from /proc/<pid>/stat at 100 ticks a second). */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

export async function startService(env: Record<string, string>): Promise<RunningService> {
  const child = spawn(process.execPath, ['src/main.ts'], {
    cwd: join(import.meta.dirname, '..'),
    env: { PATH: process.env['PATH'] ?? '', WEBHOOK_TOKEN: TOKEN, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr.on('data', (d: Buffer) => process.stderr.write(d));
  let out = '';
  const address = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      if (out.length < 100_000) out += d.toString();
      const m = /"address":"(http:\/\/[^"]+)"/.exec(out);
      if (m?.[1] !== undefined) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`the service exited (${code}) before listening`)));
  });
  return {
    address,
    process: child,
    memory: (field) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024,
    cpuSeconds: () => {
      // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      return (Number(fields[11]) + Number(fields[12])) / 100;
    },
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

export async function postAlerts(address: string, body: string): Promise<{ status: number; ms: number }> {
  const t = performance.now();
  const res = await fetch(`${address}/alerts`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body });
  await res.arrayBuffer();
  return { status: res.status, ms: performance.now() - t };
}
