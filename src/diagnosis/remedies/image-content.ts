/**
 * A file the image lacks (a module, a library, a class): fix the build and deploy the new tag, or
 * roll back to the image that had it; and where to look for it in a copy of the pod.
 */
import type { Clues } from '../clues.ts';
import type { Remedy } from '../document.ts';
import { shq } from '../shell.ts';
import type { Fix } from '../verdict.ts';
import { repositoryOf } from './image-ref.ts';
import { debugCopy, ns, rollback, type Workload } from './workload.ts';

type FixOf<K extends Fix['kind']> = Extract<Fix, { kind: K }>;

/**
 * What to type in the debug copy to find what the image lacks: for a library, the binary's links
 * (`ldd`, when the spec names the binary) and the file by its base name (`find -name` matches a name,
 * never a path); for a module, its path: `./config` as the pattern star-slash-config-star, a dotted `com.acme.Main` or
 * `cv2.dnn` as `com/acme/Main` and `cv2/dnn` between stars.
 */
function lookInImage(clues: Clues, fix: FixOf<'image-content'>): string {
  if (fix.what === 'library') {
    const binary = clues.container?.command[0];
    const base = fix.name.split('/').pop() ?? fix.name;
    const ldd = binary === undefined ? '' : `ldd "$(command -v ${shq(binary)})" ; `;
    return `${ldd}find / -name ${shq(`${base}*`)} 2>/dev/null`;
  }
  const path = fix.name.includes('/') ? fix.name.replace(/^(?:\.{1,2}\/)+|^\/+/, '') : fix.name.replace(/\./g, '/');
  return `find / -maxdepth 6 -path ${shq(`*/${path}*`)} 2>/dev/null`;
}

export function imageContentRemedies(clues: Clues, w: Workload, fix: FixOf<'image-content'>): Remedy[] {
  const image = clues.container?.image ?? 'IMAGE';
  const repo = repositoryOf(image);
  const look = lookInImage(clues, fix);
  const out: Remedy[] = [];
  const back = rollback(w);
  if (back.length > 0) out.push({ kind: 'remedy', title: `Compare with the previous image: if the last rollout brought ${image}, roll back`, commands: back });
  out.push({
    kind: 'remedy',
    title: `${fix.name} is not in ${image}: fix the build (${fix.what === 'library' ? 'install the package that ships it, or match the base image (glibc vs musl)' : 'install the dependency, COPY it, check the working directory'}) and deploy the new tag`,
    commands: [
      '# set NEW_TAG in your shell first (the tag of the rebuilt image)',
      `kubectl set image ${w.ref} ${ns(w)} ${shq(w.container)}=${shq(repo)}:"$NEW_TAG"`,
      ...debugCopy(clues.podName, w, look),
    ],
  });
  return out;
}
