/**
 * A pod the kubelet cannot set up, so its app containers never start: a volume that will not attach
 * or mount (FailedAttachVolume, FailedMount other than a missing ConfigMap/Secret, which is
 * missing-config), a sandbox the runtime or the CNI plugin cannot create (FailedCreatePodSandBox),
 * or an init container that runs on and on, waiting for something its log names.
 */

import { dependency } from '../crash-verdict.ts';
import { humanDuration } from '../describe.ts';
import type { EvidenceLine } from '../document.ts';
import type { ContainerFacts } from '../evidence.ts';
import { parseMissingObject } from '../kube-messages.ts';
import { cniPlugin, parseVolumeFailure, sandboxNetworkFailure, serviceAddressTimeout, type VolumeProblem } from '../pod-messages.ts';
import type { Verdict } from '../verdict.ts';
import { eventLine, type Rule, waitingLine, who } from './rule.ts';

/** Nothing of the container has run yet: no state, or waiting for the pod's setup. */
function notStarted(c: ContainerFacts | undefined): boolean {
  const s = c?.state;
  return s === undefined || (s.kind === 'waiting' && (s.reason === 'ContainerCreating' || s.reason === 'PodInitializing'));
}

const VOLUME_WHAT: Record<VolumeProblem, string> = {
  'multi-attach': 'is a ReadWriteOnce volume still attached to another node (usually a previous pod of this workload, on another node, still holds it)',
  attach: 'cannot be attached to the node',
  mount: 'cannot be mounted on the node',
};

const PRECEDENCE: readonly VolumeProblem[] = ['multi-attach', 'attach', 'mount'];

export const volumes: Rule = {
  id: 'events-volume-failure',
  places: ['pod-setup'],
  detect(clues) {
    if (!notStarted(clues.container)) return [];
    const found = clues.recent.flatMap((e) => {
      if (e.type !== 'Warning' || parseMissingObject(e.message) !== undefined) return [];
      const failure = parseVolumeFailure(e.reason, e.message);
      return failure === undefined ? [] : [{ e, failure }];
    });
    // The most specific first: a Multi-Attach error explains the mount timeout that follows it.
    found.sort((a, b) => PRECEDENCE.indexOf(a.failure.problem) - PRECEDENCE.indexOf(b.failure.problem));
    for (const { e, failure } of found) {
      const podVolumes = clues.pod?.volumes ?? [];
      const named = [...failure.unmounted, ...(failure.volume === undefined ? [] : [failure.volume])];
      const claims = [...new Set(podVolumes.filter((v) => named.includes(v.name) && v.claimName !== undefined).map((v) => v.claimName ?? ''))];
      // A PersistentVolume name (pvc-<uid>) is not a pod volume; with one claim in the pod, it is that claim's.
      const pvcVolumes = podVolumes.filter((v) => v.claimName !== undefined);
      if (claims.length === 0 && pvcVolumes.length === 1 && failure.volume?.startsWith('pvc-') === true) claims.push(pvcVolumes[0]?.claimName ?? '');
      const volume = failure.volume ?? failure.unmounted[0] ?? 'a volume';
      const claimText = claims.length === 0 ? '' : ` (claim ${claims.join(', ')})`;
      const node = clues.pod?.nodeName;
      const where = node === undefined ? '' : ` on node ${node}`;
      const proof: EvidenceLine[] = [...waitingLine(clues), eventLine(e)];
      const what =
        failure.holders === undefined
          ? VOLUME_WHAT[failure.problem]
          : failure.holders.length === 0
            ? 'is a ReadWriteOnce volume still attached to another node, though no pod uses it there any more (the attach/detach controller says so)'
            : `is a ReadWriteOnce volume still attached to another node, where pod ${failure.holders.join(', ')} uses it`;
      const other = found.find((x) => x.e !== e);
      if (other !== undefined) proof.push(eventLine(other.e));
      return [
        {
          id: 'pod-setup',
          detail: failure.problem === 'multi-attach' ? 'multi-attach' : `volume-${failure.problem}`,
          place: 'pod-setup',
          confidence: 'high',
          title: `${failure.problem === 'multi-attach' ? 'Multi-Attach' : e.reason}: ${claims.length === 0 ? `volume ${volume}` : `claim ${claims.join(', ')}`}`,
          summary: `The pod cannot start${where}: volume ${volume}${claimText} ${what}; ${who(clues)} waits until it is ready.`,
          evidence: proof,
          fix: { kind: 'volume', failure, claims },
        },
      ];
    }
    return [];
  },
};

export const sandbox: Rule = {
  id: 'events-sandbox-failure',
  places: ['pod-setup'],
  detect(clues) {
    if (!notStarted(clues.container)) return [];
    const e = clues.recent.find((x) => x.type === 'Warning' && x.reason === 'FailedCreatePodSandBox');
    if (e === undefined) return [];
    const network = sandboxNetworkFailure(e.message);
    const plugin = cniPlugin(e.message);
    const node = clues.pod?.nodeName === undefined ? 'the node' : `node ${clues.pod.nodeName}`;
    return [
      {
        id: 'pod-setup',
        detail: network ? 'sandbox-network' : 'sandbox',
        place: 'pod-setup',
        // The plugin timing out on the API server's Service address: the node's Service rules are the
        // likely fix (kube-proxy), not the only one (the node's network, a proxy set for the runtime).
        confidence: serviceAddressTimeout(e.message) !== undefined ? 'medium' : 'high',
        title: network ? `FailedCreatePodSandBox: pod network${plugin === undefined ? '' : ` (${plugin})`}` : 'FailedCreatePodSandBox',
        summary: network
          ? `The kubelet on ${node} cannot create the pod's sandbox because the network plugin${plugin === undefined ? '' : ` ${plugin}`} fails to set up its network: a node or CNI problem, not the application.`
          : `The container runtime on ${node} cannot create the pod's sandbox: a node or runtime problem, not the application.`,
        evidence: [...waitingLine(clues), eventLine(e)],
        fix: { kind: 'sandbox', network, ...(plugin === undefined ? {} : { plugin }) },
      },
    ];
  },
};

/** An init container that is expected to finish but is still running after this long is stuck. */
const STUCK_AFTER_SECONDS = 5 * 60;

/** What a waiting script says it waits for: `waiting for mysql`, `nslookup: can't resolve 'db'`, `wait-for-it db:5432`. */
export function waitsFor(lines: readonly string[]): { what: string; line: string } | undefined {
  const patterns = [
    /can't resolve '?([\w.-]+)'?/i,
    /\bwait(?:ing)? for (?:the )?([\w.:/-]*[\w/])(?: to\b| is\b|\.\.\.|…|$|\s)/i,
    /\bwait-for(?:-it)?(?:\.sh)?\s+(?:-\w+\s+)*([\w.-]+:\d+)/i,
    /\buntil\s+(?:nc|nslookup|pg_isready)\b.*?\s([\w.-]+(?::\d+)?)\s*;/i,
  ];
  const tail = [...lines].reverse().slice(0, 40);
  // Pattern order is precision order: a resolver's own error names the full host name.
  for (const p of patterns) {
    for (const line of tail) {
      const what = p.exec(line)?.[1];
      if (what !== undefined && what.length > 1) return { what, line: line.trim() };
    }
  }
  return undefined;
}

export const initWaiting: Rule = {
  id: 'init-container-waiting',
  places: ['pod-setup'],
  detect(clues) {
    const c = clues.container;
    const s = c?.state;
    if (c === undefined || !c.init || c.restartPolicy === 'Always' || s?.kind !== 'running' || s.startedAt === undefined) return [];
    const ran = (Date.parse(clues.evidence.now) - Date.parse(s.startedAt)) / 1000;
    if (!(ran >= STUCK_AFTER_SECONDS)) return [];
    const waiting = waitsFor(clues.log?.lines ?? []);
    const dep = waiting === undefined ? dependency(clues) : undefined;
    const target = waiting?.what ?? dep?.endpoint;
    const verdict: Verdict = {
      id: 'pod-setup',
      detail: 'init-waiting',
      place: 'pod-setup',
      confidence: target === undefined ? 'medium' : 'high',
      title: `${who(clues)} ${target === undefined ? 'still running' : `waits for ${target.length > 40 ? `${target.slice(0, 39)}…` : target}`} (${humanDuration(ran)})`,
      summary: `The pod's app containers wait in PodInitializing because ${who(clues)} has been running for ${humanDuration(ran)} without finishing${target === undefined ? '; its log does not say what it waits for' : `: it waits for ${target}, which is not there or not answering`}.`,
      evidence: [
        { source: 'status', text: `${who(clues)}: State Running since ${s.startedAt} (${humanDuration(ran)}), restarts ${c.restartCount}` },
        ...(waiting !== undefined ? [{ source: 'logs' as const, text: waiting.line }] : dep !== undefined ? [{ source: 'logs' as const, text: dep.text }] : []),
      ],
      fix: { kind: 'init-waiting', ...(target === undefined ? {} : { waitsFor: target }) },
    };
    return [verdict];
  },
};
