/**
 * Permission denied on a file or directory (EACCES, EPERM): the process user may not read or write a
 * path. The fix is fsGroup for a volume the kubelet can make group-writable, the owner of a hostPath
 * directory, or the owner in the image.
 */
import type { Clues } from '../clues.ts';
import type { EvidenceLine, Remedy } from '../document.ts';
import type { VolumeFacts } from '../evidence.ts';
import { BARE_PATH, pathIn, QUOTED_PATH } from '../log-matchers-access.ts';
import { debugCopy, ns, patchContainer, type Workload } from '../remedies/workload.ts';
import { appVerdict, mountOver } from '../rules/app-verdict.ts';
import { shq } from '../shell.ts';
import { type SubCauseMatch, subCause } from './sub-cause.ts';

/** Permission refused on a path (EACCES/EPERM): the process user cannot read or write it. */
const permissionDenied = (line: string): SubCauseMatch | undefined => {
  if (!/permission denied|EACCES|AccessDeniedException|Operation not permitted/i.test(line)) return undefined;
  // Kubernetes RBAC, sockets to the Docker daemon and registries are other refusals.
  if (/\bforbidden\b|cannot \w+ resource|docker\.sock|unauthorized/i.test(line)) return undefined;
  const path = pathIn(
    line,
    QUOTED_PATH,
    /AccessDeniedException: (\/\S+)/,
    /(\/[^\s:'"]+): (?:[Pp]ermission denied|Operation not permitted)/,
    /(?:open|mkdir|stat|create|chmod|chown|write|unlink|rename) (\/[^\s:'"]+)/,
    BARE_PATH,
  );
  if (path === undefined) return undefined;
  return { text: line, path };
};

/** The plan: the path, and the mount and volume that hold it when one does. */
interface PermissionPlan {
  path: string;
  mountPath?: string;
  volume?: string;
  volumeKind?: VolumeFacts['kind'];
}

export const fsPermissionDenied = subCause({
  id: 'fs-permission-denied',
  signature: {
    ranksAfter: 'fs-read-only',
    place: 'log-cause',
    decidesAtWarning: true,
    means: 'permission denied on a file or directory; `path` holds it',
  },
  matcher: permissionDenied,
  rule: 'app-fs-permission-denied',
  detect(clues, sig, fix) {
    if (sig.path === undefined) return [];
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
      appVerdict(
        clues,
        'fs-permission-denied',
        `Permission denied: ${sig.path}`,
        because,
        sig,
        spec,
        fix({
          path: sig.path,
          ...(mount === undefined ? {} : { mountPath: mount.mountPath }),
          ...(volume === undefined ? {} : { volume: volume.name, volumeKind: volume.kind }),
        }),
      ),
    ];
  },
  remedies(clues: Clues, w: Workload, fix: PermissionPlan): Remedy[] {
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
  },
  words: 'permission denied on a file or directory',
});
