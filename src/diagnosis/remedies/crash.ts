/**
 * Remedies for a crash in the program's own code (program-crash.ts names what broke): the build that
 * fixes it at the file:line the crash names, deployed (ship-fix.ts); then the command that prints the
 * whole trace around the crash line. A crash on an unreachable dependency is not the code's: its
 * remedies are the dependency's (program.ts).
 */
import type { Clues } from '../clues.ts';
import { dependency } from '../crash-verdict.ts';
import type { Remedy } from '../document.ts';
import type { LogSignature } from '../log-signature-types.ts';
import { shq } from '../shell.ts';
import { rbacRemedies } from '../sub-causes/api-forbidden.ts';
import { forbiddenInCrash } from './api-403.ts';
import { readableNode } from './node.ts';
import { crashSite, shipFix } from './ship-fix.ts';
import { logToRead, ns, patchContainer, setEnv, type Workload } from './workload.ts';

const cut = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

/**
 * The log around the lines that match `pattern` (extended when it has alternatives): the trace after a
 * crash line, or what came before an abort; none when the message's excerpt shows that whole log.
 */
function traceOf(clues: Clues, w: Workload, pattern: string, after: number, before = 0): string[] {
  const read = logToRead(clues, w);
  if (read === undefined) return [];
  // A pod's only container needs no -c (kubectl logs picks it).
  const only = !w.init && (clues.pod?.containers.length ?? 0) === 1 && (clues.pod?.initContainers.length ?? 0) === 0;
  return [
    `kubectl logs ${shq(clues.podName)} ${ns(w)}${only ? '' : ` -c ${shq(w.container)}`}${read.previous ? ' --previous' : ''} | grep${before === 0 ? '' : ` -B ${before}`}${after === 0 ? '' : ` -A ${after}`}${pattern.includes('|') ? ' -E' : ''} ${shq(pattern)}`,
  ];
}

/** A step that prints part of the log, unless there is nothing left to print (traceOf). */
const traceStep = (title: string, commands: string[]): Remedy[] => (commands.length === 0 ? [] : [{ kind: 'diagnostic', title, commands }]);

/** The source file's name and line of a location (`main.load at /src/config.go:57` → `config.go:57`): the proof has the path. */
const fileOf = (location: string | undefined): string | undefined =>
  location
    ?.split(' at ')[1]
    ?.replace(/ \(a library.*$/, '')
    .replace(/^.*\//, '');

/** A crash the code made: its shape names it, and no unreachable dependency explains it. */
export function isCodeCrash(clues: Clues, sig: LogSignature | undefined): sig is LogSignature {
  return sig?.kind === 'crash' && dependency(clues) === undefined;
}

/**
 * The system refused a call the program needs (EPERM): the container's seccomp profile or a
 * capability, not the code. A thread that cannot start is the seccomp case: an older runtime's default
 * profile refuses clone3, which glibc 2.34+ starts threads with (moby/moby#42680; void-linux/xbps#562,
 * bytebase/bytebase#3096: `seccomp=unconfined` or a newer runtime ends it). So the container runs
 * Unconfined, unless it already does (then the profile is not it, and the node's runtime decides).
 */
function refusedCall(clues: Clues, w: Workload, text: string): Remedy[] {
  const node = readableNode(clues);
  const profile = clues.container?.securityContext?.seccompProfile ?? clues.pod?.securityContext?.seccompProfile;
  const runtime: Remedy = {
    kind: 'diagnostic',
    title: "EPERM is the system refusing, not the code: the node's runtime version and the pod's seccomp profile decide",
    commands: [
      ...(node === undefined ? [] : [`kubectl get node ${shq(node)} -o jsonpath=${shq('{.status.nodeInfo.containerRuntimeVersion}')}`]),
      `kubectl get pod ${shq(clues.podName)} ${ns(w)} -o yaml | grep -A 2 seccompProfile`,
    ],
  };
  if (!/pthread_create|\bclone3?\b/.test(text) || profile === 'Unconfined') return [runtime];
  return [
    {
      kind: 'remedy',
      title: "Let it start threads: seccompProfile Unconfined (the runtime's default profile refuses clone3; a newer runtime on the node is the lasting fix)",
      commands: patchContainer(w, { securityContext: { seccompProfile: { type: 'Unconfined' } } }),
    },
    runtime,
  ];
}

export function crashRemedies(clues: Clues, w: Workload, sig: LogSignature | undefined): Remedy[] {
  if (!isCodeCrash(clues, sig)) return [];
  // The API refused its service account: the grant ends the loop, whatever the code does with the 403.
  const refused = forbiddenInCrash(clues, sig.text);
  if (refused !== undefined)
    return [...rbacRemedies(clues, w, { access: [refused] }), ...codeCrashRemedies(clues, w, sig).filter((r) => r.kind === 'diagnostic')];
  return codeCrashRemedies(clues, w, sig);
}

function codeCrashRemedies(clues: Clues, w: Workload, sig: LogSignature): Remedy[] {
  const file = fileOf(sig.location);
  if (sig.crashClass === undefined) {
    // Another runtime's exception (Python, Java, Node, Ruby, PHP): the full log follows (program.ts).
    const exception = /^[\w.$]*(?:Error|Exception)\b/.exec(sig.text)?.[0];
    return [
      shipFix(clues, w, { site: crashSite(clues, sig), what: exception === undefined ? `what it crashed on: ${cut(sig.text, 80)}` : `the ${exception}` }),
    ];
  }
  switch (sig.crashClass) {
    case 'go-nil': {
      const map = /nil map/.test(sig.text);
      return [
        shipFix(clues, w, { site: file, what: `the nil ${map ? 'map' : 'pointer'}` }),
        // The goroutine's whole trace around that frame says how the nil value got there.
        ...traceStep("Print the goroutine's whole trace (the nil value is often a client or setting it is not given)", traceOf(clues, w, '^goroutine ', 24)),
      ];
    }
    case 'dotnet-exception': {
      const type = /Unhandled [eE]xception[.:] ([\w.`]+)/.exec(sig.text)?.[1] ?? 'the exception';
      return [
        shipFix(clues, w, { site: file, what: `the unhandled ${type.replace(/^System\./, '')}` }),
        ...traceStep(
          "Print the exception's whole trace, inner exceptions too (often a setting it is not given)",
          traceOf(clues, w, 'Unhandled [eE]xception', 30),
        ),
      ];
    }
    case 'abort': {
      const why = /Assertion [`'](.+)[`'] failed/.exec(sig.text)?.[1];
      const thrown = /terminate called after throwing an instance of '(.+?)'/.exec(sig.text)?.[1];
      const site = crashSite(clues, sig);
      // The lines before the abort say what it was doing.
      const before = traceStep('Print what it was doing before the abort', traceOf(clues, w, 'Assertion|terminate called|abort|Aborted|fatal error', 0, 20));
      // EPERM: the system refused a call (pthread_create under an old runtime's seccomp profile,
      // moby/moby#42680), which no fix of the code makes pass.
      if (/Operation not permitted|\bEPERM\b/.test(sig.text)) return [...refusedCall(clues, w, sig.text), ...before];
      return [
        shipFix(clues, w, {
          site,
          what:
            why !== undefined
              ? `the failed assertion ${cut(why, 60)}`
              : thrown !== undefined
                ? `the uncaught ${cut(thrown, 48)} (catch it, or fix its cause)`
                : 'what it aborted on',
        }),
        ...before,
      ];
    }
    case 'rust-panic': {
      const at = sig.location?.replace(/ \(inside the standard library.*$/, '');
      const inStd = sig.location?.includes('inside the standard library') === true;
      const backtrace: Remedy = {
        // The backtrace the next crash prints names the frames that lead there.
        kind: 'diagnostic',
        title: inStd
          ? `It panicked inside the standard library (${at ?? ''}): set RUST_BACKTRACE=1 so the next crash names the caller in its code`
          : 'Set RUST_BACKTRACE=1 so that the next crash prints its backtrace',
        commands: setEnv(w, ['RUST_BACKTRACE=1']),
      };
      // Inside std the code to fix is the caller, which only the backtrace names.
      return inStd ? [backtrace] : [shipFix(clues, w, { site: at, what: 'the panic' }), backtrace];
    }
  }
}
