/**
 * What the doctor says (`Finding`, each with its verdict and the commands that fix it), and what its
 * judgements share: the finding for what could not be read, the overlay that installs the monitoring
 * objects, and how an object is named in the findings.
 */
import type { ObjectMeta, ReadFailure } from './cluster-view.ts';

/** drops: alerts are lost; warns: alerts arrive, something else is off; check: only a person can tell; unknown: could not be read. */
export type Verdict = 'drops' | 'warns' | 'check' | 'ok' | 'unknown';

export interface Finding {
  verdict: Verdict;
  /** What it is about, e.g. `Alertmanager monitoring/kube-prometheus-stack-alertmanager`. */
  subject: string;
  /** What is the case and what it does to the alerts, in a sentence or two. */
  says: string;
  /** Commands that fix it (or check it), in order. */
  fix: string[];
}

export const OVERLAY_APPLY = 'kubectl apply -k overlays/kube-prometheus-stack/   # from a clone of crashtriage; set params.yaml first';
export const id = (m: ObjectMeta): string => `${m.namespace ?? ''}/${m.name}`;

export function unreadable(subject: string, why: ReadFailure, need: string): Finding {
  const says =
    why.kind === 'forbidden'
      ? `Could not read ${subject}: ${why.message}. Ask for "${need}", or run the doctor with credentials that have it.`
      : why.kind === 'not-served'
        ? `Could not read ${subject}: the API server does not serve them (their CRD is not installed).`
        : `Could not read ${subject}: ${why.message}.`;
  return { verdict: 'unknown', subject, says, fix: why.kind === 'forbidden' ? [`kubectl auth can-i ${need}`] : [] };
}
