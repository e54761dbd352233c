/**
 * Which pods a selector-wide `crashtriage diagnose` reports: those with a container that cannot run
 * (a crash waiting reason) or that restarted and is not ready, or restarted within the last hour.
 * A pod that restarted once last week and has run since is not crash-looping.
 */
import type { ContainerFacts, PodFacts } from '../diagnosis/evidence.ts';
import { CRASH_WAITING_REASONS } from './target.ts';

const RECENT_MS = 3600_000;

export function isContainerCrashLooping(container: ContainerFacts, nowMs: number): boolean {
  if (container.state?.kind === 'waiting' && CRASH_WAITING_REASONS.has(container.state.reason)) return true;
  if (container.restartCount === 0) return false;
  if (!container.ready && !container.init) return true;
  const last = container.lastState;
  const finished = last?.kind === 'terminated' && last.finishedAt !== undefined ? Date.parse(last.finishedAt) : Number.NaN;
  return Number.isFinite(finished) && nowMs - finished < RECENT_MS;
}

export function isPodCrashLooping(pod: PodFacts, nowMs: number): boolean {
  return [...pod.initContainers, ...pod.containers].some((c) => isContainerCrashLooping(c, nowMs));
}
