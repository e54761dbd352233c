/**
 * A Warning event no rule reads (an admission webhook, a device plugin, a CSI driver, an operator's
 * own reason) is quoted as seen rather than dropped: when no other proof names a cause, it is the
 * best lead there is. It never outranks a cause with proof.
 */
import { eventLine, type Rule, statusLine, waitingLine } from './rule.ts';

/** Event reasons that the other rules read (kubelet, scheduler, volume controllers). */
const KNOWN_REASONS: ReadonlySet<string> = new Set([
  'BackOff',
  'Unhealthy',
  'Killing',
  'Failed',
  'FailedMount',
  'FailedAttachVolume',
  'FailedScheduling',
  'FailedCreatePodSandBox',
  'Evicted',
]);

export const unrecognizedWarning: Rule = {
  id: 'events-unrecognized-warning',
  places: ['unrecognized-event'],
  detect(clues) {
    const unknown = clues.recent.filter((e) => e.type === 'Warning' && !KNOWN_REASONS.has(e.reason));
    const first = unknown[0];
    if (first === undefined) return [];
    return [
      {
        id: 'unknown',
        detail: 'unrecognized-event',
        place: 'unrecognized-event',
        confidence: 'low',
        title: `Warning ${first.reason}`,
        summary: `No known cause matches; the pod has a Warning event the rules do not know, quoted as seen: ${first.reason}: ${first.message.trim()}`,
        evidence: [...statusLine(clues), ...waitingLine(clues), ...unknown.slice(0, 3).map(eventLine)],
        fix: { kind: 'investigate', needs: [`what "${first.reason}" means for this pod (its source: ${first.source ?? 'unknown component'})`] },
      },
    ];
  },
};
