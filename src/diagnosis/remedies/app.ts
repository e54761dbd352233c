/**
 * Remedies for the sub-causes of application crashes (rules/app-rules.ts, rules/app-access-rules.ts): each names what the fix
 * turns on, with the names from the evidence. Values only the user knows (a password, a new image
 * tag) are shell variables with a comment that says what to put in them; nothing is invented.
 */
import type { Clues } from '../clues.ts';
import type { Remedy } from '../document.ts';
import type { ForbiddenAccess } from '../log-signature-types.ts';
import { shq } from '../shell.ts';
import type { Fix } from '../verdict.ts';
import { debugCopy, ns, patchContainer, replaceSteps, restart, type Workload } from './workload.ts';

type FixOf<K extends Fix['kind']> = Extract<Fix, { kind: K }>;

/** `pods` or `deployments.apps`: the form `kubectl auth can-i` and `kubectl create role` read. */
function resourceRef(a: ForbiddenAccess): string {
  const [resource = a.resource, sub] = a.resource.split('/');
  const qualified = a.group === '' ? resource : `${resource}.${a.group}`;
  return sub === undefined ? qualified : `${qualified}/${sub}`;
}

/** A DNS-1123 name from parts. */
export function dnsName(...parts: string[]): string {
  return (
    parts
      .join('-')
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/-+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 63)
      .replace(/-$/, '') || 'app'
  );
}

export function rbacRemedies(clues: Clues, w: Workload, fix: FixOf<'rbac'>): Remedy[] {
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

export function writablePathRemedies(clues: Clues, w: Workload, fix: FixOf<'writable-path'>): Remedy[] {
  if (fix.projected !== undefined) {
    return [
      {
        kind: 'remedy',
        title: `Volume ${fix.projected} is read-only by design: mount it elsewhere and copy its files into a writable emptyDir at ${fix.dir} in an init container`,
        commands: replaceSteps(
          w,
          `mount volume ${fix.projected} at ${fix.dir}-ro; add an emptyDir volume mounted at ${fix.dir}; add an initContainer that runs cp ${fix.dir}-ro/* ${fix.dir}/ with both mounts`,
        ),
      },
    ];
  }
  const volume = dnsName('writable', fix.dir === '/' ? 'root' : fix.dir);
  return [
    {
      kind: 'remedy',
      title: `Give ${fix.dir} a writable emptyDir (the root filesystem stays read-only)`,
      commands: [...patchContainer(w, { volumeMounts: [{ name: volume, mountPath: fix.dir }] }, { volumes: [{ name: volume, emptyDir: {} }] })],
    },
    {
      kind: 'diagnostic',
      title: `Check what else the app writes outside its volumes (each such path needs an emptyDir too)`,
      commands: debugCopy(clues.podName, w, `touch ${fix.path} ; ls -la ${fix.dir}`),
    },
  ];
}

export function fsPermissionRemedies(clues: Clues, w: Workload, fix: FixOf<'fs-permission-denied'>): Remedy[] {
  const user = clues.container?.securityContext?.runAsUser ?? clues.pod?.securityContext?.runAsUser;
  const group = clues.container?.securityContext?.runAsGroup ?? user;
  const out: Remedy[] = [];
  const inspect: Remedy = {
    kind: 'diagnostic',
    title: `See who owns ${fix.path} and who the process runs as`,
    commands: debugCopy(clues.podName, w, `id ; ls -ln ${fix.mountPath ?? fix.path.slice(0, fix.path.lastIndexOf('/') + 1)}`),
  };
  if (fix.volume !== undefined && fix.volumeKind !== 'hostPath') {
    const fsGroup = group ?? 1000;
    out.push({
      kind: 'remedy',
      title: `Let the process group write volume ${fix.volume}: set fsGroup ${fsGroup}${group === undefined ? ' (the group the image runs as; 1000 is a guess: check with id above)' : ''}, so the kubelet makes the volume group-writable`,
      commands: patchContainer(w, {}, { securityContext: { fsGroup, fsGroupChangePolicy: 'OnRootMismatch' } }),
    });
  } else if (fix.volumeKind === 'hostPath') {
    out.push({
      kind: 'remedy',
      title: `fsGroup does not apply to hostPath volume ${fix.volume ?? ''}: run as the user that owns the host directory, or chown it on the node`,
      commands: [`kubectl get ${w.ref} ${ns(w)} -o jsonpath=${shq('{.spec.template.spec.securityContext}')}`],
    });
  } else {
    out.push({
      kind: 'remedy',
      title: `${fix.path} is image content: fix its owner in the image (chown in the Dockerfile) or run as the user that owns it`,
      commands: [`docker run --rm --entrypoint ls ${shq(clues.container?.image ?? 'IMAGE')} -ln ${shq(fix.path)}`],
    });
  }
  out.push(inspect);
  return out;
}
