/**
 * A shell trace (`set -x`) whose failing command creates an iptables chain (`iptables -t nat -N X`)
 * that already exists: the script ran before in this pod's network namespace, and its first run's
 * rules are still there. An init container runs again in the same pod when the node removed its
 * exited container (istio/istio#4585) or the pod's containers were restarted (istio/istio#21030);
 * a script that is not idempotent then fails for ever in that pod. A new pod gets a fresh network
 * namespace, where the script runs once: deleting the pod (its controller makes the new one) ends
 * the loop. For istio-init the lasting fix is Istio's CNI plugin, which sets the rules from the
 * node instead of an init container in the pod.
 */
import type { Clues } from '../clues.ts';
import type { Remedy } from '../document.ts';
import type { LogSignature } from '../log-signature-types.ts';
import { shq } from '../shell.ts';
import { ns, podGone, type Workload } from './workload.ts';

/** `iptables … -N CHAIN` (or `--new-chain`) answered `Chain already exists`: the chain name, else undefined. */
export function existingChain(sig: LogSignature | undefined): string | undefined {
  if (sig?.command === undefined || !/Chain already exists/i.test(sig.text)) return undefined;
  return /\bip6?tables(?:-legacy|-nft)?\b.*?\s(?:-N|--new-chain)\s+(\S+)/.exec(sig.command)?.[1];
}

export function tracedRemedies(clues: Clues, w: Workload, sig: LogSignature | undefined): Remedy[] {
  const chain = existingChain(sig);
  // The pod must still be there to be replaced (a 404 means its controller already did).
  if (chain === undefined || clues.podName === '' || podGone(clues)) return [];
  const out: Remedy[] = [
    {
      kind: 'remedy',
      title: `Replace the pod: chain ${chain} is left from an earlier run in its network namespace, and a new pod starts with a fresh one`,
      // A bare pod has no controller to make the new one: it is recreated from its own manifest.
      commands: w.bare
        ? [
            `kubectl get pod ${shq(clues.podName)} ${ns(w)} -o yaml > ${shq(`${clues.podName}.yaml`)}`,
            `kubectl replace --force -f ${shq(`${clues.podName}.yaml`)}`,
          ]
        : [`kubectl delete pod ${shq(clues.podName)} ${ns(w)}`],
    },
  ];
  if (/istio/.test(`${w.container} ${clues.container?.image ?? ''}`))
    out.push({
      kind: 'remedy',
      title: "So that it does not come back: Istio's CNI plugin sets the rules from the node, with no istio-init in the pod",
      commands: ['istioctl install --set components.cni.enabled=true'],
    });
  return out;
}
