/**
 * The kernel's own record of an OOM kill, where the evidence carries it: `Killed process 4242 (java)
 * total-vm:…kB, anon-rss:15728640kB, file-rss:…kB` (mm/oom_kill.c in Linux; node-problem-detector
 * turns it into an OOMKilling event, config/kernel-monitor.json:
 * https://github.com/kubernetes/node-problem-detector). anon-rss is what the process really held:
 * a limit below it only moves the kill from the node into the container.
 */
import type { Clues } from './clues.ts';

const KILLED = /Killed process (\d+) \(([^)]+)\) total-vm:(\d+)kB, anon-rss:(\d+)kB/;

export interface KernelOomKill {
  process: string;
  anonRssBytes: number;
  /** The kernel's line, as quoted. */
  text: string;
}

/** The kernel's OOM line in the pod's events, the termination message or the log, when one is there. */
export function kernelOomKill(clues: Clues): KernelOomKill | undefined {
  const texts = [...clues.evidence.events.map((e) => e.message), clues.termination?.message ?? '', ...(clues.log?.lines ?? [])];
  for (const text of texts) {
    const m = KILLED.exec(text);
    if (m?.[2] !== undefined && m[4] !== undefined) return { process: m[2], anonRssBytes: Number(m[4]) * 1024, text: m[0] };
  }
  return undefined;
}
