/**
 * The CI smoke test of `npm run demo` (README quick start): run as a newcomer would, in a child
 * process with nothing configured (only PATH and HOME), it must diagnose every workload as the corpus
 * expects, print each diagnosis and the summary, and exit 0 by itself.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { painter } from '../../demo/style.ts';
import { renderSummary, type WorkloadOutcome } from '../../demo/summary.ts';
import { demoWorkloads } from '../../demo/workloads.ts';
import { CAUSE_IDS, type DiagnosisDocument } from '../../src/diagnosis/document.ts';
import { pngInfo } from '../support/slack-standin.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const DEMO_TIMEOUT_MS = 90_000;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function runDemo(): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', 'demo'], {
      cwd: ROOT,
      // A clean environment: no SLACK_*, SMTP_*, KUBECONFIG or CI variables of the machine running the tests.
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: DEMO_TIMEOUT_MS,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

const workloads = demoWorkloads();

describe('demo workloads', () => {
  it('one workload per cause id, the worked example payment service first, no pod twice', () => {
    expect(workloads.length).toBeGreaterThanOrEqual(10);
    expect(`${workloads[0]?.namespace}/${workloads[0]?.pod}`).toBe('payments/payment-svc-7b9f6d-xk2p');
    const covered = new Set(workloads.map((w) => w.expectedCause));
    for (const cause of CAUSE_IDS.filter((c) => c !== 'unknown')) expect(covered, cause).toContain(cause);
    const pods = workloads.map((w) => `${w.namespace}/${w.pod}`);
    expect(new Set(pods).size).toBe(pods.length);
  });

  it('timestamps are moved to the present: the last termination finished minutes ago, not months', () => {
    const now = Date.now();
    const status = workloads[0]?.rawPod['status'] as { containerStatuses: { lastState: { terminated: { finishedAt: string } } }[] };
    const finishedAt = Date.parse(status.containerStatuses[0]?.lastState.terminated.finishedAt ?? '');
    expect(now - finishedAt).toBeGreaterThan(0);
    expect(now - finishedAt).toBeLessThan(10 * 60_000);
  });
});

describe('summary', () => {
  const doc = (cause: string): DiagnosisDocument => ({ cause: { id: cause, confidence: 'high' } }) as unknown as DiagnosisDocument;
  const [first, second] = workloads;

  it('fails the run when a workload is misdiagnosed or was not delivered', () => {
    if (first === undefined || second === undefined) throw new Error('need two workloads');
    const misdiagnosed: WorkloadOutcome[] = [{ kind: 'sent', workload: first, document: doc(first.expectedCause === 'unknown' ? 'app-crash' : 'unknown') }];
    expect(renderSummary(misdiagnosed, painter(false)).ok).toBe(false);
    const undelivered: WorkloadOutcome[] = [{ kind: 'sent', workload: second, document: doc(second.expectedCause), failure: 'HTTP 503' }];
    expect(renderSummary(undelivered, painter(false)).ok).toBe(false);
    const good: WorkloadOutcome[] = [{ kind: 'sent', workload: second, document: doc(second.expectedCause) }];
    expect(renderSummary(good, painter(false))).toMatchObject({ ok: true });
  });
});

describe('npm run demo', () => {
  it(
    "exits 0 after printing every workload's diagnosis with its expected cause, and a summary where all are as expected",
    async () => {
      const run = await runDemo();
      expect(run.signal, run.stderr).toBeNull();
      expect(run.code, `stderr:\n${run.stderr}\nstdout:\n${run.stdout}`).toBe(0);
      const out = run.stdout;
      expect(out).toContain('payments/payment-svc-7b9f6d-xk2p');
      // Each workload's section (from its first mention to the next workload's) holds its diagnosis.
      const starts = workloads.map((w) => out.indexOf(`${w.namespace}/${w.pod}`));
      for (const [i, w] of workloads.entries()) {
        const start = starts[i] ?? -1;
        expect(start, `${w.namespace}/${w.pod} is printed`).toBeGreaterThanOrEqual(0);
        const section = out.slice(start, starts[i + 1] ?? out.indexOf('Summary'));
        expect(section, w.fixture).toContain(`cause ${w.expectedCause} · confidence`);
        expect(section).toContain('[FIRING]');
      }
      const summary = out.slice(out.indexOf('Summary'));
      for (const w of workloads) expect(summary).toMatch(new RegExp(`${w.namespace}/${w.pod}\\s+${w.expectedCause}\\s+${w.expectedCause} \\(\\w+\\)\\s+✓`));
      expect(summary).toContain(`All ${workloads.length} workloads were diagnosed as expected and delivered.`);
      // One leak and one undersized limit, decided from the memory history, with their charts as PNG files.
      const charts = [...out.matchAll(/^ {2}(\S+): (memory-leak|limit-undersized) → (\S+\.png)$/gm)];
      expect(charts.map((m) => m[2]).sort()).toEqual(['limit-undersized', 'memory-leak']);
      for (const [, , , path] of charts) expect(pngInfo(readFileSync(path ?? ''))).toEqual({ width: 1440, height: 600 });
      // The simulated cluster serves every pod's owner, as a real one would: no read fails.
      expect(out).not.toMatch(/could not read/i);
      // The rollout's new pod crashes beside the old revision's two ready ones: counts that cannot be "1 of 2 … (2 of 2 ready)".
      expect(out).toContain("Incident: 1 pod of deployment/payment-svc crash looping (the Deployment's status counts 2 of 2 ready)");
      expect(out).toContain('Incident: 1 of 1 pod of deployment/checkout-web crash looping (0 of 1 ready)');
      // No colour when piped, and no JSON log lines mixed into the readable output.
      expect(out).not.toContain('\u001b[');
      expect(out).not.toMatch(/^\{"level"/m);
    },
    DEMO_TIMEOUT_MS + 10_000,
  );
});
