/**
 * Bad entrypoint: exit 127/126, StartError 128 with runc's exec error, or
 * runc's `exec /app/run: exec format error` on the container's stderr with exit 255
 * (https://github.com/opencontainers/runc/blob/main/libcontainer/init_linux.go).
 */
import type { Clues } from '../clues.ts';
import type { EvidenceLine } from '../document.ts';
import type { ExecFailure } from '../kube-messages.ts';
import type { Place } from '../precedence.ts';
import type { Verdict } from '../verdict.ts';
import { who } from './rule.ts';

const WHY: Record<ExecFailure['problem'], string> = {
  'not-found': 'the command does not exist in the image (or is not on $PATH)',
  'not-executable': 'the command exists but is not executable (permissions, or a directory)',
  'exec-format': 'the binary cannot run on this node: built for another CPU architecture, or a script without a #! line',
  'no-command': 'neither the pod spec nor the image defines a command to run',
  crlf: 'the script has CRLF (Windows) line endings, so the kernel and the shell read a carriage return as part of the interpreter or command name (#!/bin/sh becomes /bin/sh\\r)',
};

/** The command line the pod spec sets, for the proof. */
export function commandLine(clues: Clues): EvidenceLine[] {
  const c = clues.container;
  if (c === undefined) return [];
  if (c.command.length === 0 && c.args.length === 0) return [{ source: 'spec', text: 'command/args not set: the image ENTRYPOINT/CMD runs' }];
  const parts = [];
  if (c.command.length > 0) parts.push(`command ${JSON.stringify(c.command)}`);
  if (c.args.length > 0) parts.push(`args ${JSON.stringify(c.args)}`);
  return [{ source: 'spec', text: `${parts.join(', ')} (command replaces the image ENTRYPOINT, args its CMD)` }];
}

export function entrypointVerdict(clues: Clues, exec: ExecFailure, place: Place, proof: EvidenceLine[]): Verdict {
  const path = exec.path === undefined ? '' : ` ${exec.path}`;
  return {
    id: 'bad-entrypoint',
    place,
    confidence: 'high',
    title:
      exec.problem === 'exec-format'
        ? `exec format error${path}`
        : exec.problem === 'crlf'
          ? `CRLF line endings in${path || ' the entrypoint script'}`
          : `Cannot run${path || ' the entrypoint'}`,
    summary: `${who(clues)} never starts its program: ${exec.path === undefined ? '' : `${exec.path}: `}${WHY[exec.problem]}.`,
    evidence: [...proof, ...commandLine(clues)],
    fix: { kind: 'entrypoint', problem: exec.problem, ...(exec.path === undefined ? {} : { path: exec.path }) },
  };
}
