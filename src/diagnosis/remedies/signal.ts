/**
 * Remedies for a container ended by a signal no record explains: SIGTERM or SIGKILL without a probe
 * failure or a deletion (exit-rules.ts signalVerdict), and SIGKILL while its node reports pressure
 * (node-rules.ts nodeKill).
 */
import type { Clues } from '../clues.ts';
import type { Remedy } from '../document.ts';
import { showsWholeLog } from '../log-excerpt.ts';
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
    commands: [`kubectl get events ${ns(w)} --field-selector involvedObject.name=${shq(clues.podName)} --sort-by=.lastTimestamp`, ...previousLog(clues, w)],
  });
  return out;
}

/**
 * What the entrypoint runs, when the message cannot show it: the script the spec starts, printed from
 * the image (one read, nothing left behind), or from a copy of the pod when a volume is mounted over
 * it (a ConfigMap's script is not in the image); the image's own Entrypoint and Cmd when the spec sets
 * no command. A program found on PATH is named in the title already.
 */
function entrypointRead(clues: Clues, w: Workload): string[] {
  const c = clues.container;
  const image = shq(c?.image ?? 'IMAGE');
  const program = c?.command[0];
  if (program === undefined) return [`docker inspect ${image} | jq ${shq('.[0].Config.Entrypoint, .[0].Config.Cmd')}`];
  if (!program.includes('/')) return [];
  const mounted = c?.volumeMounts.some((m) => program === m.mountPath || program.startsWith(`${m.mountPath.replace(/\/$/, '')}/`)) ?? false;
  if (!mounted) return [`docker run --rm --entrypoint cat ${image} ${shq(program)}`];
  const copy = `${clues.podName}-debug`;
  return [
    `kubectl debug ${shq(clues.podName)} ${ns(w)} -i --copy-to=${shq(copy)} --container=${shq(w.container)} -- cat ${shq(program)}`,
    `kubectl delete pod ${shq(copy)} ${ns(w)}`,
  ];
}

/**
 * A SIGTERM no record explains: who sent it decides the fix, and the evidence cannot say. The title
 * names the program the spec starts (its command's first word only: the rest may carry values), or
 * says the image's own entrypoint runs. The log before the signal is read first, unless the message
 * shows all of it; then what the entrypoint runs leads. The pod's events are read again only when
 * crashtriage could not read them (the message already says they hold no probe kill), or when
 * nothing else is left to read.
 */
function sigtermSender(clues: Clues, w: Workload, events: string): Remedy {
  const program = clues.container?.command[0];
  const where =
    program === undefined
      ? "the image's own entrypoint (a timeout, a supervisor; the spec sets no command)"
      : `its entrypoint ${program} (a timeout, a supervisor)`;
  const eventsUnread = clues.evidence.problems.some((p) => p.source === 'events');
  const log = previousLog(clues, w);
  const shown = log.length === 0 && clues.log !== undefined && showsWholeLog(clues.log);
  const reads = shown ? entrypointRead(clues, w) : log;
  return {
    kind: 'diagnostic',
    title: `Who sent SIGTERM decides the fix, and no record names it: ${shown ? '' : 'the log before it, '}${where}, a sidecar, an operator`,
    commands: [...(eventsUnread || reads.length === 0 ? [events] : []), ...reads],
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
