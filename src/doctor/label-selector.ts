/**
 * Kubernetes label selectors as the operator applies them to rules, monitors and AlertmanagerConfigs
 * (metav1.LabelSelector: every matchLabels pair and every matchExpressions term must hold; `{}`
 * selects everything). Whether a MISSING selector means "nothing" or "own namespace only" depends on
 * the field, so callers decide that before asking.
 */
export interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export function selects(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  const pairs = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  return pairs && (selector.matchExpressions ?? []).every((term) => holds(term, labels));
}

function holds(term: LabelSelectorRequirement, labels: Readonly<Record<string, string>>): boolean {
  const value = labels[term.key];
  switch (term.operator) {
    case 'In':
      return value !== undefined && (term.values ?? []).includes(value);
    case 'NotIn':
      return value === undefined || !(term.values ?? []).includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    default:
      // The API server rejects other operators; selecting nothing is the safe reading.
      return false;
  }
}

/** `release=kube-prometheus-stack,team in (a,b)`: a selector as kubectl's `-l` spells it. */
export function selectorText(selector: LabelSelector): string {
  const pairs = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  const terms = (selector.matchExpressions ?? []).map((t) => {
    switch (t.operator) {
      case 'Exists':
        return t.key;
      case 'DoesNotExist':
        return `!${t.key}`;
      default:
        return `${t.key} ${t.operator.toLowerCase()} (${(t.values ?? []).join(',')})`;
    }
  });
  const all = [...pairs, ...terms];
  return all.length === 0 ? '(everything)' : all.join(',');
}
