/**
 * Kubernetes service-link variables collide with the app's own settings: the kubelet sets
 * `NAME_PORT=tcp://IP:PORT` for every Service `name` in the namespace (the docker-links style), and an
 * app that reads `NAME_PORT` as its own setting fails to parse it. The fix is enableServiceLinks:
 * false on the pod (DNS names keep working).
 */
import type { Clues } from '../clues.ts';
import type { EvidenceLine, Remedy } from '../document.ts';
import { ns, patchContainer, type Workload } from '../remedies/workload.ts';
import { appVerdict } from '../rules/app-verdict.ts';
import { shq } from '../shell.ts';
import { type SubCauseMatch, subCause } from './sub-cause.ts';

/**
 * A service-link value where the app expects its own setting: the kubelet sets `FOO_PORT=tcp://IP:PORT`
 * for every Service `foo` in the namespace, and an app reading `FOO_PORT` as a number fails to parse it.
 */
const serviceLinkValue = (line: string): SubCauseMatch | undefined => {
  const m = /tcp:\/\/\d{1,3}(?:\.\d{1,3}){3}:(\d+)/.exec(line);
  if (
    m === null ||
    !/[Ii]nvalid|parse|error|Error|cannot|unable|bad|expected|Received|NumberFormatException|not a valid|too many colons|input_value/.test(line)
  )
    return undefined;
  const name = /\b([A-Z][A-Z0-9_]*_(?:PORT|HOST|ADDR|SERVICE_HOST|SERVICE_PORT))\b/.exec(line)?.[1];
  return { text: line, port: Number(m[1]), ...(name === undefined ? {} : { name }) };
};

/** The plan: the variable that collides and the Service it is named for, when the line names it. */
interface ServiceLinkPlan {
  name?: string;
  service?: string;
}

export const serviceLinkCollision = subCause({
  id: 'service-link-collision',
  signature: {
    ranksAfter: 'missing-env',
    place: 'log-cause',
    decidesAtWarning: true,
    means: 'a Kubernetes service-link value (tcp://IP:PORT) where the app expects its own setting; `port` holds it, `name` the variable when named',
  },
  matcher: serviceLinkValue,
  rule: 'app-service-link-collision',
  detect(clues, sig, fix) {
    if (clues.pod?.enableServiceLinks === false) return [];
    const name = sig.name;
    const setInSpec = name !== undefined && clues.container?.env.some((e) => e.name === name) === true;
    const service =
      name === undefined
        ? undefined
        : name
            .replace(/_(?:SERVICE_)?(?:PORT|HOST|ADDR|SERVICE_PORT)$/, '')
            .toLowerCase()
            .replaceAll('_', '-');
    const spec: EvidenceLine = {
      source: 'spec',
      text:
        name === undefined
          ? 'enableServiceLinks is not set to false: the kubelet sets NAME_PORT=tcp://IP:PORT for every Service in the namespace (enableServiceLinks defaults to true)'
          : `${name} is ${setInSpec ? 'set in the pod spec too' : 'not set in the pod spec'}: the kubelet sets it for Service ${service ?? ''} (enableServiceLinks defaults to true)`,
    };
    return [
      appVerdict(
        clues,
        'service-link-collision',
        name === undefined ? `Service-link value tcp://…:${sig.port ?? ''} in a setting` : `Service-link variable ${name} collides`,
        `a Kubernetes service-link value (tcp://IP:${sig.port ?? 'PORT'}) reached a setting the app reads as its own`,
        sig,
        [spec],
        fix({ ...(name === undefined ? {} : { name }), ...(service === undefined ? {} : { service }) }),
      ),
    ];
  },
  remedies(_clues: Clues, w: Workload, fix: ServiceLinkPlan): Remedy[] {
    return [
      {
        kind: 'remedy',
        title: `Turn the kubelet's service-link variables off for this pod (enableServiceLinks: false; DNS names keep working)`,
        commands: patchContainer(w, {}, { enableServiceLinks: false }),
      },
      ...(fix.service === undefined
        ? []
        : [
            {
              kind: 'diagnostic' as const,
              title: `The Service whose link variable ${fix.name ?? ''} collides`,
              commands: [`kubectl get service ${shq(fix.service)} ${ns(w)}`],
            },
          ]),
    ];
  },
  words: 'Kubernetes service-link variables collide with its settings',
});
