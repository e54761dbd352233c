/**
 * A SIGKILL or SIGTERM no record explains stays a diagnostic step first (the evidence cannot choose
 * a change), and its title says which fact decides (#28 item 1).
 */
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/diagnosis/diagnose.ts';
import { benchCase, benchDiagnosis } from './shared-setup.ts';

describe('a signal no record explains', () => {
  it.each(['sigkill-no-oom-no-probe', 'robusta-1071-bare-137', 'sigkill-events-forbidden', 'sub-sigkill-runtime-signal-exit-1'])(
    '%s: the kernel log decides, and the title says what each answer means',
    (id) => {
      const first = benchDiagnosis(id).remedies[0];
      expect(first?.kind).toBe('diagnostic');
      expect(first?.title).toBe('The node\'s kernel log decides: "Killed process" for it means raise its memory limit; none, find who sent kill -9');
    },
  );

  it.each(['sigterm-no-probe', 'sigterm-readiness-only'])('%s: the sender decides', (id) => {
    const first = benchDiagnosis(id).remedies[0];
    expect(first?.kind).toBe('diagnostic');
    expect(first?.title).toMatch(/^Who sent SIGTERM decides the fix/);
  });

  it('SIGTERM: the title names the entrypoint the spec starts, or says the image’s own runs; the events the message already sums up are not read again', () => {
    const script = benchDiagnosis('sigterm-no-probe').remedies[0];
    expect(script?.title).toContain('its entrypoint /entrypoint.sh (a timeout, a supervisor)');
    expect(script?.commands.join('\n')).not.toContain('kubectl get events');
    const image = benchDiagnosis('sigterm-readiness-only').remedies[0];
    expect(image?.title).toContain("the image's own entrypoint (a timeout, a supervisor; the spec sets no command)");
    expect(image?.commands.join('\n')).not.toContain('kubectl get events');
  });

  it('SIGTERM whose whole previous log the message shows (one line, not cut): the script the entrypoint runs leads, the log is not read again', () => {
    const d = benchDiagnosis('sigterm-no-probe');
    expect(d.logs).toMatchObject({ previous: true, truncated: false, excerpt: '{"level":"info","msg":"received SIGTERM, draining"}' });
    expect(d.remedies[0]?.title).toBe(
      'Who sent SIGTERM decides the fix, and no record names it: its entrypoint /entrypoint.sh (a timeout, a supervisor), a sidecar, an operator',
    );
    expect(d.remedies[0]?.commands).toEqual(['docker run --rm --entrypoint cat registry.acme.io/queue-consumer:3.0.0 /entrypoint.sh']);
  });

  it('SIGTERM whose entrypoint script a volume holds (a ConfigMap, not the image): it is printed from a copy of the pod', () => {
    const c = benchCase('sigterm-no-probe');
    const container = c.evidence.container;
    if (container === undefined) throw new Error('sigterm-no-probe has its container');
    const scripts = { ...container, command: ['/scripts/run.sh'], volumeMounts: [{ name: 'scripts', mountPath: '/scripts', readOnly: true }] };
    expect(diagnose({ ...c.evidence, container: scripts }).remedies[0]?.commands).toEqual([
      'kubectl debug queue-consumer-rhpsssftnf-tfcnt -n platform -i --copy-to=queue-consumer-rhpsssftnf-tfcnt-debug --container=queue-consumer -- cat /scripts/run.sh',
      'kubectl delete pod queue-consumer-rhpsssftnf-tfcnt-debug -n platform',
    ]);
  });

  it('SIGTERM whose log the API cut: the log before it is still read first', () => {
    const c = benchCase('sigterm-no-probe');
    const log = c.evidence.log;
    if (log === undefined) throw new Error('sigterm-no-probe has a log');
    const first = diagnose({ ...c.evidence, log: { ...log, truncated: true } }).remedies[0];
    expect(first?.title).toContain('the log before it, its entrypoint /entrypoint.sh');
    expect(first?.commands).toEqual(['kubectl logs queue-consumer-rhpsssftnf-tfcnt -n platform -c queue-consumer --previous --tail=200']);
  });

  it('SIGTERM with the events unread → they are read by hand', () => {
    const c = benchCase('sigterm-no-probe');
    const d = diagnose({ ...c.evidence, events: [], problems: [{ source: 'events', kind: 'forbidden', message: 'forbidden: cannot list events' }] });
    expect(d.cause.id).toBe('sigterm');
    expect(d.remedies[0]?.commands[0]).toBe(
      'kubectl get events -n platform --field-selector involvedObject.name=queue-consumer-rhpsssftnf-tfcnt --sort-by=.lastTimestamp',
    );
  });
});

describe('a SIGKILL under node MemoryPressure', () => {
  it('reads the log as the kubelet keeps it: no --previous for a container that has no previous run', () => {
    const c = benchCase('sigkill-node-memory-pressure');
    const container = c.evidence.container;
    if (container?.lastState === undefined) throw new Error('the case has a previous run');
    const firstRun = { ...container, state: container.lastState, restartCount: 0 };
    delete firstRun.lastState;
    const d = diagnose({ ...c.evidence, container: firstRun });
    expect(d.cause).toMatchObject({ id: 'sigkill', detail: 'node-memory-pressure' });
    const reads = d.remedies.flatMap((r) => r.commands).filter((cmd) => cmd.startsWith('kubectl logs'));
    expect(reads).toEqual(['kubectl logs cart-cache-rbpjnkkltm-htnhb -n checkout -c cart-cache --tail=200']);
  });

  it('offers request = limit as a fix to judge, not at high confidence: the node killer is only the likely sender', () => {
    const d = benchDiagnosis('sigkill-node-memory-pressure');
    expect(d.cause).toMatchObject({ id: 'sigkill', detail: 'node-memory-pressure', confidence: 'medium' });
    expect(d.cause.summary).toContain('most likely');
    expect(d.remedies[0]?.kind).toBe('remedy');
  });
});
