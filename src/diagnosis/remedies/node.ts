/**
 * Commands about the pod's node: which node a command may name (not one the evidence says is gone),
 * and a one-shot command on the node's own root filesystem (`kubectl debug node/…` with the sysadmin
 * profile and `chroot /host`).
 */
import type { Clues } from '../clues.ts';
import { shq } from '../shell.ts';

/**
 * The pod's node, unless the evidence says it is gone (a 404 reading it, or an event saying
 * `node "x" not found`): a command never reads an object that is no longer there.
 */
export function readableNode(clues: Clues): string | undefined {
  const node = clues.pod?.nodeName;
  if (node === undefined || node === '') return undefined;
  const said = `"${node}" not found`;
  const gone =
    clues.evidence.problems.some((p) => p.source === 'node' && p.kind === 'not-found') ||
    clues.evidence.events.some((e) => e.message.includes(said) || e.message.includes(`node ${node} not found`));
  return gone ? undefined : node;
}

/**
 * Runs `command` on the node's root filesystem; leaves a `node-debugger-…` pod behind to delete.
 * `-i` without `-t`: a one-shot command needs no terminal, and its output can be piped (`| grep`).
 */
export function onNode(node: string, command: string): string {
  return `kubectl debug node/${shq(node)} -i --image=busybox:1.36 --profile=sysadmin -- chroot /host ${command}`;
}

export const CLEANUP = '# then delete the node-debugger-… pod it leaves: kubectl get pods | grep node-debugger';
