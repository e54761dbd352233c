/**
 * The kubelet's own record outranks everything else: waiting reasons, the
 * OOMKilled and StartError terminations and FailedMount / Failed events naming a missing object (their
 * texts and upstream sources: kube-messages.ts).
 */

import type { Clues } from '../clues.ts';
import { humanDuration } from '../describe.ts';
import type { EvidenceLine } from '../document.ts';
import { describeHeapFlag, heapFlag, leavesNoRoom } from '../heap-flags.ts';
import { kernelOomKill } from '../kernel-oom.ts';
import { killedAtStart } from '../kill-timing.ts';
import { imageInMessage, type MissingObject, parseExecFailure, parseImageProblem, parseMissingObject } from '../kube-messages.ts';
import { nearKey } from '../near-key.ts';
import type { Place } from '../precedence.ts';
import { formatMemory, parseMemory } from '../quantity.ts';
import type { Verdict } from '../verdict.ts';
import { entrypointVerdict } from './entrypoint.ts';
import { eventLine, memoryLimit, type Rule, statusLine, waitingLine, who } from './rule.ts';

const IMAGE_REASONS = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull']);

function missingVerdict(clues: Clues, missing: MissingObject, place: Place, proof: EvidenceLine[]): Verdict {
  const what =
    missing.key === undefined
      ? `${missing.object === 'secret' ? 'Secret' : 'ConfigMap'} ${missing.name} does not exist in namespace ${clues.namespace}`
      : `key ${missing.key} is missing from ${missing.object === 'secret' ? 'Secret' : 'ConfigMap'} ${missing.namespace ?? clues.namespace}/${missing.name}`;
  const mount = missing.volume === undefined ? '' : ` (needed by volume ${missing.volume})`;
  const near = nearKey(clues, missing);
  const typo = near === undefined ? '' : `; it has ${near.key}, likely the key meant`;
  return {
    id: 'missing-config',
    place,
    confidence: 'high',
    title:
      missing.key === undefined
        ? `Missing ${missing.object === 'secret' ? 'Secret' : 'ConfigMap'} ${missing.name}`
        : `Missing key ${missing.key}${near === undefined ? '' : ` (it has ${near.key})`}`,
    summary: `${who(clues)} cannot start: ${what}${mount}${typo}.`,
    evidence: near === undefined ? proof : [...proof, { source: 'spec', text: near.proof }],
    fix: { kind: 'missing-object', ...missing, ...(near === undefined ? {} : { near: near.key }) },
  };
}

/** CreateContainerConfigError, image pull errors, RunContainerError / CreateContainerError. */
export const waitingReason: Rule = {
  id: 'kubelet-waiting-reason',
  places: ['kubelet-record', 'exit-only'],
  detect(clues) {
    const w = clues.waiting;
    if (w === undefined) return [];
    const message = w.message ?? '';
    if (IMAGE_REASONS.has(w.reason)) {
      const failed = clues.recent.find((e) => e.reason === 'Failed' && /Failed to pull image/.test(e.message));
      const detail = failed?.message ?? message;
      const image = imageInMessage(detail) ?? imageInMessage(message) ?? clues.container?.image ?? '';
      const problem = parseImageProblem(w.reason, detail);
      const why: Record<typeof problem, string> = {
        'not-found': 'the registry has no such image or tag',
        auth: 'the registry refused the credentials (imagePullSecrets missing or wrong)',
        unreachable: 'the node cannot reach the registry',
        'rate-limit': 'the registry is rate-limiting pulls',
        'invalid-name': 'the image reference is not a valid name',
        'never-pull': 'imagePullPolicy is Never and the image is not on the node',
        other: 'the pull failed',
      };
      return [
        {
          id: 'image-pull',
          place: 'kubelet-record',
          confidence: problem === 'other' ? 'medium' : 'high',
          title: `${w.reason}: ${image}`,
          summary: `The kubelet cannot pull ${image} for ${who(clues)}: ${why[problem]}.`,
          evidence: [...waitingLine(clues), ...(failed === undefined ? [] : [eventLine(failed)])],
          fix: { kind: 'image', problem, image },
        },
      ];
    }
    if (w.reason === 'CreateContainerConfigError' || w.reason === 'CreateContainerError' || w.reason === 'RunContainerError') {
      const missing = parseMissingObject(message);
      if (missing !== undefined) return [missingVerdict(clues, missing, 'kubelet-record', waitingLine(clues))];
      const exec = parseExecFailure(message);
      if (exec !== undefined) return [entrypointVerdict(clues, exec, 'kubelet-record', waitingLine(clues))];
      if (/runAsNonRoot/.test(message)) {
        return [
          {
            id: 'unknown',
            place: 'kubelet-record',
            confidence: 'medium',
            title: `${w.reason}: runAsNonRoot`,
            summary: `${who(clues)} cannot start: the pod requires runAsNonRoot but the image runs as root (no crash-loop cause of the catalogue applies).`,
            evidence: waitingLine(clues),
            fix: { kind: 'security-context', message },
          },
        ];
      }
      return [
        {
          id: 'unknown',
          place: 'exit-only',
          confidence: 'low',
          title: w.reason,
          summary: `${who(clues)} cannot be created (${w.reason}); the runtime's message above does not match a known cause.`,
          evidence: waitingLine(clues),
          fix: { kind: 'investigate', needs: ["read the runtime message in the waiting state and the node's kubelet log"] },
        },
      ];
    }
    return [];
  },
};

/** Last state OOMKilled: the kernel's OOM killer, recorded by the runtime (containerd's
 * internal/cri/server/helpers.go: https://github.com/containerd/containerd). */
export const oomKilled: Rule = {
  id: 'kubelet-oomkilled',
  places: ['kubelet-record'],
  detect(clues) {
    const t = clues.termination;
    if (t?.reason !== 'OOMKilled') return [];
    const limit = memoryLimit(clues);
    const req = clues.container?.resources.requests.memory;
    const spec: EvidenceLine = {
      source: 'spec',
      text:
        limit === undefined
          ? `resources.limits.memory is not set${req === undefined ? '' : ` (requests.memory ${req})`}`
          : `resources.limits.memory ${limit}${req === undefined ? '' : `, requests.memory ${req}`}`,
    };
    const runtimeLine = clues.signatures.find((s) => s.kind === 'runtime-oom');
    const limitBytes = limit === undefined ? undefined : parseMemory(limit);
    const heap = clues.container === undefined ? undefined : heapFlag(clues.container, limitBytes);
    const noRoom = heap !== undefined && limitBytes !== undefined && leavesNoRoom(heap, limitBytes) ? heap : undefined;
    const heapLine: EvidenceLine[] =
      noRoom === undefined || limitBytes === undefined ? [] : [{ source: 'spec', text: describeHeapFlag(noRoom, limit ?? '', limitBytes) }];
    const ran = t.runSeconds === undefined ? '' : ` after running ${humanDuration(t.runSeconds)}`;
    const kernel = limit === undefined ? kernelOomKill(clues) : undefined;
    const held = kernel === undefined ? '' : ` (${kernel.process} held ${formatMemory(kernel.anonRssBytes)} when the kernel killed it)`;
    return [
      {
        id: 'oom-killed',
        place: 'kubelet-record',
        confidence: 'high',
        title: `OOMKilled (exit ${t.exitCode})`,
        summary:
          limit === undefined
            ? `The kernel OOM killer stopped ${who(clues)}${ran}; it has no memory limit, so the node itself ran short of memory${held}.`
            : `The kernel OOM killer stopped ${who(clues)} at its ${limit} memory limit${ran}${killedAtStart(clues) ? ': too soon for a leak; the limit is below what it needs from the start' : ''}.`,
        evidence: [
          ...statusLine(clues),
          spec,
          ...heapLine,
          ...(kernel === undefined ? [] : [{ source: 'events' as const, text: `kernel: ${kernel.text}` }]),
          ...(runtimeLine === undefined ? [] : [{ source: 'logs' as const, text: runtimeLine.text }]),
        ],
        ...(noRoom === undefined || limitBytes === undefined
          ? { fix: { kind: 'memory-limit' } as const }
          : { detail: 'heap-flag-over-limit' as const, fix: { kind: 'heap-flag' as const, flag: noRoom, limitBytes } }),
      },
    ];
  },
};

/** StartError 128 from containerd with runc's exec error (containerd's
 * internal/cri/server/container_start.go wrapping runc's error: https://github.com/containerd/containerd). */
export const startError: Rule = {
  id: 'kubelet-start-error',
  places: ['kubelet-record'],
  detect(clues) {
    const t = clues.termination;
    if (t === undefined || (t.reason !== 'StartError' && t.reason !== 'ContainerCannotRun')) return [];
    const exec = parseExecFailure(t.message ?? '');
    if (exec !== undefined) return [entrypointVerdict(clues, exec, 'kubelet-record', statusLine(clues))];
    return [];
  },
};

/** FailedMount `… : configmap "x" not found` and Failed `Error: secret "x" not found` events (§3). */
export const missingObjectEvents: Rule = {
  id: 'events-missing-object',
  places: ['mount-record'],
  detect(clues) {
    const running = clues.container?.state?.kind === 'running' && clues.container.ready;
    if (running) return [];
    for (const e of clues.recent) {
      if (e.type !== 'Warning' || (e.reason !== 'FailedMount' && e.reason !== 'Failed')) continue;
      const missing = parseMissingObject(e.message);
      if (missing !== undefined) return [missingVerdict(clues, missing, 'mount-record', [...waitingLine(clues), eventLine(e)])];
    }
    return [];
  },
};

/**
 * `ContainerStatusUnknown` (exit 137, "The container could not be located when the pod was
 * terminated"): the kubelet lost the container (node reboot, pod deleted while the node was down);
 * the 137 is written by the kubelet, not a signal the process received.
 */
export const statusUnknown: Rule = {
  id: 'kubelet-container-status-unknown',
  places: ['kubelet-record'],
  detect(clues) {
    const t = clues.termination;
    if (t?.reason !== 'ContainerStatusUnknown') return [];
    return [
      {
        id: 'unknown',
        place: 'kubelet-record',
        confidence: 'medium',
        title: 'ContainerStatusUnknown: the container was lost',
        summary: `The kubelet lost track of ${who(clues)} (node restart or the pod terminated while its node was unreachable); its exit ${t.exitCode} is recorded by the kubelet, not received by the process, so it names no cause.`,
        evidence: statusLine(clues),
        fix: { kind: 'investigate', needs: ["the node's condition and events around the time the container was lost"] },
      },
    ];
  },
};
