/**
 * Remedies for pods the scheduler cannot place, led by the change its message points to: a request
 * no node has room for is lowered to a figure the reader gives (the current one quoted), a taint the
 * kubelet sets from a node's condition (disk pressure) is lifted by fixing the condition, not
 * tolerated, a selector no node meets is met by labelling the node meant for the pod (the labels the
 * pod spec asks for) or dropped; a label the node itself sets (its CPU, GPU, zone, pool) by nodes that
 * carry it or a value they carry. Where the evidence cannot choose (a selector the pod spec does not
 * show, why a claim stays unbound), the check comes first and its title says what decides.
 */
import type { Clues } from '../clues.ts';
import type { Remedy } from '../document.ts';
import type { ContainerFacts } from '../evidence.ts';
import { type OwnedAsk, ownedAsk } from '../node-owned-labels.ts';
import { labelsToSet, nodesMatchingSelector, placementText } from '../node-placement.ts';
import type { SchedulingFailure } from '../pod-messages.ts';
import { parseMemory } from '../quantity.ts';
import { shq } from '../shell.ts';
import type { Fix } from '../verdict.ts';
import { CLEANUP } from './node.ts';
import { unboundClaimSteps } from './unbound-claim.ts';
import { doubleQuotedJson, jsonVar } from './user-values.ts';
import { jsonPatch, ns, replaceSteps, type Workload } from './workload.ts';

/**
 * Taints the node controller and the kubelet put on a node from its conditions ("Taint Nodes by
 * Condition", https://kubernetes.io/docs/reference/labels-annotations-taints/): they go away with the
 * condition, and tolerating them only places the pod on a node that cannot take it.
 */
const CONDITION_TAINTS = new Set([
  'node.kubernetes.io/disk-pressure',
  'node.kubernetes.io/memory-pressure',
  'node.kubernetes.io/pid-pressure',
  'node.kubernetes.io/not-ready',
  'node.kubernetes.io/unreachable',
  'node.kubernetes.io/network-unavailable',
  'node.kubernetes.io/unschedulable',
]);

/** `{node.kubernetes.io/disk-pressure: }` → `node.kubernetes.io/disk-pressure` (the scheduler writes `{key: value}`). */
export function taintKey(taint: string): string {
  return taint.replace(/^\{/, '').split(':')[0]?.trim() ?? '';
}

type Sized = 'cpu' | 'memory';

function amount(resource: Sized, quantity: string): number | undefined {
  if (resource === 'memory') return parseMemory(quantity);
  const m = /^([0-9]+(?:\.[0-9]+)?)(m?)$/.exec(quantity.trim());
  return m === null ? undefined : Number(m[1]) * (m[2] === 'm' ? 1 : 1000);
}

/** The app container asking the most of `resource` (its request, or its limit, which stands for an unset request), as the evidence shows it. */
export function largestRequest(containers: readonly ContainerFacts[], resource: Sized): { container: string; quantity: string } | undefined {
  let best: { container: string; quantity: string; size: number } | undefined;
  for (const c of containers) {
    const quantity = c.resources.requests[resource] ?? c.resources.limits[resource];
    const size = quantity === undefined ? undefined : amount(resource, quantity);
    if (quantity !== undefined && size !== undefined && size > 0 && (best === undefined || size > best.size)) best = { container: c.name, quantity, size };
  }
  return best === undefined ? undefined : { container: best.container, quantity: best.quantity };
}

/**
 * Lower the request no node has room for. Only cpu and memory, and only when the evidence shows the
 * container's figure: an extended resource (a GPU) is not lowered, and a request the evidence does
 * not show cannot be quoted.
 */
function lowerRequests(clues: Clues, w: Workload, insufficient: readonly string[]): Remedy | undefined {
  const sized = insufficient.filter((r): r is Sized => r === 'cpu' || r === 'memory');
  if (sized.length === 0 || sized.length < insufficient.length) return undefined;
  const asks = sized.map((resource) => ({ resource, ask: largestRequest(clues.pod?.containers ?? [], resource) }));
  const first = asks[0]?.ask;
  if (first === undefined || asks.some((a) => a.ask?.container !== first.container)) return undefined;
  const variable = (r: Sized): string => (r === 'memory' ? 'MEMORY' : 'CPU');
  const now = asks.map((a) => `${a.resource} ${a.ask?.quantity ?? ''}`).join(', ');
  const set = `--requests=${sized.map((r) => `${r}="$${variable(r)}"`).join(',')}`;
  return {
    kind: 'remedy',
    title: `Lower ${first.container}'s request (${now}) to what a node has free, or add a node with that much free`,
    commands: [
      ...asks.map((a) => `read -r -p ${shq(`${a.resource} request that fits (now ${a.ask?.quantity ?? ''}): `)} ${variable(a.resource)}`),
      ...(w.patchable
        ? [`kubectl set resources ${w.ref} ${ns(w)} -c ${shq(first.container)} ${set}`]
        : replaceSteps(w, `lower the ${sized.join(' and ')} request of ${first.container}`)),
    ],
  };
}

/** The nodes with DiskPressure: free their disk (unused images first); the kubelet lifts the taint when the condition clears. */
function freeNodeDisk(): Remedy {
  const pressured = `kubectl get nodes --no-headers -o custom-columns=${shq('N:.metadata.name,T:.spec.taints[*].key')} | awk '/disk-pressure/{print $1}'`;
  return {
    kind: 'remedy',
    title: 'Free disk on the disk-pressure nodes (unused images first): the kubelet then lifts the taint',
    commands: [
      `for n in $(${pressured}); do kubectl debug node/"$n" -i --image=busybox:1.36 --profile=sysadmin -- chroot /host crictl rmi --prune; done`,
      CLEANUP,
    ],
  };
}

function taintRemedies(w: Workload, path: string, taints: readonly string[]): Remedy[] {
  const keys = taints.map(taintKey);
  const out: Remedy[] = [];
  if (keys.includes('node.kubernetes.io/disk-pressure')) out.push(freeNodeDisk());
  const other = taints.filter((t) => taintKey(t) !== 'node.kubernetes.io/disk-pressure');
  if (other.length === 0) return out;
  const byCondition = other.every((t) => CONDITION_TAINTS.has(taintKey(t)));
  out.push({
    kind: 'diagnostic',
    title: byCondition
      ? `The nodes are tainted ${other.join(', ')} by their condition: it lifts when the node recovers; a toleration would not help`
      : `The nodes are tainted ${other.join(', ')}: whether the pod belongs on them decides: add a toleration, or schedule it elsewhere`,
    commands: [
      `kubectl get nodes -o custom-columns=${shq('NAME:.metadata.name,TAINTS:.spec.taints')}`,
      ...(byCondition ? [] : [`kubectl get ${w.ref} ${ns(w)} -o jsonpath=${shq(`{${path}.tolerations}`)}`]),
    ],
  });
  return out;
}

/**
 * A selector no node meets, as the pod spec shows it: label the node meant for the pod with what it
 * asks for, or drop the selector from the workload (a JSON patch whose `test` refuses a selector
 * changed since), or correct it to labels the nodes have. When the scheduler's counts show nodes
 * that meet it (turned down by a later filter: resources, ports, volumes, pod affinity), labelling
 * another node is not the fix: the step says so and comes after those reasons' remedies.
 */
function selectorRemedies(clues: Clues, w: Workload, f: SchedulingFailure | undefined): { remedies: Remedy[]; contradicted: boolean } {
  const pod = clues.pod;
  const asks = placementText(pod);
  const path = w.bare ? '.spec' : '.spec.template.spec';
  if (asks === undefined)
    return {
      contradicted: false,
      remedies: [
        {
          kind: 'diagnostic',
          title: 'Which label the nodeSelector or affinity asks for decides: give a node that label, or fix the selector',
          commands: [`kubectl get ${w.ref} ${ns(w)} -o jsonpath=${shq(`{${path}.nodeSelector}{"\\n"}{${path}.affinity}`)}`, 'kubectl get nodes --show-labels'],
        },
      ],
    };
  const selectorKeys = [...Object.keys(pod?.nodeSelector ?? {}), ...(pod?.requiredNodeTerms?.[0] ?? []).filter((r) => r.field !== true).map((r) => r.key)];
  const columns = selectorKeys.length === 0 ? [] : [`kubectl get nodes -L ${shq([...new Set(selectorKeys)].join(','))}`];
  const matching = nodesMatchingSelector(f);
  if (matching !== undefined && matching > 0)
    return {
      contradicted: true,
      remedies: [
        {
          kind: 'diagnostic',
          title: `${matching} of the ${f?.nodes ?? ''} nodes meet its ${asks}: the scheduler turned them down for the reasons above, so the selector is not what keeps the pod off`,
          commands: columns,
        },
      ],
    };
  const hasSelector = pod?.nodeSelector !== undefined;
  const hasTerms = pod?.requiredNodeTerms !== undefined;
  const what = hasSelector && hasTerms ? 'nodeSelector and required node affinity' : hasSelector ? 'nodeSelector' : 'required node affinity';
  const ops: Record<string, unknown>[] = [
    ...(hasSelector
      ? [
          { op: 'test', path: `${w.podSpecPath}/nodeSelector`, value: pod?.nodeSelector },
          { op: 'remove', path: `${w.podSpecPath}/nodeSelector` },
        ]
      : []),
    ...(hasTerms ? [{ op: 'remove', path: `${w.podSpecPath}/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution` }] : []),
  ];
  const labels = labelsToSet(pod);
  const drop: Remedy = {
    kind: 'remedy',
    title:
      labels === undefined
        ? `Correct or drop the ${what} of ${w.ref}: no label can meet it as written`
        : `Or drop the ${what} from ${w.ref}, if it may run on any node`,
    commands: w.patchable ? [jsonPatch(w, ops)] : replaceSteps(w, `remove the ${what}`),
  };
  const compare: Remedy = { kind: 'diagnostic', title: `Or correct the ${what} to labels the nodes have`, commands: columns };
  if (labels === undefined) return { contradicted: false, remedies: [drop, ...(columns.length === 0 ? [] : [compare])] };
  const owned = ownedAsk(pod);
  if (owned !== undefined) return { contradicted: false, remedies: [ownedLabelRemedy(w, owned, columns), drop] };
  return {
    contradicted: false,
    remedies: [
      {
        kind: 'remedy',
        title: `Label the node meant for ${w.name} with ${labels.join(', ')}, which its ${what} asks for and no node has`,
        commands: [`read -r -p ${shq(`node to run ${w.name} on: `)} NODE`, `kubectl label node "$NODE" ${labels.map(shq).join(' ')}`],
      },
      drop,
      ...(columns.length === 0 ? [] : [compare]),
    ],
  };
}

/**
 * A label the node's platform, cloud, pool or a discovery agent sets (node-owned-labels.ts): labelling
 * a node by hand would say it has what it has not, so the fix is nodes that carry it, or a selector
 * value the nodes carry (a JSON patch whose `test` holds the value asked for).
 */
function ownedLabelRemedy(w: Workload, owned: OwnedAsk, columns: string[]): Remedy {
  const where = 'selector' in owned.at ? 'nodeSelector' : 'required node affinity';
  const title = `${owned.key} is set by ${owned.owner}, not by hand: use nodes that carry it, or set the ${where} to a value they carry`;
  if (owned.values.length === 0) return { kind: 'remedy', title, commands: columns };
  const path =
    'selector' in owned.at
      ? `${w.podSpecPath}/nodeSelector/${owned.key.replaceAll('~', '~0').replaceAll('/', '~1')}`
      : `${w.podSpecPath}/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms/${owned.at.term}/matchExpressions/${owned.at.expression}/values`;
  const value = 'selector' in owned.at ? jsonVar('LABEL_VALUE') : [jsonVar('LABEL_VALUE')];
  const ops = [
    { op: 'test', path, value: 'selector' in owned.at ? owned.values[0] : owned.values },
    { op: 'replace', path, value },
  ];
  return {
    kind: 'remedy',
    title,
    commands: [
      ...columns,
      `read -r -p ${shq(`${owned.key} a node has: `)} LABEL_VALUE`,
      ...(w.patchable
        ? [`kubectl patch ${w.kind.toLowerCase()} ${shq(w.name)} ${ns(w)} --type json -p ${doubleQuotedJson(ops)}`]
        : replaceSteps(w, `set ${owned.key} in the ${where} to "$LABEL_VALUE"`)),
    ],
  };
}

export function scheduleRemedies(clues: Clues, w: Workload, fix: Extract<Fix, { kind: 'schedule' }>): Remedy[] {
  const f = fix.failure;
  const reasons = new Set(f?.reasons.map((r) => r.reason) ?? []);
  const out: Remedy[] = [];
  const path = w.bare ? '.spec' : '.spec.template.spec';
  if (reasons.has('insufficient-resources')) {
    const lower = f === undefined ? undefined : lowerRequests(clues, w, f.insufficient);
    if (lower !== undefined) out.push(lower);
    out.push({
      kind: 'diagnostic',
      title: `Compare the pod's requests${f === undefined || f.insufficient.length === 0 ? '' : ` (${f.insufficient.join(', ')})`} with what the nodes have left; lower the requests or add nodes`,
      commands: [
        `kubectl get ${w.ref} ${ns(w)} -o jsonpath=${shq(`{range ${path}.containers[*]}{.name}{" "}{.resources.requests}{"\\n"}{end}`)}`,
        `kubectl describe nodes | grep -A 8 ${shq('Allocated resources')}`,
      ],
    });
  }
  if (reasons.has('taints')) out.push(...taintRemedies(w, path, f?.taints ?? []));
  // Checked against the scheduler's counts: a selector the nodes it turned down for later reasons meet is said last.
  const selector = reasons.has('node-affinity') ? selectorRemedies(clues, w, f) : undefined;
  if (selector !== undefined && !selector.contradicted) out.push(...selector.remedies);
  if (reasons.has('pod-affinity'))
    out.push({
      kind: 'diagnostic',
      title: "Compare the pod's affinity rules with the pods already on the nodes",
      commands: [`kubectl get ${w.ref} ${ns(w)} -o jsonpath=${shq(`{${path}.affinity}`)}`, `kubectl get pods ${ns(w)} -o wide --show-labels`],
    });
  const claims = (clues.pod?.volumes ?? []).flatMap((v) => (v.claimName === undefined ? [] : [v.claimName]));
  const claim = f?.claim ?? claims[0];
  if (reasons.has('volume-zone'))
    out.push({
      kind: 'diagnostic',
      title: "The volume is pinned to a zone or node the pod cannot use: compare the PersistentVolume's node affinity with the nodes",
      commands: [
        claim === undefined ? `kubectl get pvc ${ns(w)}` : `kubectl describe pvc ${shq(claim)} ${ns(w)}`,
        'kubectl get pv -o custom-columns=NAME:.metadata.name,CLAIM:.spec.claimRef.name,AFFINITY:.spec.nodeAffinity',
      ],
    });
  else if (reasons.has('unbound-claim')) out.push(...unboundClaimSteps(clues, w, claim));
  if (reasons.has('unschedulable-nodes'))
    out.push({
      kind: 'remedy',
      title: 'Nodes are cordoned: uncordon them when their maintenance is over',
      commands: ['kubectl get nodes', '# kubectl uncordon NODE'],
    });
  if (reasons.has('host-port'))
    out.push({
      kind: 'remedy',
      title: 'The hostPort is taken on every node: drop hostPort or run fewer replicas than nodes',
      commands: [`kubectl get ${w.ref} ${ns(w)} -o yaml | grep -n hostPort`],
    });
  if (reasons.has('too-many-pods'))
    out.push({
      kind: 'remedy',
      title: 'The nodes are at their pod limit: add nodes or raise maxPods',
      commands: ['kubectl get nodes -o custom-columns=NAME:.metadata.name,PODS:.status.allocatable.pods'],
    });
  if (selector?.contradicted === true) out.push(...selector.remedies);
  if (out.length === 0)
    out.push({ kind: 'diagnostic', title: "Read the scheduler's reason in full", commands: [`kubectl describe pod ${shq(clues.podName)} ${ns(w)}`] });
  return out;
}
