/**
 * A pod no node's labels meet (issue #28 items 1 and 3): the pod spec's nodeSelector and required node
 * affinity come into the evidence, the message names what they ask for, and the first Fix labels the
 * node meant for the pod or drops the selector, unless the scheduler's counts show nodes that meet it
 * (then the selector is not what keeps the pod off, and no node is labelled).
 */
import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/diagnosis/diagnose.ts';
import { labelsToSet, nodesMatchingSelector, placementText, requirementText } from '../../../src/diagnosis/node-placement.ts';
import { parseSchedulingFailure } from '../../../src/diagnosis/pod-messages.ts';
import { podFacts } from '../../../src/kube/pod-facts.ts';
import { fixtures, toEvidence } from '../../fixtures/diagnosis/index.ts';
import { event } from '../../fixtures/diagnosis/k8s.ts';
import { benchDiagnosis as bench } from './shared-setup.ts';

const fixture = (name: string) => {
  const f = fixtures.find((x) => x.name === name);
  if (f?.pod === undefined) throw new Error(`no fixture ${name}`);
  return { ...f, pod: f.pod };
};
const commands = (d: ReturnType<typeof diagnose>): string => d.remedies.flatMap((r) => r.commands).join('\n');

describe('the pod spec’s placement as evidence', () => {
  it('keeps the nodeSelector and each required term’s expressions and fields (kubernetes/kubernetes#120293’s affinity)', () => {
    const facts = podFacts({
      metadata: { name: 'p', namespace: 'n' },
      spec: {
        containers: [{ name: 'c' }],
        nodeSelector: { 'biz.type': 'layout-engine' },
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                {
                  matchExpressions: [
                    { key: 'biz.type', operator: 'In', values: ['layout-engine'] },
                    { key: 'node-role.kubernetes.io/node-type', operator: 'In', values: ['elastic'] },
                  ],
                },
                { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-7'] }] },
              ],
            },
          },
        },
      },
    } as V1Pod);
    expect(facts.nodeSelector).toEqual({ 'biz.type': 'layout-engine' });
    expect(facts.requiredNodeTerms).toEqual([
      [
        { key: 'biz.type', operator: 'In', values: ['layout-engine'] },
        { key: 'node-role.kubernetes.io/node-type', operator: 'In', values: ['elastic'] },
      ],
      [{ key: 'metadata.name', operator: 'In', values: ['node-7'], field: true }],
    ]);
    expect(placementText(facts)).toBe(
      'nodeSelector biz.type=layout-engine; required node affinity biz.type=layout-engine, node-role.kubernetes.io/node-type=elastic or field metadata.name=node-7',
    );
    expect(labelsToSet(facts)).toEqual(['biz.type=layout-engine', 'node-role.kubernetes.io/node-type=elastic']);
  });

  it('no selector, no affinity: nothing asked', () => {
    expect(podFacts({ metadata: { name: 'p' }, spec: { containers: [{ name: 'c' }], nodeSelector: {} } } as V1Pod).nodeSelector).toBeUndefined();
    expect(placementText(podFacts({ metadata: { name: 'p' }, spec: { containers: [{ name: 'c' }] } } as V1Pod))).toBeUndefined();
  });

  it('writes each operator as a label selector does, and labels only what In and Exists can meet', () => {
    expect(requirementText({ key: 'zone', operator: 'In', values: ['a', 'b'] })).toBe('zone in (a,b)');
    expect(requirementText({ key: 'spot', operator: 'DoesNotExist', values: [] })).toBe('!spot');
    expect(requirementText({ key: 'cores', operator: 'Gt', values: ['8'] })).toBe('cores>8');
    expect(requirementText({ key: 'disktype', operator: 'In', values: ['ssd'] })).toBe('disktype=ssd');
    expect(requirementText({ key: 'zone', operator: 'NotIn', values: ['c'] })).toBe('zone notin (c)');
    expect(requirementText({ key: 'gpu', operator: 'Exists', values: [] })).toBe('gpu');
    expect(requirementText({ key: 'cores', operator: 'Lt', values: ['4'] })).toBe('cores<4');
    // An operator the API may add later is still shown as written, not dropped.
    expect(requirementText({ key: 'zone', operator: 'Near', values: ['a'] })).toBe('zone Near (a)');
    const pod = (terms: Parameters<typeof labelsToSet>[0] & object) => labelsToSet(terms);
    const base = podFacts({ metadata: { name: 'p' }, spec: { containers: [{ name: 'c' }] } } as V1Pod);
    expect(pod({ ...base, requiredNodeTerms: [[{ key: 'gpu', operator: 'Exists', values: [] }]] })).toEqual(['gpu=']);
    // An empty term matches no node, a Gt no label value can be chosen for: nothing to label.
    expect(pod({ ...base, requiredNodeTerms: [[]] })).toBeUndefined();
    expect(pod({ ...base, requiredNodeTerms: [[{ key: 'cores', operator: 'Gt', values: ['8'] }]] })).toBeUndefined();
    // The nodeSelector sets a value the term does not allow: no node can meet both.
    expect(pod({ ...base, nodeSelector: { zone: 'c' }, requiredNodeTerms: [[{ key: 'zone', operator: 'In', values: ['a', 'b'] }]] })).toBeUndefined();
  });
});

describe('what the scheduler’s counts say of the nodes that meet the selector', () => {
  const count = (message: string) => nodesMatchingSelector(parseSchedulingFailure(message));

  it('nodes a later filter turned down passed the selector (kubernetes/kubernetes#100400)', () => {
    expect(count("0/20 nodes are available: 1 node(s) didn't match pod affinity/anti-affinity, 19 node(s) didn't match node selector.")).toBe(1);
  });

  it('every node failed it, or only filters that run before it said otherwise (a taint): none known to meet it', () => {
    expect(count("0/4 nodes are available: 4 node(s) didn't match Pod's node affinity/selector.")).toBe(0);
    expect(
      count(
        "0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 node(s) didn't match Pod's node affinity/selector.",
      ),
    ).toBe(0);
  });

  it('counts adding up to more than the nodes (every predicate counted, kubernetes/kubernetes#49896) say nothing', () => {
    expect(count("0/10 nodes are available: 10 node(s) didn't match node selector, 4 Insufficient cpu.")).toBeUndefined();
  });
});

describe('a selector no node meets', () => {
  it('a label a person sets: names the labels it asks for and leads with labelling the node meant for it, then dropping the selector, at high confidence', () => {
    const f = fixture('unschedulable-node-selector-label-no-node-has');
    const pod = structuredClone(f.pod);
    if (pod.spec !== undefined) pod.spec.nodeSelector = { pool: 'batch', network_placement: 'private' };
    const d = diagnose(toEvidence({ ...f, pod }));
    expect(d.evidence).toContainEqual({ source: 'spec', text: 'nodeSelector pool=batch, network_placement=private' });
    expect(d.cause.confidence).toBe('high');
    expect(d.remedies[0]).toMatchObject({ kind: 'remedy', title: expect.stringContaining('Label the node meant for main') });
    expect(d.remedies[0]?.commands).toEqual(["read -r -p 'node to run main on: ' NODE", 'kubectl label node "$NODE" pool=batch network_placement=private']);
    expect(d.remedies[1]?.commands).toEqual([
      `kubectl patch deployment main -n default --type json -p '[{"op":"test","path":"/spec/template/spec/nodeSelector","value":{"pool":"batch","network_placement":"private"}},{"op":"remove","path":"/spec/template/spec/nodeSelector"}]'`,
    ]);
  });

  it('a label EKS sets from the node group (klothoplatform/klotho#553): no node labelled by hand; the value is compared with the nodes and corrected, at medium confidence', () => {
    const d = diagnose(toEvidence(fixture('unschedulable-node-selector-label-no-node-has')));
    expect(d.evidence).toContainEqual({ source: 'spec', text: 'nodeSelector eks.amazonaws.com/nodegroup=private_t3_xlarge, network_placement=private' });
    expect(d.cause.confidence).toBe('medium');
    expect(commands(d)).not.toContain('kubectl label node');
    expect(d.remedies[0]).toMatchObject({
      kind: 'remedy',
      title:
        'eks.amazonaws.com/nodegroup is set by EKS from its node group, not by hand: use nodes that carry it, or set the nodeSelector to a value they carry',
    });
    expect(d.remedies[0]?.commands).toEqual([
      'kubectl get nodes -L eks.amazonaws.com/nodegroup,network_placement',
      "read -r -p 'eks.amazonaws.com/nodegroup a node has: ' LABEL_VALUE",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the reader's shell expands it
      'kubectl patch deployment main -n default --type json -p "[{\\"op\\":\\"test\\",\\"path\\":\\"/spec/template/spec/nodeSelector/eks.amazonaws.com~1nodegroup\\",\\"value\\":\\"private_t3_xlarge\\"},{\\"op\\":\\"replace\\",\\"path\\":\\"/spec/template/spec/nodeSelector/eks.amazonaws.com~1nodegroup\\",\\"value\\":\\"${LABEL_VALUE}\\"}]"',
    ]);
    expect(d.remedies[1]?.title).toBe('Or drop the nodeSelector from deployment/main, if it may run on any node');
  });

  it('a required affinity on the kubelet-set architecture (namespacelabs/foundation#1053, Kuadrant/kuadrant-controller#168): its values are replaced, never a node labelled', () => {
    for (const [id, values] of [
      ['unschedulable-node-affinity-arch-arm64-on-gke', '["arm64"]'],
      ['unschedulable-node-affinity-arch-amd64-on-arm64-kind', '["amd64","ppc64le","s390x"]'],
    ] as const) {
      const d = bench(id);
      expect(d.cause.confidence, id).toBe('medium');
      expect(commands(d), id).not.toContain('kubectl label node');
      expect(d.remedies[0]?.title, id).toMatch(/^kubernetes\.io\/arch\b.* is set by the kubelet from the node's CPU, not by hand/);
      const patch = d.remedies[0]?.commands.at(-1) ?? '';
      expect(patch, id).toContain('/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms/0/matchExpressions/0/values');
      const ops = JSON.parse(patch.slice(patch.indexOf(' -p "') + 5, -1).replace(/\\(["$\\`])/g, '$1')) as { op: string; value: unknown }[];
      expect(
        ops.map((o) => o.op),
        id,
      ).toEqual(['test', 'replace']);
      expect(ops[0]?.value, id).toEqual(JSON.parse(values));
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the reader's shell expands it
      expect(ops[1]?.value, id).toEqual(['${LABEL_VALUE}']);
    }
  });

  it('an empty required term (goauthentik/helm#251): no label meets it, so correcting or dropping it comes first', () => {
    const d = diagnose(toEvidence(fixture('unschedulable-node-affinity-empty-term')));
    expect(d.remedies[0]).toMatchObject({ kind: 'remedy', title: expect.stringContaining('Correct or drop the required node affinity') });
    expect(commands(d)).not.toContain('kubectl label node');
  });

  it('nodes the scheduler turned down for a later reason meet it → no node labelled; the selector step comes last and says so', () => {
    const f = fixture('unschedulable-node-selector-label-no-node-has');
    const message = "0/20 nodes are available: 1 node(s) didn't match pod affinity/anti-affinity, 19 node(s) didn't match node selector.";
    const d = diagnose(toEvidence({ ...f, events: [event(f.pod, { reason: 'FailedScheduling', message, firstAgo: 600, component: 'default-scheduler' })] }));
    expect(commands(d)).not.toContain('kubectl label node');
    expect(d.remedies[0]?.title).toContain("Compare the pod's affinity rules");
    expect(d.remedies.at(-1)?.title).toContain('1 of the 20 nodes meet its nodeSelector');
  });

  it('a pod spec that shows no selector keeps the check first: it says what decides', () => {
    const f = fixture('unschedulable-node-selector-label-no-node-has');
    const pod = structuredClone(f.pod);
    if (pod.spec !== undefined) delete pod.spec.nodeSelector;
    const d = diagnose(toEvidence({ ...f, pod }));
    expect(d.remedies[0]).toMatchObject({ kind: 'diagnostic', title: expect.stringContaining('Which label the nodeSelector or affinity asks for decides') });
  });
});
