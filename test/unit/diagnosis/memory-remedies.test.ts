/**
 * OOM remedies lead with the change that ends the loop (#28 item 1): the raised limit when it was
 * killed at its limit, a limit and request from what it held when it had none; the leak question
 * follows. A figure the node the evidence read cannot give is never offered as the fix (item 3).
 */
import type { IContainer } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/diagnosis/diagnose.ts';
import type { Diagnosis } from '../../../src/diagnosis/document.ts';
import { crashingPod } from '../../fixtures/diagnosis/scenario.ts';
import { toEvidence } from '../../fixtures/diagnosis/to-evidence.ts';

// The kernel's line as mm/oom_kill.c prints it (example: https://212clab.pages.dev/en/troubleshooting/2026-03-23-java-oom/).
const KILLED = 'Memory cgroup out of memory: Killed process 90057 (java) total-vm:17007864kB, anon-rss:15728640kB, file-rss:0kB, shmem-rss:0kB';

function oom(spec: Partial<IContainer>, o: { allocatable?: string; log?: string } = {}): Diagnosis {
  const p = crashingPod({ namespace: 'shop', app: 'api', image: 'eclipse-temurin:21-jre', exitCode: 137, reason: 'OOMKilled', ran: 600, spec });
  const node =
    o.allocatable === undefined
      ? undefined
      : { apiVersion: 'v1' as const, kind: 'Node' as const, metadata: { name: 'node-a' }, status: { allocatable: { memory: o.allocatable }, conditions: [] } };
  if (node !== undefined && p.spec !== undefined) p.spec.nodeName = 'node-a';
  return diagnose(
    toEvidence({
      name: 'f',
      description: '',
      pod: p,
      events: [],
      ...(node === undefined ? {} : { node }),
      ...(o.log === undefined ? {} : { log: o.log }),
      expected: { cause: 'unknown' },
    }),
  );
}

const first = (d: Diagnosis) => d.remedies[0];

describe('OOM remedies', () => {
  it('killed at its limit: the raise first (request with it when they were equal), the leak question second', () => {
    const d = oom({ resources: { limits: { memory: '1Gi' }, requests: { memory: '1Gi' } } });
    expect(first(d)).toEqual({
      kind: 'remedy',
      title: 'Raise the memory limit from 1Gi to 2Gi (×2, rounded up); if it climbs to 2Gi too, it leaks',
      commands: ['kubectl set resources deployment/api -n shop -c api --limits=memory=2Gi --requests=memory=2Gi'],
    });
    expect(d.remedies[1]).toMatchObject({ kind: 'diagnostic', title: 'Then tell a leak from an undersized limit' });
  });

  it('a raise the node cannot give is not the fix: its node has less allocatable memory than the doubled limit', () => {
    const fits = oom({ resources: { limits: { memory: '1Gi' } } }, { allocatable: '3Gi' });
    expect(first(fits)?.commands).toEqual(['kubectl set resources deployment/api -n shop -c api --limits=memory=2Gi']);
    const d = oom({ resources: { limits: { memory: '1Gi' } } }, { allocatable: '1536Mi' });
    expect(d.remedies.map((r) => r.kind)).toEqual(['diagnostic', 'diagnostic']);
    expect(d.remedies.flatMap((r) => r.commands).join('\n')).not.toContain('--limits=memory=2Gi');
    expect(d.remedies[1]?.title).toBe('Node node-a has 1536Mi allocatable, less than the 2Gi it needs: make it use less, or move it to nodes with more memory');
  });

  it('no limit: a limit and request from what it held, first; not when that is more than its node has', () => {
    const noLimit = { resources: { requests: { memory: '1Gi' } } };
    const d = oom(noLimit, { log: KILLED });
    expect(first(d)).toMatchObject({
      kind: 'remedy',
      commands: ['kubectl set resources deployment/api -n shop -c api --limits=memory=19200Mi --requests=memory=19200Mi'],
    });
    // node-problem-detector's node (bench/cases/sigkill-node-memory-pressure/node.json): 15214424Ki allocatable, under 19200Mi.
    const small = oom(noLimit, { log: KILLED, allocatable: '15214424Ki' });
    expect(first(small)).toMatchObject({
      kind: 'diagnostic',
      title: expect.stringMatching(/^Node node-a has 15214424Ki allocatable, less than the 19200Mi it needs/),
    });
    expect(small.remedies.flatMap((r) => r.commands).join('\n')).not.toContain('--limits=memory=19200Mi');
  });

  it('no limit and no kernel line: the measured peak as limit and request, first', () => {
    const d = oom({ resources: { requests: { memory: '1Gi' } } });
    expect(first(d)?.kind).toBe('remedy');
    expect(first(d)?.commands.at(-1)).toBe(
      'kubectl set resources deployment/api -n shop -c api --limits=memory="$MEMORY_LIMIT" --requests=memory="$MEMORY_LIMIT"',
    );
  });
});

describe('SIGKILL under node MemoryPressure', () => {
  function underPressure(limit: string, allocatable: string): Diagnosis {
    const p = crashingPod({
      namespace: 'shop',
      app: 'api',
      image: 'redis:7',
      exitCode: 137,
      reason: 'Error',
      ran: 600,
      spec: { resources: { limits: { memory: limit } } },
    });
    if (p.spec !== undefined) p.spec.nodeName = 'node-a';
    const conditions = [{ type: 'MemoryPressure', status: 'True', reason: 'KubeletHasInsufficientMemory' }];
    const node = {
      apiVersion: 'v1' as const,
      kind: 'Node' as const,
      metadata: { name: 'node-a' },
      status: { allocatable: { memory: allocatable }, conditions },
    };
    return diagnose(toEvidence({ name: 'f', description: '', pod: p, events: [], node, expected: { cause: 'unknown' } }));
  }

  it('the request raised to the limit first, only when the node can give that much', () => {
    expect(first(underPressure('1Gi', '15214424Ki'))).toMatchObject({
      kind: 'remedy',
      title: expect.stringMatching(/^Raise the memory request to the 1Gi limit/),
    });
    const big = underPressure('32Gi', '15214424Ki');
    expect(big.remedies.map((r) => r.title).join('\n')).not.toMatch(/Raise the memory request/);
  });
});
