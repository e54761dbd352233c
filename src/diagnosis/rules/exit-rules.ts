/**
 * Exit codes (docs/architecture.md "Causes"): 0, 126, 127, 137, 139, 143 name a cause on their
 * own; other codes are an application crash that the log may explain further (log-rules.ts).
 */

import { hiddenSigkill } from '../child-signal.ts';
import type { Clues } from '../clues.ts';
import { crashVerdict } from '../crash-verdict.ts';
import type { EvidenceLine } from '../document.ts';
import { parseCrlf } from '../kube-messages.ts';
import { placeRank } from '../precedence.ts';
import { describeExit } from '../signals.ts';
import { lower, type Verdict } from '../verdict.ts';
import { entrypointVerdict } from './entrypoint.ts';
import { hasProblem, noProbeKillLine, type Rule, statusLine, who } from './rule.ts';

/** Kinds whose pods are meant to run forever (restartPolicy Always). */
const LONG_RUNNING = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'ReplicationController']);

/** A sidecar (init container with restartPolicy Always) is restarted on any exit, success included. */
function sidecarExitZero(clues: Clues): Verdict {
  const name = clues.container?.name ?? '';
  return {
    id: 'exit-zero',
    place: 'exit-code',
    confidence: 'high',
    title: 'Sidecar completed (exit 0) and restarted',
    summary: `${who(clues)} is a sidecar (an init container with restartPolicy Always) that exits successfully; the kubelet restarts a sidecar whenever it exits, so it must run for the life of the pod.`,
    evidence: [...statusLine(clues), { source: 'spec', text: `initContainers ${name}: restartPolicy Always (a sidecar)` }],
    fix: { kind: 'sidecar-exits' },
  };
}

function exitZero(clues: Clues): Verdict {
  if (clues.container?.init === true && clues.container.restartPolicy === 'Always') return sidecarExitZero(clues);
  const owner = clues.pod?.owner;
  const policy = clues.pod?.restartPolicy ?? 'Always';
  const restarts = policy === 'Always' && (owner === undefined || LONG_RUNNING.has(owner.kind)) && clues.container?.init !== true;
  const policyLine: EvidenceLine = { source: 'spec', text: `restartPolicy ${policy}${owner === undefined ? '' : `, owned by ${owner.kind} ${owner.name}`}` };
  if (!restarts) {
    const under = owner === undefined ? 'a bare pod' : `${owner.kind} ${owner.name}`;
    return {
      id: 'unknown',
      place: 'exit-code',
      confidence: 'medium',
      title: 'Completed (exit 0): not a crash loop',
      summary: `${who(clues)} finished successfully under ${under} with restartPolicy ${policy}: nothing restarts it for that, so this run is not the crash loop.`,
      evidence: [...statusLine(clues), policyLine],
      fix: { kind: 'not-a-loop' },
    };
  }
  const under = owner === undefined ? 'a bare pod with restartPolicy Always' : `${owner.kind} ${owner.name}`;
  return {
    id: 'exit-zero',
    place: 'exit-code',
    confidence: 'high',
    title: 'Completed (exit 0) and restarted',
    summary: `${who(clues)} exits successfully, and ${under} restarts it because it is expected to run forever: a run-to-completion task in a long-running workload.`,
    evidence: [...statusLine(clues), policyLine],
    fix: { kind: 'run-to-completion' },
  };
}

function signalVerdict(clues: Clues, exit: 137 | 143): Verdict {
  const term = exit === 143;
  const hidden = term ? undefined : hiddenSigkill(clues);
  const summary = term
    ? `${who(clues)} was stopped by SIGTERM, and no probe failure explains it: something in or around the container (its entrypoint script, a supervisor, a timeout wrapper, a sidecar or an operator) sent the signal.`
    : `${who(clues)} was killed by SIGKILL without an OOMKilled record or probe failures: an unrecorded kernel OOM kill, a SIGTERM grace period that ran out, or a process that sent kill -9.${hidden === undefined ? '' : hidden.by === 'runtime' ? ` Its exit ${clues.termination?.exitCode ?? ''} hides it; the runtime recorded signal 9.` : ` Its exit ${clues.termination?.exitCode ?? ''} is the wrapper's (PID 1 is npm, a shell or a supervisor): its program was the one killed.`}`;
  return {
    id: term ? 'sigterm' : 'sigkill',
    place: 'exit-code',
    confidence: term ? 'high' : 'medium',
    title:
      clues.termination === undefined || clues.termination.exitCode === exit
        ? describeExit(exit)
        : hidden?.by === 'log'
          ? `${describeExit(clues.termination.exitCode)}: its program was killed by SIGKILL`
          : `${describeExit(clues.termination.exitCode)}, signal ${exit - 128} (${term ? 'SIGTERM' : 'SIGKILL'}) recorded`,
    summary,
    evidence: [...statusLine(clues), ...(hidden?.by === 'log' ? [{ source: 'logs' as const, text: hidden.text }] : []), noProbeKillLine(clues)],
    fix: { kind: 'signal', signal: term ? 'SIGTERM' : 'SIGKILL' },
  };
}

export const exitCode: Rule = {
  id: 'exit-code',
  places: ['exit-code', 'log-crash', 'exit-only'],
  detect(clues) {
    const t = clues.termination;
    if (t === undefined || t.reason === 'OOMKilled' || t.reason === 'StartError' || t.reason === 'ContainerStatusUnknown') return [];
    // The runtime recorded a kill signal the exit code does not show (a wrapper or a handler exited 1
    // after SIGKILL / SIGTERM): the signal is what ended it.
    if (t.exitCode > 0 && t.exitCode < 128 && t.signal === 15) return [signalVerdict(clues, 143)];
    if (hiddenSigkill(clues) !== undefined) return [signalVerdict(clues, 137)];
    switch (t.exitCode) {
      case 0:
        return [exitZero(clues)];
      case 126:
      case 127: {
        // The dynamic loader exits 127 when a shared library is missing: that is the image's content, not the command.
        if (t.exitCode === 127 && clues.signatures.some((s) => s.kind === 'missing-shared-library')) return [];
        const shell = clues.signatures.find((s) => s.kind === 'exec-error');
        const path = shell?.path;
        const problem = shell !== undefined && parseCrlf(shell.text) !== undefined ? 'crlf' : t.exitCode === 126 ? 'not-executable' : 'not-found';
        return [
          entrypointVerdict(clues, { problem, ...(path === undefined ? {} : { path }) }, 'exit-code', [
            ...statusLine(clues),
            ...(shell === undefined ? [] : [{ source: 'logs' as const, text: shell.text }]),
          ]),
        ];
      }
      case 137:
      case 143:
        return [signalVerdict(clues, t.exitCode)];
      case 139:
        return [
          {
            id: 'segfault',
            place: 'exit-code',
            confidence: 'high',
            title: 'Segmentation fault (exit 139, SIGSEGV)',
            summary: `${who(clues)} crashed with SIGSEGV: invalid memory access in native code (the program, a native library or extension, or a libc mismatch in the image).`,
            evidence: [...statusLine(clues), ...crashVerdict(clues, 'exit-only').evidence.filter((e) => e.source === 'logs')],
            fix: { kind: 'app-bug', ...(clues.primary === undefined ? {} : { signature: clues.primary }) },
          },
        ];
      default: {
        return [crashVerdict(clues, clues.primary === undefined ? 'exit-only' : 'log-crash')];
      }
    }
  },
};

/**
 * Unreadable events lower every verdict below a probe kill: a probe kill, had it been visible, would
 * have outranked it (what could not be read lowers confidence).
 */
export function withProblems(clues: Clues, v: Verdict): Verdict {
  if (hasProblem(clues, 'events') && placeRank(v.place) > placeRank('probe-failures') && v.confidence !== 'low')
    return { ...v, confidence: lower(v.confidence) };
  return v;
}
