/**
 * The Kubernetes API refused the app's service account (k8s.io/apiserver's RBAC message): the fix is a
 * Role (or ClusterRole) and its binding that grant what the log shows refused, then a restart.
 */
import type { Clues } from '../clues.ts';
import type { EvidenceLine, Remedy } from '../document.ts';
import { parseForbidden } from '../log-matchers-access.ts';
import type { ForbiddenAccess } from '../log-signature-types.ts';
import { dnsName, ns, patchContainer, restart, type Workload } from '../remedies/workload.ts';
import { appVerdict } from '../rules/app-verdict.ts';
import { shq } from '../shell.ts';
import { type SubCauseMatch, subCause } from './sub-cause.ts';

const refusal = (line: string): SubCauseMatch | undefined => {
  const forbidden = parseForbidden(line);
  return forbidden === undefined ? undefined : { text: line, forbidden };
};

/** `sa` from `system:serviceaccount:ns:sa`; the whole user otherwise. */
function shortUser(user: string): string {
  return /^system:serviceaccount:[^:]+:(.+)$/.exec(user)?.[1] ?? user;
}

function accessKey(a: ForbiddenAccess): string {
  return `${a.user}|${a.verb}|${a.resource}|${a.group}|${a.namespace ?? ''}`;
}

/** `pods` or `deployments.apps`: the form `kubectl auth can-i` and `kubectl create role` read. */
function resourceRef(a: ForbiddenAccess): string {
  const [resource = a.resource, sub] = a.resource.split('/');
  const qualified = a.group === '' ? resource : `${resource}.${a.group}`;
  return sub === undefined ? qualified : `${qualified}/${sub}`;
}

/** The plan: every refused access the log shows, one of each. */
interface RbacPlan {
  access: ForbiddenAccess[];
}

/** Also for a crash whose log shows the refusal (remedies/crash.ts). */
export function rbacRemedies(clues: Clues, w: Workload, fix: RbacPlan): Remedy[] {
  const checks = fix.access.map(
    (a) =>
      `kubectl auth can-i ${a.verb} ${shq(resourceRef(a))} --as=${shq(a.user)} ${a.namespace === undefined ? '--all-namespaces' : `-n ${shq(a.namespace)}`}`,
  );
  const out: Remedy[] = [];
  // One Role per user and scope: the verbs and resources the log shows refused (list also needs watch for informers).
  const groups = new Map<string, ForbiddenAccess[]>();
  for (const a of fix.access) groups.set(`${a.user}|${a.namespace ?? ''}`, [...(groups.get(`${a.user}|${a.namespace ?? ''}`) ?? []), a]);
  const grants: string[] = [];
  for (const list of groups.values()) {
    const first = list[0];
    if (first === undefined) continue;
    const sa = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(first.user);
    const subject = sa === null ? `--user=${shq(first.user)}` : `--serviceaccount=${shq(`${sa[1]}:${sa[2]}`)}`;
    const verbs = new Set(list.map((a) => a.verb));
    if (verbs.has('list')) verbs.add('watch');
    const resources = [...new Set(list.map(resourceRef))];
    const name = dnsName(sa?.[2] ?? first.user, 'access');
    const spec = `--verb=${[...verbs].join(',')} --resource=${shq(resources.join(','))}`;
    if (first.namespace === undefined) {
      grants.push(`kubectl create clusterrole ${name} ${spec}`, `kubectl create clusterrolebinding ${name} --clusterrole=${name} ${subject}`);
    } else {
      const where = `-n ${shq(first.namespace)}`;
      grants.push(`kubectl create role ${name} ${where} ${spec}`, `kubectl create rolebinding ${name} ${where} --role=${name} ${subject}`);
    }
  }
  out.push({
    kind: 'remedy',
    title: `Grant ${[...new Set(fix.access.map((a) => `${a.verb} ${resourceRef(a)}`))].join(', ')}${fix.access.some((a) => a.verb === 'list') ? ' (and watch, which informers need with list)' : ''}, then restart`,
    commands: [...grants, ...restart(w)],
  });
  out.push({ kind: 'diagnostic', title: `Confirm what ${fix.access[0]?.user ?? 'the service account'} may do (yes after the grant)`, commands: checks });
  if (clues.pod?.serviceAccountName === undefined)
    out.push({
      kind: 'remedy',
      title: 'The pod runs as the namespace default service account: give the app its own and grant that instead',
      commands: [`kubectl create serviceaccount ${dnsName(w.name)} ${ns(w)}`, ...patchContainer(w, {}, { serviceAccountName: dnsName(w.name) })],
    });
  return out;
}

export const apiForbidden = subCause({
  id: 'api-forbidden',
  signature: {
    ranksAfter: 'exec-error',
    place: 'log-cause',
    decidesAtWarning: true,
    means: "the Kubernetes API refused the app's service account; `forbidden` holds who and what",
  },
  matcher: refusal,
  rule: 'app-api-forbidden',
  detect(clues, sig, fix) {
    if (sig.forbidden === undefined) return [];
    const seen = new Map<string, ForbiddenAccess>();
    for (const s of clues.signatures) if (s.forbidden !== undefined) seen.set(accessKey(s.forbidden), s.forbidden);
    const access = [...seen.values()];
    const f = sig.forbidden;
    const what = `${f.verb} ${f.resource}${f.group === '' ? '' : ` in API group ${f.group}`}`;
    const sa = clues.pod?.serviceAccountName ?? 'default';
    const spec: EvidenceLine = {
      source: 'spec',
      text: `serviceAccountName: ${sa}${clues.pod?.serviceAccountName === undefined ? ' (none set: the namespace default)' : ''}`,
    };
    const more = access.length > 1 ? `; ${access.length} refused permissions in the log` : '';
    return [
      appVerdict(
        clues,
        'api-forbidden',
        `Forbidden: ${shortUser(f.user)} cannot ${f.verb} ${f.resource}`,
        `the Kubernetes API refuses its service account: ${f.user} may not ${what}${f.namespace === undefined ? ' at the cluster scope' : ` in namespace ${f.namespace}`}${more}`,
        sig,
        [spec],
        fix({ access }),
      ),
    ];
  },
  remedies: rbacRemedies,
  words: 'its service account lacks an RBAC permission',
});
