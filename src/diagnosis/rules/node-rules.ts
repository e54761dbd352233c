/**
 * A SIGKILL that the runtime did not record as OOMKilled, outside a deletion and without probe
 * failures, may come from the node: the kernel's OOM killer acting for the whole node (the container
 * was under its own limit), or the kubelet under pressure. The node is read once for such kills
 * (src/kube/gather-evidence.ts); its pressure conditions are the proof, and the node's kernel log
 * (`dmesg`) is the check.
 */
import type { Clues } from '../clues.ts';
import { isSigkill, nodeLines, pressureOn } from './pod-lifecycle-rules.ts';
import { memoryLimit, noProbeKillLine, type Rule, statusLine, who } from './rule.ts';

export const nodeKill: Rule = {
  id: 'node-sigkill',
  places: ['node-record'],
  detect(clues: Clues) {
    const t = clues.termination;
    const node = clues.evidence.node;
    if (t === undefined || node === undefined || !isSigkill(t) || t.reason === 'OOMKilled' || clues.pod?.deletionTimestamp !== undefined) return [];
    const pressure = pressureOn(node);
    const memory = pressure.includes('MemoryPressure');
    const limit = memoryLimit(clues);
    const summary = memory
      ? `${who(clues)} was killed by SIGKILL without an OOMKilled record while node ${node.name} reports MemoryPressure: most likely the kernel's OOM killer acting for the whole node${limit === undefined ? ' (the container has no memory limit of its own)' : ` rather than at the container's ${limit} limit`}. The node's kernel log names the process it killed.`
      : pressure.length > 0
        ? `${who(clues)} was killed by SIGKILL without an OOMKilled record while node ${node.name} reports ${pressure.join(' and ')}: the node was short of resources when it died. The node's kernel log says whether the kernel killed it.`
        : `${who(clues)} was killed by SIGKILL without an OOMKilled record or probe failures, and node ${node.name} reports no memory, disk or PID pressure now: an OOM kill the runtime did not record (check the node's kernel log), a timeout wrapper or supervisor, or a process that sent kill -9.`;
    return [
      {
        id: 'sigkill',
        ...(memory ? { detail: 'node-memory-pressure' } : {}),
        place: 'node-record',
        confidence: 'medium',
        title: memory ? `SIGKILL under node MemoryPressure (exit ${t.exitCode})` : `Killed by SIGKILL (exit ${t.exitCode}), not OOMKilled`,
        summary,
        evidence: [...statusLine(clues), ...nodeLines(node), noProbeKillLine(clues)],
        fix: { kind: 'node-pressure', pressure },
      },
    ];
  },
};
