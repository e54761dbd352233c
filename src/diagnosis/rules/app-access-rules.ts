/**
 * Sub-causes of application crashes about what the app may touch: a Kubernetes API call its service
 * account may not make, a path on a read-only filesystem, a file or directory its user may not open.
 */
import type { EvidenceLine } from '../document.ts';
import type { ForbiddenAccess } from '../log-signature-types.ts';
import { appVerdict, mountOver, PROJECTED_KINDS, signature } from './app-verdict.ts';
import type { Rule } from './rule.ts';

/** `sa` from `system:serviceaccount:ns:sa`; the whole user otherwise. */
function shortUser(user: string): string {
  return /^system:serviceaccount:[^:]+:(.+)$/.exec(user)?.[1] ?? user;
}

function accessKey(a: ForbiddenAccess): string {
  return `${a.user}|${a.verb}|${a.resource}|${a.group}|${a.namespace ?? ''}`;
}

export const apiForbidden: Rule = {
  id: 'app-api-forbidden',
  places: ['log-cause'],
  detect(clues) {
    const sig = signature(clues, 'api-forbidden');
    if (sig?.forbidden === undefined) return [];
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
        { kind: 'rbac', access },
      ),
    ];
  },
};

/** The directory to make writable: the path itself when it looks like one, else its parent. */
function dirOf(path: string): string {
  const last = path.split('/').pop() ?? '';
  if (!last.includes('.') || last.startsWith('.')) return path.replace(/\/$/, '') || '/';
  return path.slice(0, path.lastIndexOf('/')) || '/';
}

export const fsReadOnly: Rule = {
  id: 'app-fs-read-only',
  places: ['log-cause'],
  detect(clues) {
    const sig = signature(clues, 'fs-read-only');
    if (sig === undefined) return [];
    const path = sig.path ?? '';
    const mount = path === '' ? undefined : mountOver(clues, path);
    const readOnlyRoot = clues.container?.securityContext?.readOnlyRootFilesystem === true;
    const spec: EvidenceLine[] = [];
    let because: string;
    if (mount?.volume !== undefined && PROJECTED_KINDS.has(mount.volume.kind)) {
      because = `${mount.mountPath} is ${mount.volume.kind} volume ${mount.volume.name}, which the kubelet always mounts read-only`;
      spec.push({ source: 'spec', text: `volumeMounts: ${mount.mountPath} from ${mount.volume.kind} volume ${mount.volume.name} (always read-only)` });
    } else if (mount?.readOnly === true) {
      because = `${mount.mountPath} is mounted readOnly: true`;
      spec.push({ source: 'spec', text: `volumeMounts: ${mount.mountPath} readOnly: true` });
    } else {
      because = `it writes to ${path === '' ? 'a path on its root filesystem' : path}, and the root filesystem is read-only`;
      spec.push({
        source: 'spec',
        text: readOnlyRoot ? 'securityContext.readOnlyRootFilesystem: true' : 'the root filesystem is read-only (readOnlyRootFilesystem or the runtime)',
      });
    }
    const dir = path === '' ? '/tmp' : mount?.volume !== undefined && PROJECTED_KINDS.has(mount.volume.kind) ? mount.mountPath : dirOf(path);
    return [
      appVerdict(clues, 'fs-read-only', `Read-only file system: ${path === '' ? 'write refused' : path}`, because, sig, spec, {
        kind: 'writable-path',
        path: path === '' ? dir : path,
        dir,
        ...(mount?.volume !== undefined && PROJECTED_KINDS.has(mount.volume.kind) ? { projected: mount.volume.name } : {}),
      }),
    ];
  },
};

export const fsPermission: Rule = {
  id: 'app-fs-permission-denied',
  places: ['log-cause'],
  detect(clues) {
    const sig = signature(clues, 'fs-permission-denied');
    if (sig?.path === undefined) return [];
    const mount = mountOver(clues, sig.path);
    const pod = clues.pod?.securityContext;
    const user = clues.container?.securityContext?.runAsUser ?? pod?.runAsUser;
    const spec: EvidenceLine[] = [];
    if (mount !== undefined)
      spec.push({ source: 'spec', text: `volumeMounts: ${mount.mountPath} from ${mount.volume?.kind ?? 'volume'} ${mount.volume?.name ?? ''}`.trimEnd() });
    spec.push({
      source: 'spec',
      text: `securityContext: runAsUser ${user ?? 'not set (the image user)'}, fsGroup ${pod?.fsGroup ?? 'not set'}`,
    });
    const volume = mount?.volume;
    const because =
      volume !== undefined && (volume.kind === 'persistentVolumeClaim' || volume.kind === 'hostPath' || volume.kind === 'emptyDir')
        ? `the process user may not write ${sig.path} on ${volume.kind} volume ${volume.name}: the volume's files belong to another user`
        : `the process user may not open ${sig.path}`;
    return [
      appVerdict(clues, 'fs-permission-denied', `Permission denied: ${sig.path}`, because, sig, spec, {
        kind: 'fs-permission-denied',
        path: sig.path,
        ...(mount === undefined ? {} : { mountPath: mount.mountPath }),
        ...(volume === undefined ? {} : { volume: volume.name, volumeKind: volume.kind }),
      }),
    ];
  },
};
