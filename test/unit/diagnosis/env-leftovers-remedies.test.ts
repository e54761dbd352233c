/**
 * The environment leftovers of #28 (items 1, 3): a re-run init script's iptables chain, two listeners
 * on one port, a certificate without the IP it is reached by, a flag from the image's own command
 * line, a relative path, a name that does not resolve: each leads with the change that ends the loop,
 * and each change is offered only where the evidence it depends on holds.
 */

import { join } from 'node:path';
import type { IContainer } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { loadCases } from '../../../bench/accuracy-cases.ts';
import { diagnose } from '../../../src/diagnosis/diagnose.ts';
import type { Diagnosis } from '../../../src/diagnosis/document.ts';
import type { Problem } from '../../../src/diagnosis/evidence.ts';
import { toEvidence } from '../../fixtures/diagnosis/index.ts';
import { backOff, type OwnerKind } from '../../fixtures/diagnosis/k8s.ts';
import { crashingPod } from '../../fixtures/diagnosis/scenario.ts';

interface Run {
  spec?: Partial<IContainer>;
  owner?: OwnerKind;
  problems?: Problem[];
  image?: string;
}

function run(log: string, exitCode: number, o: Run = {}): Diagnosis {
  const p = crashingPod({
    namespace: 'shop',
    app: 'api',
    image: o.image ?? 'registry.example/team/api:1.0.0',
    exitCode,
    ran: 2,
    ...(o.spec === undefined ? {} : { spec: o.spec }),
    ...(o.owner === undefined ? {} : { owner: o.owner }),
  });
  return diagnose(
    toEvidence({
      name: 'x',
      description: 'x',
      pod: p,
      events: [backOff(p, 'api', 9, 900)],
      log,
      ...(o.problems === undefined ? {} : { problems: o.problems }),
      expected: { cause: 'unknown' },
    }),
  );
}

const cases = loadCases(join(import.meta.dirname, '..', '..', '..', 'bench', 'cases'));
function bench(id: string): Diagnosis {
  const c = cases.find((x) => x.id === id);
  if (c === undefined) throw new Error(`no bench case ${id}`);
  return diagnose(c.evidence);
}
const allCommands = (d: Diagnosis): string => d.remedies.flatMap((r) => r.commands).join('\n');

describe('an iptables chain left from an earlier run of the script (istio/istio#21030, #4585)', () => {
  const TRACE = '+ iptables -t nat -N ISTIO_REDIRECT\niptables: Chain already exists.\n';

  it('the bench cases lead with replacing the pod, then the CNI plugin; no read of the log the proof quotes', () => {
    for (const id of ['sub-traced-istio-init-chain-exists', 'sub-traced-proxy-init-chain-exists-comment']) {
      const d = bench(id);
      expect(d.remedies[0]?.kind, id).toBe('remedy');
      expect(d.remedies[0]?.title, id).toMatch(/^Replace the pod: chain ISTIO_REDIRECT is left from an earlier run/);
      expect(d.remedies[0]?.commands[0], id).toMatch(/^kubectl delete pod \S+ -n (bookinfo|ops)$/);
      expect(d.remedies[1]?.commands, id).toEqual(['istioctl install --set components.cni.enabled=true']);
      expect(d.remedies.map((r) => r.title).join('\n'), id).not.toContain('Read the full previous log');
    }
  });

  it('another failure of the same command is not a left-over chain: no replace', () => {
    const d = run('+ iptables -t nat -N ISTIO_REDIRECT\niptables: Permission denied (you must be root).\n', 1);
    expect(d.remedies.map((r) => r.title).join('\n')).not.toContain('Replace the pod');
  });

  it('a pod the API no longer has is not deleted (its controller replaced it)', () => {
    const d = run(TRACE, 1, { problems: [{ source: 'pod', kind: 'not-found', message: 'pods "api" not found' }] });
    expect(allCommands(d)).not.toContain('kubectl delete pod');
  });

  it('a bare pod, which no controller recreates, is replaced from its own manifest; no CNI step outside Istio', () => {
    const d = run(TRACE, 1, { owner: 'none' });
    expect(d.remedies[0]?.commands.join('\n')).toMatch(/kubectl get pod \S+ -n shop -o yaml > \S+\.yaml\nkubectl replace --force -f \S+\.yaml/);
    expect(allCommands(d)).not.toContain('istioctl');
  });
});
