/**
 * Remedies for a `$(VAR)` the kubelet left unexpanded (rules/env-ref-rule.ts): move the entry that
 * defines the variable above the one that refers to it, as a JSON patch that first tests both names
 * (so it never reorders a list someone changed since), or define the variable before it. No value
 * is read or printed: the order of names is what decides.
 */
import type { Remedy } from '../document.ts';
import { shq } from '../shell.ts';
import type { Fix } from '../verdict.ts';
import { containerPointer, jsonPatch, ns, replaceSteps, type Workload } from './workload.ts';

export function envOrderRemedies(w: Workload, fix: Extract<Fix, { kind: 'env-order' }>): Remedy[] {
  const env = `${containerPointer(w)}/env`;
  const list = `{.spec${w.bare ? '' : '.template.spec'}.${w.init ? 'initContainers' : 'containers'}[?(@.name=="${w.container}")].env[*].name}`;
  const order: Remedy = {
    kind: 'diagnostic',
    title: `See the order of the env entries (names only): ${fix.ref} must come before ${fix.env}`,
    commands: [`kubectl get ${w.ref} ${ns(w)} -o jsonpath=${shq(list)}`],
  };
  if (fix.definedAt === undefined) {
    return [
      {
        kind: 'remedy',
        title: `Define ${fix.ref} in the env list above ${fix.env} (from the Secret or ConfigMap that holds it), or write the value into ${fix.env} itself`,
        commands: replaceSteps(
          w,
          `add an env entry named ${fix.ref} (valueFrom: secretKeyRef or configMapKeyRef) above ${fix.env} in container ${w.container}`,
        ),
      },
      order,
    ];
  }
  const patch = [
    { op: 'test', path: `${env}/${fix.index}/name`, value: fix.env },
    { op: 'test', path: `${env}/${fix.definedAt}/name`, value: fix.ref },
    { op: 'move', from: `${env}/${fix.definedAt}`, path: `${env}/${fix.index}` },
  ];
  return [
    {
      kind: 'remedy',
      title: `Move ${fix.ref} above ${fix.env} in the env list, so the kubelet expands $(${fix.ref}) (the Secret is not the problem)`,
      commands: w.patchable ? [jsonPatch(w, patch)] : replaceSteps(w, `move the env entry ${fix.ref} above ${fix.env} in container ${w.container}`),
    },
    order,
  ];
}
