/**
 * Alertmanager matchers as data: the shape of its v2 API's `matcher` (name, value, isRegex, isEqual),
 * which a silence is created with, and their text form (`{name="value", …}`) for the web UI's filter.
 * Pure.
 */
import type { DiagnosisDocument } from '../diagnosis/document.ts';

export interface Matcher {
  name: string;
  value: string;
  /** `=~` / `!~`: value is a regular expression (RE2, anchored by Alertmanager). */
  isRegex: boolean;
  /** `=` / `=~` when true, `!=` / `!~` when false. */
  isEqual: boolean;
}

/** `name="value"`: the matcher Alertmanager shows as `name=value`. */
export function equal(name: string, value: string): Matcher {
  return { name, value, isRegex: false, isEqual: true };
}

/**
 * The matchers that select this pod's alert: alertname, namespace and pod, taken from the alert's own
 * labels when present so that a silence or a filter matches exactly what fired.
 */
export function podAlertMatchers(doc: DiagnosisDocument): Matcher[] {
  const labels = doc.alert.labels;
  return [
    equal('alertname', labels['alertname'] ?? doc.alert.name),
    equal('namespace', labels['namespace'] ?? doc.target.namespace),
    equal('pod', labels['pod'] ?? doc.target.pod),
  ];
}

function operator(matcher: Matcher): string {
  return `${matcher.isEqual ? '=' : '!'}${matcher.isRegex ? '~' : matcher.isEqual ? '' : '='}`;
}

/** A value in Alertmanager's matcher syntax: quoted, with `"` and `\` escaped. */
function quoted(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** `{alertname="X", namespace="y", pod="z"}`: the matcher syntax Alertmanager's UI and amtool read. */
export function matchersText(matchers: readonly Matcher[]): string {
  return `{${matchers.map((m) => `${m.name}${operator(m)}${quoted(m.value)}`).join(', ')}}`;
}
