/**
 * Heap flags: the cap each JVM / V8 flag form gives under a limit, the options fitted to a limit
 * (every other flag kept, the initial heap never above the new cap), and the remedies that follow
 * from them (the flag changed where it is written; the 25% default named only when no flag is set).
 */
import type { IContainer } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/diagnosis/diagnose.ts';
import type { ContainerFacts } from '../../../src/diagnosis/evidence.ts';
import { fitHeapOptions, heapFlag, leavesNoRoom } from '../../../src/diagnosis/heap-flags.ts';
import { crashingPod } from '../../fixtures/diagnosis/scenario.ts';
import { toEvidence } from '../../fixtures/diagnosis/to-evidence.ts';

const GI = 1024 ** 3;
const MI = 1024 ** 2;

function container(env: Record<string, string>, args: string[] = []): ContainerFacts {
  const p = crashingPod({
    namespace: 'ns',
    app: 'svc',
    image: 'eclipse-temurin:21-jre',
    exitCode: 137,
    reason: 'OOMKilled',
    ran: 60,
    spec: { env: Object.entries(env).map(([name, value]) => ({ name, value })), args },
  });
  const c = toEvidence({ name: 'f', description: '', pod: p, events: [], expected: { cause: 'unknown' } }).container;
  if (c === undefined) throw new Error('no container');
  return c;
}

describe('heapFlag', () => {
  it.each<[string, Record<string, string>, string[], string | undefined, number | undefined]>([
    ['-Xmx', { JAVA_OPTS: '-Xms1g -Xmx2g' }, [], '-Xmx2g', 2 * GI],
    ['-Xmx wins over MaxRAM and MaxRAMPercentage', { JAVA_OPTS: '-XX:MaxRAM=4g -XX:MaxRAMPercentage=100 -Xmx512m' }, [], '-Xmx512m', 512 * MI],
    ['MaxRAMPercentage of the limit', { JAVA_TOOL_OPTIONS: '-XX:MaxRAMPercentage=100' }, [], '-XX:MaxRAMPercentage=100', GI],
    ['a fractional percentage', { KAFKA_HEAP_OPTS: '-XX:MaxRAMPercentage=90.5' }, [], '-XX:MaxRAMPercentage=90.5', 0.905 * GI],
    ['MaxRAM replaces the limit, default 25%', { JAVA_OPTS: '-XX:MaxRAM=8g' }, [], '-XX:MaxRAM=8g', 2 * GI],
    ['MaxRAM with a percentage', { JAVA_OPTS: '-XX:MaxRAM=2g -XX:MaxRAMPercentage=60' }, [], '-XX:MaxRAM=2g -XX:MaxRAMPercentage=60', 0.6 * 2 * GI],
    ['args before env', { JAVA_OPTS: '-Xmx256m' }, ['-XX:MaxRAMPercentage=95', '-jar', 'app.jar'], '-XX:MaxRAMPercentage=95', 0.95 * GI],
    ['InitialRAMPercentage alone sets no cap', { JAVA_OPTS: '-XX:InitialRAMPercentage=100' }, [], undefined, undefined],
    ['V8', { NODE_OPTIONS: '--max-old-space-size=4096' }, [], '--max-old-space-size=4096', 4096 * MI],
  ])('%s', (_, env, args, flag, bytes) => {
    const found = heapFlag(container(env, args), GI);
    expect(found?.flag).toBe(flag);
    expect(found?.bytes).toBe(bytes);
  });

  it('a percentage needs a limit to mean anything', () => {
    expect(heapFlag(container({ JAVA_OPTS: '-XX:MaxRAMPercentage=100' }))).toBeUndefined();
  });

  it('leaves no room from 90% of the limit up, room below', () => {
    const at = (pct: number) => leavesNoRoom({ runtime: 'jvm', flag: '', bytes: pct * GI, where: { argv: 'args', index: 0 } }, GI);
    expect([at(1.2), at(1), at(0.9), at(0.8), at(0.75)]).toEqual([true, true, true, false, false]);
  });
});

describe('fitHeapOptions', () => {
  it.each<[string, string, string]>([
    ['-Xmx and an -Xms above the new cap', '-Xmx1024m -Xms1024m -XX:+UseG1GC', '-Xmx768m -Xms768m -XX:+UseG1GC'],
    ['an -Xms below the cap is kept', '-Xms256m -Xmx2g', '-Xms256m -Xmx768m'],
    ['MaxRAMPercentage', '-XshowSettings:vm -XX:MaxRAMPercentage=100 -Ddepth=64', '-XshowSettings:vm -XX:MaxRAMPercentage=75.0 -Ddepth=64'],
    [
      'InitialRAMPercentage lowered with it',
      '-XX:InitialRAMPercentage=100 -XX:MaxRAMPercentage=100',
      '-XX:InitialRAMPercentage=75.0 -XX:MaxRAMPercentage=75.0',
    ],
    ['MaxRAM dropped: the JVM reads the limit', '-XX:MaxRAM=4g -XX:MaxRAMPercentage=100 -Dx=1', '-XX:MaxRAMPercentage=75.0 -Dx=1'],
    ['a lower percentage is kept', '-XX:MaxRAM=4g -XX:MaxRAMPercentage=50', '-XX:MaxRAMPercentage=50'],
  ])('%s', (_, before, after) => {
    expect(fitHeapOptions(before, 'jvm', GI)).toBe(after);
  });

  it('V8', () => {
    expect(fitHeapOptions('--max-old-space-size=2048 --enable-source-maps', 'node', GI)).toBe('--max-old-space-size=768 --enable-source-maps');
  });
});

function oom(spec: Partial<IContainer>, o: { ran?: number; reason?: string; exitCode?: number; log?: string } = {}) {
  const p = crashingPod({
    namespace: 'ns1',
    app: 'svc',
    image: 'eclipse-temurin:21-jre',
    exitCode: o.exitCode ?? 137,
    reason: o.reason ?? 'OOMKilled',
    ran: o.ran ?? 600,
    spec,
  });
  const d = diagnose(
    toEvidence({ name: 'f', description: '', pod: p, events: [], ...(o.log === undefined ? {} : { log: o.log }), expected: { cause: 'unknown' } }),
  );
  return { d, text: [d.cause.summary, ...d.evidence.map((e) => e.text), ...d.remedies.flatMap((r) => [r.title, ...r.commands])].join('\n') };
}

describe('heap-flag remedies', () => {
  it('MaxRAMPercentage=100 is named and set to 75.0 where it is written', () => {
    const { d, text } = oom({
      resources: { limits: { memory: '1Gi' } },
      env: [{ name: 'JAVA_OPTS', value: '-XX:MaxRAMPercentage=100 -Dspring.profiles.active=prod' }],
    });
    expect(d.cause.detail).toBe('heap-flag-over-limit');
    expect(text).toContain('-XX:MaxRAMPercentage=100 in env JAVA_OPTS gives the heap all of the 1Gi limit, leaving no room');
    expect(d.remedies[0]?.commands.join('\n')).toContain("'JAVA_OPTS=-XX:MaxRAMPercentage=75.0 -Dspring.profiles.active=prod'");
  });

  it('a suggested -Xmx leaves room and lowers an -Xms that would exceed it', () => {
    const { d } = oom({ resources: { limits: { memory: '768Mi' } }, env: [{ name: 'KAFKA_HEAP_OPTS', value: '-Xmx1g -Xms1g' }] });
    expect(d.remedies[0]?.commands.join('\n')).toContain("'KAFKA_HEAP_OPTS=-Xmx576m -Xms576m'");
  });

  it('with -Xmx set, a JVM heap OOM fixes that flag and does not explain the 25% default', () => {
    const { text } = oom(
      { resources: { limits: { memory: '2Gi' } }, env: [{ name: 'JAVA_OPTS', value: '-Xmx512m' }] },
      { reason: 'Error', exitCode: 3, log: 'Exception in thread "main" java.lang.OutOfMemoryError: Java heap space' },
    );
    expect(text).toContain('-Xmx512m in env JAVA_OPTS becomes -Xmx1536m');
    expect(text).not.toMatch(/25%/);
  });

  it('without a heap flag the 25% default is named', () => {
    const { text } = oom({ resources: { limits: { memory: '2Gi' } } }, { reason: 'Error', exitCode: 3, log: 'java.lang.OutOfMemoryError: Java heap space' });
    expect(text).toContain('the default is 25% of it');
  });

  it('a kill within the first minute is not a leak: said so, and the leak question skipped', () => {
    const early = oom({ resources: { limits: { memory: '256Mi' } } }, { ran: 14 });
    expect(early.d.cause.summary).toContain('too soon for a leak');
    expect(early.text).not.toContain('Then tell a leak from an undersized limit');
    const late = oom({ resources: { limits: { memory: '256Mi' } } }, { ran: 3600 });
    expect(late.d.cause.summary).not.toContain('too soon for a leak');
    // Killed at its limit after an hour: the raise ends the loop now, the leak question comes after it.
    expect(late.d.remedies.map((r) => r.title)).toEqual([
      'Raise the memory limit from 256Mi to 512Mi (×2, rounded up); if it climbs to 512Mi too, it leaks',
      'Then tell a leak from an undersized limit',
    ]);
    expect(late.d.remedies[0]?.kind).toBe('remedy');
  });

  it('no limit: the request is not taken for what it needs; the kernel anon-rss is, when the evidence has it', () => {
    const noLimit = { resources: { requests: { memory: '1Gi' } } };
    const blind = oom(noLimit);
    expect(blind.text).not.toContain('--limits=memory=2Gi');
    expect(blind.text).toContain('max_over_time(container_memory_working_set_bytes');
    // The kernel's line as mm/oom_kill.c prints it (example: https://212clab.pages.dev/en/troubleshooting/2026-03-23-java-oom/).
    const killed = 'Memory cgroup out of memory: Killed process 90057 (java) total-vm:17007864kB, anon-rss:15728640kB, file-rss:0kB, shmem-rss:0kB';
    const known = oom(noLimit, { log: killed });
    expect(known.d.cause.summary).toContain('java held 15Gi when the kernel killed it');
    expect(known.text).toContain('kernel: Killed process 90057 (java) total-vm:17007864kB, anon-rss:15728640kB');
    expect(known.text).toContain('--limits=memory=19200Mi');
    expect(known.text).not.toContain('--limits=memory=2Gi');
  });
});
