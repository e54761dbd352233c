/**
 * The message's links: Alertmanager's alert list and its "new silence" form filtered to this pod's
 * alert, the alert's Prometheus source and its runbook. Only http(s) URLs are linked. Pure.
 */
import { matchersText, podAlertMatchers } from '../alertmanager/matchers.ts';
import type { DiagnosisDocument } from '../diagnosis/document.ts';
import { safeHttpUrl } from './text.ts';

export interface Link {
  text: string;
  url: string;
}

/**
 * Alertmanager's "new silence" form, pre-filled for this pod's alert. Uses the alert's own labels
 * when present so the silence matches exactly what fired.
 */
export function silenceUrl(doc: DiagnosisDocument, externalURL: string): string | undefined {
  const base = safeHttpUrl(externalURL);
  if (base === undefined) return undefined;
  return `${base.replace(/\/+$/, '')}/#/silences/new?filter=${encodeURIComponent(matchersText(podAlertMatchers(doc)))}`;
}

/** Alertmanager's alert list filtered to this pod's alert. */
export function alertmanagerUrl(doc: DiagnosisDocument, externalURL: string): string | undefined {
  const base = safeHttpUrl(externalURL);
  if (base === undefined) return undefined;
  return `${base.replace(/\/+$/, '')}/#/alerts?filter=${encodeURIComponent(matchersText(podAlertMatchers(doc)))}`;
}

export function links(doc: DiagnosisDocument, externalURL: string): Link[] {
  const out: Link[] = [];
  const am = alertmanagerUrl(doc, externalURL);
  if (am !== undefined) out.push({ text: 'Alertmanager', url: am });
  const source = safeHttpUrl(doc.alert.generatorURL);
  if (source !== undefined) out.push({ text: 'Prometheus', url: source });
  const runbook = safeHttpUrl(doc.alert.annotations['runbook_url']);
  if (runbook !== undefined) out.push({ text: 'Runbook', url: runbook });
  const silence = silenceUrl(doc, externalURL);
  if (silence !== undefined && doc.status === 'firing') out.push({ text: 'Silence', url: silence });
  return out;
}
