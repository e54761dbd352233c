/**
 * A log the message already shows whole is not read again (docs/messages.md, "Commands that run as
 * written": only reads what is not there). The rule holds for the class, so it is checked on every
 * bench case whose excerpt holds its whole log: app crashes, signals, exit 0, segfaults.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCases } from '../../../bench/accuracy-cases.ts';
import { diagnose } from '../../../src/diagnosis/diagnose.ts';
import { buildExcerpt } from '../../../src/diagnosis/log-excerpt.ts';
import { benchCase, benchDiagnosis, proofOf } from './shared-setup.ts';

const cases = loadCases(join(import.meta.dirname, '..', '..', '..', 'bench', 'cases'));

/** The `kubectl logs` commands that read the log the diagnosis shows: its pod, its container (or no -c), the same run. */
function rereads(pod: string, container: string, previous: boolean, commands: string[]): string[] {
  return commands.filter(
    (cmd) =>
      cmd.startsWith(`kubectl logs ${pod} `) &&
      (!cmd.includes(' -c ') || cmd.includes(` -c ${container} `) || cmd.endsWith(` -c ${container}`)) &&
      cmd.includes(' --previous') === previous,
  );
}

describe('a log the message shows whole', () => {
  const shown = cases
    .map((c) => ({ id: c.id, d: diagnose(c.evidence), pod: c.evidence.target.pod ?? '', container: c.evidence.log?.container ?? '' }))
    .filter(({ d }) => d.logs !== undefined && !d.logs.truncated && d.logs.excerpt.trim() !== '');

  it('holds for many cases of the bench (the class, not one example)', () => {
    expect(shown.length).toBeGreaterThan(30);
  });

  it.each(shown.map((s) => [s.id, s] as const))('%s: no step reads it again', (_id, { d, pod, container }) => {
    const commands = d.remedies.flatMap((r) => r.commands);
    expect(pod).not.toBe('');
    expect(rereads(pod, container, d.logs?.previous ?? true, commands)).toEqual([]);
  });

  it.each([
    ['app-crash-go-nil-pointer-panic', "kubectl logs cart-api-dcbhldmsmr-bqdlj -n checkout --previous | grep -A 24 '^goroutine '"],
    ['app-crash-dotnet-unhandled-exception', "kubectl logs contacts-api-btllbsqrrm-gprpn -n crm --previous | grep -A 30 'Unhandled [eE]xception'"],
    [
      'app-crash-native-abort',
      "kubectl logs transcoder-djrlklrdcq-tjhgc -n media --previous | grep -B 20 -E 'Assertion|terminate called|abort|Aborted|fatal error'",
    ],
  ])('%s with its log cut by the API: the trace is read by hand', (id, read) => {
    const c = benchCase(id);
    const log = c.evidence.log;
    if (log === undefined) throw new Error(`${id} has a log`);
    const d = diagnose({ ...c.evidence, log: { ...log, truncated: true } });
    expect(d.remedies.flatMap((r) => r.commands)).toContain(read);
  });

  it('a line cut in the excerpt makes it an excerpt: that log is still worth reading', () => {
    const log = { container: 'api', previous: true, lines: [`panic: ${'x'.repeat(400)}`], truncated: false };
    expect(buildExcerpt(log, undefined).truncated).toBe(true);
  });
});

describe('the proof of a signal no probe explains', () => {
  it('says liveness and startup probes, beside the readiness Unhealthy events the same message shows', () => {
    const d = benchDiagnosis('sigterm-readiness-only');
    expect(d.cause.id).toBe('sigterm');
    expect(proofOf(d)).toContain('no liveness or startup probe failures for this container in the window of the last run');
    expect(proofOf(d)).not.toContain('no Unhealthy');
  });
});
