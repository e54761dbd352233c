/**
 * A write to a read-only filesystem (EROFS): the root filesystem under readOnlyRootFilesystem, a
 * volume mounted readOnly, or a ConfigMap, Secret or projected volume (always read-only). The fix is a
 * writable emptyDir at the directory it writes (or a copy of the read-only volume's files into one).
 */
import type { Clues } from '../clues.ts';
import type { EvidenceLine, Remedy } from '../document.ts';
import { BARE_PATH, pathIn, QUOTED_PATH } from '../log-matchers-access.ts';
import { debugCopy, dnsName, patchContainer, replaceSteps, type Workload } from '../remedies/workload.ts';
import { appVerdict, mountOver, PROJECTED_KINDS } from '../rules/app-verdict.ts';
import { type SubCauseMatch, subCause } from './sub-cause.ts';

/** EROFS in each runtime's words: `Read-only file system` (libc), `EROFS` (Node.js). */
const readOnlyWrite = (line: string): SubCauseMatch | undefined => {
  if (!/read-only file system|\bEROFS\b/i.test(line)) return undefined;
  const path = pathIn(line, QUOTED_PATH, /(\/[^\s:'"]+): [Rr]ead-only file system/, BARE_PATH);
  return { text: line, ...(path === undefined ? {} : { path }) };
};

/** The directory to make writable: the path itself when it looks like one, else its parent. */
function dirOf(path: string): string {
  const last = path.split('/').pop() ?? '';
  if (!last.includes('.') || last.startsWith('.')) return path.replace(/\/$/, '') || '/';
  return path.slice(0, path.lastIndexOf('/')) || '/';
}

/** The plan: the path written, the directory to make writable, the read-only volume mounted there when it is one. */
interface WritablePathPlan {
  path: string;
  dir: string;
  projected?: string;
}

export const fsReadOnly = subCause({
  id: 'fs-read-only',
  signature: { ranksAfter: 'port-bind', place: 'log-cause', decidesAtWarning: true, means: 'a write to a read-only filesystem; `path` holds it' },
  matcher: readOnlyWrite,
  rule: 'app-fs-read-only',
  detect(clues, sig, fix) {
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
      appVerdict(
        clues,
        'fs-read-only',
        `Read-only file system: ${path === '' ? 'write refused' : path}`,
        because,
        sig,
        spec,
        fix({
          path: path === '' ? dir : path,
          dir,
          ...(mount?.volume !== undefined && PROJECTED_KINDS.has(mount.volume.kind) ? { projected: mount.volume.name } : {}),
        }),
      ),
    ];
  },
  remedies(clues: Clues, w: Workload, fix: WritablePathPlan): Remedy[] {
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
  },
  words: 'it writes to a read-only filesystem',
});
