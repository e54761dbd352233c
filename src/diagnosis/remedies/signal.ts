/**
 * Remedies for a container ended by a signal no record explains: SIGTERM or SIGKILL without a probe
 * failure or a deletion (exit-rules.ts signalVerdict), and SIGKILL while its node reports pressure
 * (node-rules.ts nodeKill).
 */
import type { Clues } from '../clues.ts';
import type { Remedy } from '../document.ts';
import { parseMemory } from '../quantity.ts';
import { shq } from '../shell.ts';
import { beyondNode } from './memory.ts';
import { CLEANUP, onNode, readableNode } from './node.ts';
import { logsCommand, ns, patchContainer, type Workload } from './workload.ts';

function previousLog(clues: Clues, w: Workload): string[] {
  return logsCommand(clues, w, 200);
}

/** The node's conditions and its kernel log, unless the evidence says the node is gone. */
function nodeKernelLog(clues: Clues): Remedy[] {
  const node = readableNode(clues);
  if (node === undefined) return [];
  return [
    {
      kind: 'diagnostic',
      title: `Read node ${node}'s conditions and its kernel log ("Out of memory: Killed process …" names what the kernel killed)`,
      commands: [`kubectl describe node ${shq(node)}`, onNode(node, 'dmesg -T'), CLEANUP],
    },
  ];
}

export function nodePressureRemedies(clues: Clues, w: Workload, pressure: string[]): Remedy[] {
  const limit = clues.container?.resources.limits.memory;
  const out: Remedy[] = [];
  // The request raised to the limit is the fix only when the node can give that much (#28 item 3).
  if (pressure.includes('MemoryPressure') && limit !== undefined && beyondNode(clues, parseMemory(limit) ?? 0) === undefined) {
    out.push({
      kind: 'remedy',
      title: `Raise the memory request to the ${limit} limit: the kubelet gives pods that request more of their memory a lower OOM score, so the node's OOM killer picks others first`,
      commands: patchContainer(w, { resources: { requests: { memory: limit } } }),
    });
  }
  out.push(...nodeKernelLog(clues));
  out.push({
    kind: 'diagnostic',
    title: 'Otherwise find who sent SIGKILL: events, a timeout wrapper or supervisor, kill -9 in scripts',
    commands: [
      `kubectl get events ${ns(w)} --field-selector involvedObject.name=${shq(clues.podName)} --sort-by=.lastTimestamp`,
      `kubectl logs ${shq(clues.podName)} ${ns(w)} -c ${shq(w.container)} --previous --tail=200`,
    ],
  });
  return out;
}

/**
 * A SIGTERM no record explains: who sent it decides the fix, and the evidence cannot say. The title
 * names the program the spec starts (its command's first word only: the rest may carry values), or
 * says the image's own entrypoint runs; the pod's events are read again only when crashtriage could
 * not read them (the message already says they hold no probe kill), or when no log can be read.
 */
function sigtermSender(clues: Clues, w: Workload, events: string): Remedy {
  const program = clues.container?.command[0];
  const where =
    program === undefined
      ? "the image's own entrypoint (a timeout, a supervisor; the spec sets no command)"
      : `its entrypoint ${program} (a timeout, a supervisor)`;
  const eventsUnread = clues.evidence.problems.some((p) => p.source === 'events');
  const log = previousLog(clues, w);
  return {
    kind: 'diagnostic',
    title: `Who sent SIGTERM decides the fix, and no record names it: the log before it, ${where}, a sidecar, an operator`,
    commands: [...(eventsUnread || log.length === 0 ? [events] : []), ...log],
  };
}

export function signalRemedies(clues: Clues, w: Workload, signal: 'SIGTERM' | 'SIGKILL'): Remedy[] {
  const node = readableNode(clues);
  const events = `kubectl get events ${ns(w)} --field-selector involvedObject.name=${shq(clues.podName)} --sort-by=.lastTimestamp`;
  if (signal === 'SIGTERM') return [sigtermSender(clues, w, events)];
  return [
    {
      kind: 'diagnostic',
      title: 'The node\'s kernel log decides: "Killed process" for it means raise its memory limit; none, find who sent kill -9',
      commands: [
        `kubectl top pod ${shq(clues.podName)} ${ns(w)} --containers`,
        ...(node === undefined ? [] : [`${onNode(node, 'dmesg -T')} | grep -i -E ${shq('killed process|out of memory')}`]),
      ],
    },
    {
      kind: 'diagnostic',
      title: 'Otherwise find who sent SIGKILL: events, a grace period that ran out, kill -9 in scripts',
      commands: [events, ...previousLog(clues, w)],
    },
  ];
}
