/**
 * A bug in the program's own code ends its loop when fixed code runs: a build with the fix, deployed
 * as the container's new image. (When the incident shows that the loop began with a recent rollout,
 * src/incidents/incident.ts puts the rollback to the revision that ran first, and this follows as the
 * fix forward.) The command asks for the build's tag and keeps the repository the pod runs from.
 */
import type { Clues } from '../clues.ts';
import type { Remedy } from '../document.ts';
import type { LogSignature } from '../log-signature-types.ts';
import { shq } from '../shell.ts';
import { repositoryOf } from './image-ref.ts';
import { ns, replaceSteps, type Workload } from './workload.ts';

/** The commands that put the build with the fix in place of the container's image. */
export function deployBuild(clues: Clues, w: Workload): string[] {
  // A Job's pod template is immutable: export, edit, replace.
  if (w.kind === 'Job') return replaceSteps(w, `set the image of container ${w.container} to the build with the fix`);
  const image = clues.container?.image ?? '';
  if (image === '') return [`read -r -p 'image with the fix: ' IMAGE`, `kubectl set image ${w.ref} ${ns(w)} ${shq(w.container)}="$IMAGE"`];
  return [`read -r -p 'fixed tag: ' TAG`, `kubectl set image ${w.ref} ${ns(w)} ${shq(`${w.container}=${repositoryOf(image)}:`)}"$TAG"`];
}

/**
 * The remedy: the code fixed at `site` (the file:line the crash names; the header already says what
 * broke there), or `what` when no line is known, and that build deployed.
 */
export function shipFix(clues: Clues, w: Workload, fix: { site?: string | undefined; what: string }): Remedy {
  const title = fix.site === undefined ? `Deploy a build that fixes ${fix.what}` : `Deploy a build fixing ${fix.site}`;
  return { kind: 'remedy', title, commands: deployBuild(clues, w) };
}

/** Library paths of an interpreter: a frame there is not the program's own code. */
const LIBRARY = /\/(?:site-packages|dist-packages|lib\/python[\d.]+|node_modules|gems)\//;

/**
 * Where a crash without a located frame happened, from the log: the innermost Python frame of the
 * program's own code (`File "/app/app.py", line 14` → `app.py:14`; the innermost frame when all are
 * a library's), or the `file.c:212` a C assertion or fatal error names. Undefined when neither shows.
 */
export function crashSite(clues: Clues, sig: LogSignature): string | undefined {
  const native = /(?:^|\s)(\S+\.(?:c|cc|cpp|cxx|h|hpp)):(\d+): /.exec(sig.text);
  if (native !== null) return `${native[1]}:${native[2]}`;
  if (sig.runtime !== 'python') return undefined;
  const lines = clues.log?.lines ?? [];
  let innermost: string | undefined;
  for (let i = sig.index - 1; i >= 0 && i >= sig.index - 400; i--) {
    const line = lines[i] ?? '';
    if (line.trim() === 'Traceback (most recent call last):') break;
    const frame = /^\s*File "([^"]+)", line (\d+)/.exec(line);
    if (frame === null) continue;
    const site = `${(frame[1] ?? '').replace(/^.*\//, '')}:${frame[2]}`;
    innermost ??= site;
    if (!LIBRARY.test(frame[1] ?? '')) return site;
  }
  return innermost;
}
