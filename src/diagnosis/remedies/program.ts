/**
 * Remedies for the program itself: crashes (cause 1), segfaults, bad entrypoints (cause 5),
 * run-to-completion workloads (cause 6); stray SIGTERM/SIGKILL are in ./signal.ts.
 */
import type { Clues } from '../clues.ts';
import { isEmptyLog } from '../crash-verdict.ts';
import type { Remedy } from '../document.ts';
import { shq } from '../shell.ts';
import type { Fix } from '../verdict.ts';
import { crashRemedies } from './crash.ts';
import { dependencyRemedies } from './dependency.ts';
import { readableNode } from './node.ts';
import { deployBuild, shipFix } from './ship-fix.ts';
import { tracedRemedies } from './traced.ts';
import { setFirst } from './user-values.ts';
import { containerPointer, debugCopy, jsonPatch, logsCommand, ns, patchContainer, replaceSteps, rollback, type Workload } from './workload.ts';

/** What the container runs as the pod spec says it: command, then args (empty: the image's default). */
function containerArgv(clues: Clues): string[] {
  return [...(clues.container?.command ?? []), ...(clues.container?.args ?? [])];
}

function previousLog(clues: Clues, w: Workload): string[] {
  return logsCommand(clues, w, 200);
}

function rollbackRemedy(w: Workload): Remedy[] {
  const cmds = rollback(w);
  return cmds.length === 0
    ? []
    : [{ kind: 'remedy', title: `If this started with the latest rollout of ${w.ref}: roll back, then fix forward`, commands: cmds }];
}

/**
 * The previous log is empty, so reading it again tells nothing: what the previous container left
 * instead is its termination message (/dev/termination-log, or FallbackToLogsOnError), read here
 * unless the message already quotes it, and a copy of the pod with a shell shows what the command
 * prints when run by hand (or the file it logs to).
 */
function emptyLogRemedies(clues: Clues, w: Workload): Remedy[] {
  const message = clues.termination?.message?.trim() ?? '';
  return [
    ...terminationMessageRead(clues, w),
    {
      kind: 'diagnostic',
      title:
        message === ''
          ? 'Run it by hand in a copy of the pod: what it prints, or the file it logs to, decides'
          : 'Run it by hand in a copy of the pod: what it fails to reach, and why, decides',
      commands: reproduce(clues, w, 'echo "exit $?" ; ls -lt /var/log /tmp'),
    },
  ];
}

/**
 * A log crashtriage was refused (403 on pods/log) is not an empty one: it exists, and what it says
 * decides; whoever reads the message may read it, so that read comes first, not a run by hand.
 */
function unreadLog(clues: Clues, w: Workload): Remedy | undefined {
  const refused = clues.evidence.problems.find((p) => p.source === 'logs' && p.kind === 'forbidden');
  const read = logsCommand(clues, w, 200);
  if (refused === undefined || read.length === 0) return undefined;
  return { kind: 'diagnostic', title: 'Its log decides, and crashtriage may not read it (pods/log): read it as yourself', commands: read };
}

/**
 * The read of the previous container's termination message, only when its exit record could not be
 * read: the record read holds the message (quoted in the summary) or says there was none.
 */
function terminationMessageRead(clues: Clues, w: Workload): Remedy[] {
  if (clues.termination !== undefined) return [];
  const list = w.init ? 'initContainerStatuses' : 'containerStatuses';
  const jsonpath = `{.status.${list}[?(@.name=="${w.container}")].lastState.terminated.message}`;
  return [
    {
      kind: 'diagnostic',
      title: "The previous log is empty: read the previous container's termination message (what it wrote to /dev/termination-log)",
      commands: [`kubectl get pod ${shq(clues.podName)} ${ns(w)} -o jsonpath=${shq(jsonpath)}`],
    },
  ];
}

/**
 * A segfault is in native code the image runs. When the log shows where (Python's faulthandler:
 * `File "…/site-packages/tokenizers/__init__.py", line 78 in encode`, innermost first), the fix is a
 * build with that code fixed, or with another version of the native package it is in; when nothing
 * shows where, the crashing frame (a core dump, or the command run by hand) is the fact that decides.
 */
function segfaultRemedies(clues: Clues, w: Workload): Remedy[] {
  const lines = clues.log?.lines ?? [];
  const fault = lines.findIndex((l) => /^Fatal Python error: Segmentation fault/.test(l.trim()));
  const frame = fault < 0 ? null : /^\s*File "([^"]+)", line (\d+)/.exec(lines.slice(fault).find((l) => /^\s*File "/.test(l)) ?? '');
  if (frame === null)
    return [
      {
        kind: 'diagnostic',
        title: 'Reproduce it in a copy of the pod: the crashing frame decides (its code, a native library, the base image)',
        commands: reproduce(clues, w),
      },
      ...(clues.log === undefined || isEmptyLog(clues) ? terminationMessageRead(clues, w) : []),
    ];
  const path = frame[1] ?? '';
  const pkg = /\/(?:site|dist)-packages\/([^/]+)\//.exec(path)?.[1];
  const site = `${pkg === undefined ? path.replace(/^.*\//, '') : `${pkg}/${path.replace(/^.*\//, '')}`}:${frame[2]}`;
  return [
    shipFix(clues, w, pkg === undefined ? { site, what: 'the segfault' } : { what: `the segfault in ${pkg}'s native code (${site}): another ${pkg} version` }),
    { kind: 'diagnostic', title: 'Reproduce it in a copy of the pod', commands: reproduce(clues, w) },
  ];
}

export function appBugRemedies(clues: Clues, w: Workload, fix: Extract<Fix, { kind: 'app-bug' }>, segfault: boolean): Remedy[] {
  // A crash that names what broke says first where to fix it (remedies/crash.ts).
  const out: Remedy[] = segfault ? [] : crashRemedies(clues, w, fix.signature);
  const noLog = clues.log === undefined || clues.log.lines.length === 0;
  out.push(...dependencyRemedies(clues, w));
  // A traced command whose failure says what to change: the proof quotes it, so no log read follows.
  const traced = tracedRemedies(clues, w, fix.signature);
  out.push(...traced);
  if (segfault) out.push(...segfaultRemedies(clues, w));
  else if (noLog || isEmptyLog(clues)) {
    const refused = noLog ? unreadLog(clues, w) : undefined;
    out.push(...(refused === undefined ? emptyLogRemedies(clues, w) : [refused]));
  }
  if (!noLog && !isEmptyLog(clues) && traced.length === 0) {
    const log = previousLog(clues, w);
    if (log.length > 0) out.push({ kind: 'diagnostic', title: 'Read the full previous log (what happened before the exit)', commands: log });
  }
  return [...out, ...rollbackRemedy(w)];
}

/**
 * The container's own command, typed in a copy of the pod with a shell (then `after`, e.g. its exit
 * code and the log files it left); when the spec sets no command, the image's default, which docker
 * inspect shows.
 */
function reproduce(clues: Clues, w: Workload, after?: string): string[] {
  const argv = containerArgv(clues);
  const then = after === undefined ? '' : ` ; ${after}`;
  if (argv.length > 0) return debugCopy(clues.podName, w, `${argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : shq(a))).join(' ')}${then}`);
  return [
    `docker inspect ${shq(clues.container?.image ?? 'IMAGE')} | jq ${shq('.[0].Config.Entrypoint, .[0].Config.Cmd')}`,
    ...debugCopy(clues.podName, w, undefined, `in that shell, start the Entrypoint and Cmd shown above${after === undefined ? '' : `, then: ${after}`}`),
  ];
}

/** CRLF line endings: strip the carriage returns where the image is built, then look at the bytes in the image. */
function crlfRemedies(clues: Clues, w: Workload, path: string | undefined): Remedy[] {
  const image = clues.container?.image ?? 'IMAGE';
  const script = path ?? '"$SCRIPT"';
  const find =
    path === undefined
      ? [
          `docker inspect ${shq(image)} | jq ${shq('.[0].Config.Entrypoint, .[0].Config.Cmd')}`,
          setFirst(['SCRIPT'], 'the script the image runs (from the Entrypoint above)'),
        ]
      : [];
  const copy = `${clues.podName}-debug`;
  return [
    {
      kind: 'remedy',
      title: `Convert ${path ?? 'the script'} to LF line endings where the image is built, then rebuild and roll out`,
      commands: [
        ...(path === undefined
          ? // No path to name: git lists the files checked out with CRLF (w/crlf) in the repository the image is built from.
            ['# in the repository the image is built from, the files with CRLF line endings:', `git ls-files --eol | grep -F 'w/crlf'`]
          : [`# Dockerfile, after the COPY of the script: RUN sed -i 's/\\r$//' ${path}`]),
        `# keep it from coming back (git on Windows): echo '*.sh text eol=lf' >> .gitattributes && git add --renormalize .`,
      ],
    },
    {
      kind: 'diagnostic',
      title: 'Check the line endings in the image: a \\r before each \\n is CRLF',
      commands: [
        ...find,
        `kubectl debug ${shq(clues.podName)} ${ns(w)} -i --copy-to=${shq(copy)} --container=${shq(w.container)} -- od -c ${path === undefined ? script : shq(path)} | head -n 4`,
        `kubectl delete pod ${shq(copy)} ${ns(w)}`,
      ],
    },
  ];
}

/**
 * The change first: a command override the image cannot run is dropped so the image ENTRYPOINT runs;
 * with no override the image itself is wrong (a binary for another architecture, a file without its
 * execute bit, a missing file), so a build that fixes it is deployed. What the image contains and
 * runs by default comes second, as the check.
 */
export function entrypointRemedies(clues: Clues, w: Workload, fix: Extract<Fix, { kind: 'entrypoint' }>): Remedy[] {
  const c = clues.container;
  const image = c?.image ?? 'IMAGE';
  const target = fix.path ?? c?.command[0] ?? 'the entrypoint';
  if (fix.problem === 'crlf') return [...crlfRemedies(clues, w, fix.path), ...rollbackRemedy(w)];
  const out: Remedy[] = [];
  if (c !== undefined && c.command.length > 0 && w.patchable) {
    out.push({
      kind: 'remedy',
      title: `Drop the command override ${JSON.stringify(c.command)} so the image ENTRYPOINT runs`,
      commands: [jsonPatch(w, [{ op: 'remove', path: `${containerPointer(w)}/command` }])],
    });
  } else {
    const what =
      fix.problem === 'exec-format'
        ? `${target} built for the node's architecture (docker buildx build --platform linux/amd64,linux/arm64), or a #! line if it is a script`
        : fix.problem === 'not-executable'
          ? `${target} executable (RUN chmod +x ${target} in the Dockerfile)`
          : `${target} in it`;
    out.push({ kind: 'remedy', title: `Deploy an image with ${what}`, commands: deployBuild(clues, w) });
  }
  if (fix.problem === 'exec-format') {
    const node = readableNode(clues);
    out.push({
      kind: 'diagnostic',
      title: `Compare the image's architecture with the node's`,
      commands: [
        ...(node === undefined ? [] : [`kubectl get node ${shq(node)} -o jsonpath=${shq('{.status.nodeInfo.architecture}')}`]),
        `docker buildx imagetools inspect ${shq(image)}`,
      ],
    });
  } else {
    out.push({
      kind: 'diagnostic',
      title: `See what the image contains and what it runs by default`,
      commands: [
        `docker inspect ${shq(image)} | jq ${shq('.[0].Config.Entrypoint, .[0].Config.Cmd')}`,
        ...debugCopy(clues.podName, w, target.includes('/') ? `ls -la ${shq(target)}` : `which ${shq(target)} ; echo $PATH ; ls /usr/local/bin /app`),
      ],
    });
  }
  return [...out, ...rollbackRemedy(w)];
}

/**
 * The edit that makes the container's command a long-lived one: which command only its owners know,
 * so the steps export the manifest, name the container and what it runs now, and replace it.
 */
function longLivedCommand(clues: Clues, w: Workload): string[] {
  const argv = containerArgv(clues);
  const text = argv.join(' ');
  // A long `sh -c` script would swamp the line: its start says which one it is.
  const now = argv.length === 0 ? "(the image's default command now)" : `(now \`${text.length > 80 ? `${text.slice(0, 79)}…` : text}\`)`;
  return replaceSteps(w, `set command/args of ${w.init ? 'init container' : 'container'} ${w.container} to a process that keeps running ${now}`);
}

export function runToCompletionRemedies(clues: Clues, w: Workload): Remedy[] {
  const c = clues.container;
  const argv = containerArgv(clues);
  const job = `${w.name}-run`;
  if (w.kind === 'DaemonSet') {
    // A DaemonSet's one-shot work is per node (a Job would run it once, on one node): run it as an
    // init container and keep the pod alive with the pause container, the usual DaemonSet pattern.
    return [
      {
        kind: 'remedy',
        title: `It is per-node setup: run it once per node as an init container of DaemonSet ${w.name}, and keep the pod up with the pause image`,
        commands: patchContainer(
          w,
          { image: 'registry.k8s.io/pause:3.10', command: null, args: null },
          { initContainers: [{ name: `${w.container}-once`, image: c?.image ?? 'IMAGE', ...(argv.length === 0 ? {} : { command: argv }) }] },
        ),
      },
      { kind: 'remedy', title: 'Or, if it should keep serving: make the command run a long-lived process', commands: longLivedCommand(clues, w) },
    ];
  }
  return [
    {
      kind: 'remedy',
      title: `It is a batch task: run it as a Job (or a CronJob) instead of ${w.bare ? 'a bare pod with restartPolicy Always' : `${w.kind} ${w.name}`}`,
      commands: [
        `kubectl create job ${shq(job)} ${ns(w)} --image=${shq(c?.image ?? 'IMAGE')}${argv.length === 0 ? '' : ` -- ${argv.map(shq).join(' ')}`}`,
        `kubectl wait --for=condition=complete job/${job} ${ns(w)} --timeout=10m`,
        w.bare ? `kubectl delete pod ${shq(w.pod)} ${ns(w)}` : `kubectl delete ${w.ref} ${ns(w)}  # once the Job does the work`,
      ],
    },
    {
      kind: 'remedy',
      title: 'Or, if it should keep serving: make the command run a long-lived process (e.g. `serve` instead of `run-once`)',
      commands: longLivedCommand(clues, w),
    },
  ];
}

export function sidecarRemedies(clues: Clues, w: Workload): Remedy[] {
  return [
    {
      kind: 'remedy',
      title: 'A one-shot setup step: make it a regular init container (drop restartPolicy: Always) so that it runs once before the app',
      // A strategic merge patch deletes a field given as null.
      commands: patchContainer(w, { restartPolicy: null }),
    },
    {
      kind: 'remedy',
      title: 'A helper that should run beside the app: make its command a long-lived process',
      commands: longLivedCommand(clues, w),
    },
  ];
}
