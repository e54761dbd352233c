/**
 * Issue #28 item 4, "no reads of objects the evidence says are gone": remedies and the escalation
 * checklist name no node the evidence says is not found (a 404 reading it, or the kubelet's
 * `node "x" not found`), describe and read no pod the API server no longer has, and ask for
 * `logs --previous` only when the kubelet keeps a previous run. On bench cases, with the node's
 * disappearance added to the evidence of the cases whose fixes read the node.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCases } from '../../../bench/accuracy-cases.ts';
import { buildDocument } from '../../../src/alertmanager/document.ts';
import { diagnose } from '../../../src/diagnosis/diagnose.ts';
import type { Evidence } from '../../../src/diagnosis/evidence.ts';
import { escalationSteps } from '../../../src/notify/escalation.ts';
import { alertAbout } from '../../support/corpus-documents.ts';

const cases = loadCases(join(import.meta.dirname, '..', '..', '..', 'bench', 'cases'));
const commandsOf = (evidence: Evidence): string[] => {
  const doc = buildDocument(alertAbout('gone-objects', evidence), evidence, diagnose(evidence));
  return [...doc.remedies.flatMap((r) => r.commands), ...escalationSteps(doc).flatMap((s) => (s.command === undefined ? [] : [s.command]))];
};

const readsNode = cases.filter((c) => {
  const node = c.evidence.pod?.nodeName;
  return node !== undefined && diagnose(c.evidence).remedies.some((r) => r.commands.some((l) => l.includes(`node/${node}`) || l.includes(`node ${node}`)));
});

describe('no command reads what the evidence says is gone', () => {
  it('bench cases whose fixes read the node exist (the test below has something to check)', () => {
    expect(readsNode.length).toBeGreaterThan(5);
  });

  it.each(readsNode.map((c) => [c.id, c] as const))('%s: with its node gone, no command names it', (_id, c) => {
    const node = c.evidence.pod?.nodeName ?? '';
    const byEvent: Evidence = {
      ...c.evidence,
      events: [...c.evidence.events, { type: 'Warning', reason: 'FailedSync', message: `error getting node: node "${node}" not found`, count: 1 }],
    };
    const byRead: Evidence = { ...c.evidence, problems: [...c.evidence.problems, { source: 'node', kind: 'not-found', message: `nodes "${node}" not found` }] };
    for (const evidence of [byEvent, byRead])
      for (const line of diagnose(evidence).remedies.flatMap((r) => r.commands)) expect(line).not.toMatch(new RegExp(`node[/ ]${node.replace(/\./g, '\\.')}`));
  });

  it('a pod the API server no longer has is neither described nor its log read; its events and successors are', () => {
    const gone = cases.find((c) => c.id === 'unknown-pod-gone');
    if (gone === undefined) throw new Error('bench case unknown-pod-gone missing');
    const pod = gone.evidence.target.pod ?? '';
    const lines = commandsOf(gone.evidence);
    expect(lines.filter((l) => new RegExp(`(describe pod|logs|get pod/?) ${pod}\\b`).test(l))).toEqual([]);
    expect(lines).toContain(`kubectl get events -n payments --field-selector involvedObject.name=${pod}`);
    expect(lines.some((l) => l.includes('grep -F payment-svc-7b9f6d-'))).toBe(true);
  });

  it('--previous only for a container whose previous run the kubelet keeps', () => {
    for (const c of cases) {
      const c0 = c.evidence.container;
      if (c0 === undefined || c0.lastState?.kind === 'terminated') continue;
      expect(
        commandsOf(c.evidence).filter((l) => l.includes('--previous')),
        c.id,
      ).toEqual([]);
    }
  });
});
