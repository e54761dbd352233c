/** Turns a verdict's fix plan into commands with the real names (exhaustive over Fix kinds; a sub-cause's plan brings its own, sub-causes/). */

import type { Clues } from '../clues.ts';
import type { Remedy } from '../document.ts';
import { shq } from '../shell.ts';
import type { Verdict } from '../verdict.ts';
import { missingEnvRemedies, missingFileRemedies, missingObjectRemedies } from './config.ts';
import { configFileKeyRemedies } from './config-file-key.ts';
import { envOrderRemedies } from './env-order.ts';
import { imageRemedies } from './image.ts';
import { imageContentRemedies } from './image-content.ts';
import { goMemLimitRemedy, heapFlagRemedies, memoryLimitRemedies, runtimeHeapRemedies } from './memory.ts';
import { mountHidesRemedies } from './mount-hides.ts';
import { readableNode } from './node.ts';
import { deadlineRemedies, evictionRemedies, gracePeriodRemedies, nodeGoneRemedies, podDeletedRemedies } from './pod.ts';
import { initWaitingRemedies, sandboxRemedies, volumeRemedies } from './pod-setup.ts';
import { probeRemedies } from './probe.ts';
import { appBugRemedies, entrypointRemedies, runToCompletionRemedies, sidecarRemedies } from './program.ts';
import { scheduleRemedies } from './schedule.ts';
import { nodePressureRemedies, signalRemedies } from './signal.ts';
import { logsCommand, ns, patchContainer, podGone, type Workload, workloadOf } from './workload.ts';

/**
 * For each missing permission: `kubectl auth can-i` as the user the 403 named, and the Role and
 * RoleBinding that grant it when that user is a service account.
 */
function investigate(clues: Clues, w: Workload): Remedy[] {
  const missing = clues.evidence.problems.flatMap((p) =>
    p.missingPermission === undefined ? [] : [{ perm: p.missingPermission, user: /User "([^"]+)"/.exec(p.message)?.[1] }],
  );
  const checks = missing.map(({ perm, user }) => {
    const [verb = 'get', resource = 'pods'] = perm.split(' ');
    return `kubectl auth can-i ${shq(verb)} ${shq(resource)} -n ${shq(w.namespace)}${user === undefined ? '' : ` --as=${shq(user)}`}`;
  });
  const sa = missing.map((m) => /^system:serviceaccount:([^:]+):([^:]+)$/.exec(m.user ?? '')).find((m) => m !== null);
  const verbs = [...new Set(missing.map((m) => m.perm.split(' ')[0] ?? 'get'))].join(',');
  const resources = [...new Set(missing.map((m) => m.perm.split(' ')[1] ?? 'pods'))].join(',');
  if (sa?.[1] !== undefined && sa[2] !== undefined) {
    checks.push(
      `kubectl create role crashtriage-read -n ${shq(w.namespace)} --verb=${shq(verbs)} --resource=${shq(resources)}`,
      `kubectl create rolebinding crashtriage-read -n ${shq(w.namespace)} --role=crashtriage-read --serviceaccount=${shq(`${sa[1]}:${sa[2]}`)}`,
    );
  }
  const out: Remedy[] = [];
  if (checks.length > 0)
    out.push({
      kind: 'diagnostic',
      title: `Grant the missing read permission (${missing.map((m) => m.perm).join(', ')}), then re-run the diagnosis`,
      commands: checks,
    });
  if (clues.podName !== '' && w.namespace !== '') {
    const node = readableNode(clues);
    out.push({
      kind: 'diagnostic',
      title: 'Collect what decides it by hand',
      commands: podGone(clues)
        ? [
            // The pod was replaced: its events outlive it (an hour by default); its successors share its name up to the last dash.
            `kubectl get events ${ns(w)} --field-selector involvedObject.name=${shq(clues.podName)}`,
            `kubectl get pods ${ns(w)} -o wide | grep -F ${shq(clues.podName.replace(/-[^-]+$/, '-'))}`,
          ]
        : [
            `kubectl describe pod ${shq(clues.podName)} ${ns(w)}`,
            ...(clues.containerName === '' ? [] : logsCommand(clues, w)),
            ...(node === undefined ? [] : [`kubectl describe node ${shq(node)}`]),
            `kubectl get events ${ns(w)} --sort-by=.metadata.creationTimestamp`,
          ],
    });
  }
  return out;
}

export function remediesFor(verdict: Verdict, clues: Clues): Remedy[] {
  const w = workloadOf(clues);
  const fix = verdict.fix;
  switch (fix.kind) {
    case 'memory-limit': {
      const go = goMemLimitRemedy(clues, w);
      return [...memoryLimitRemedies(clues, w), ...(go === undefined ? [] : [go])];
    }
    case 'heap-flag':
      return heapFlagRemedies(clues, w, fix);
    case 'runtime-heap':
      return runtimeHeapRemedies(clues, w, fix.runtime);
    case 'missing-object':
      return missingObjectRemedies(clues, w, fix);
    case 'missing-env':
      return missingEnvRemedies(clues, w, fix.name, fix.similar);
    case 'missing-file':
      return missingFileRemedies(clues, w, fix.path);
    case 'probe':
      return probeRemedies(clues, w, fix);
    case 'entrypoint':
      return entrypointRemedies(clues, w, fix);
    case 'run-to-completion':
      return runToCompletionRemedies(clues, w);
    case 'sidecar-exits':
      return sidecarRemedies(clues, w);
    case 'app-bug':
      return appBugRemedies(clues, w, fix, verdict.id === 'segfault');
    case 'signal':
      return signalRemedies(clues, w, fix.signal);
    case 'image':
      return imageRemedies(clues, w, fix.problem, fix.image);
    case 'security-context':
      return [
        {
          kind: 'remedy',
          title: 'Run as a non-root user the image supports (or use an image built to run as non-root)',
          commands: patchContainer(w, { securityContext: { runAsNonRoot: true, runAsUser: 10001 } }),
        },
      ];
    case 'not-a-loop':
      return [
        {
          kind: 'diagnostic',
          title: 'Check the workload status; the crash loop, if any, is another container or an earlier run',
          commands: [`kubectl get ${w.ref} ${ns(w)}`, `kubectl describe pod ${shq(clues.podName)} ${ns(w)}`],
        },
      ];
    case 'investigate':
      return investigate(clues, w);
    case 'pod-deleted':
      return podDeletedRemedies(clues, w);
    case 'grace-period':
      return gracePeriodRemedies(w, fix.seconds);
    case 'eviction':
      return evictionRemedies(clues, w, fix);
    case 'node-pressure':
      return nodePressureRemedies(clues, w, fix.pressure);
    case 'deadline':
      return deadlineRemedies(w, fix.seconds);
    case 'node-gone':
      return nodeGoneRemedies(clues, w, fix.how);
    case 'schedule':
      return scheduleRemedies(clues, w, fix);
    case 'volume':
      return volumeRemedies(clues, w, fix);
    case 'sandbox':
      return sandboxRemedies(clues, w, fix);
    case 'init-waiting':
      return initWaitingRemedies(clues, w, fix.waitsFor);
    case 'mount-hides-files':
      return mountHidesRemedies(clues, w, fix);
    case 'config-file-key':
      return configFileKeyRemedies(w, fix);
    case 'image-content':
      return imageContentRemedies(clues, w, fix);
    case 'sub-cause':
      return fix.remedies(clues, w);
    case 'env-order':
      return envOrderRemedies(w, fix);
    /* v8 ignore start -- exhaustive: unreachable while the union is covered */
    default: {
      const never: never = fix;
      return never;
    }
    /* v8 ignore stop */
  }
}
