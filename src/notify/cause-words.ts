/**
 * The cause in plain words, for the header: the workload, then what went wrong, from the cause id,
 * the sub-cause id and what the diagnosis said. Pure.
 */
import { type CauseDetail, type DiagnosisDocument, LOG_SUB_CAUSES, type LogSubCauseId } from '../diagnosis/document.ts';
import { describeExit } from '../diagnosis/signals.ts';
import { SUB_CAUSES } from '../diagnosis/sub-causes/registry.ts';
import { decidingWords } from './deciding-words.ts';
import { oneLine, truncateWords } from './text.ts';

const HEADER_CAUSE_MAX = 110;

/**
 * The sub-causes' plain words, but for those that describe themselves in one file (LOG_SUB_CAUSES in
 * document.ts): theirs are in that file (sub-causes/). Complete on purpose: a new sub-cause id does
 * not compile until it has its words, here or in its file.
 */
const TABLE_WORDS: Record<Exclude<CauseDetail, LogSubCauseId>, string> = {
  'mount-hides-files': 'a volume mount hides files of the image',
  'config-file-key': 'a key it reads from its mounted config file is missing',
  'missing-file': 'a file it needs is missing',
  'missing-env': 'a required environment variable is missing',
  'env-ref-unexpanded': 'an env value refers to a variable defined after it, so it stays literal',
  'dependency-unreachable': 'a dependency is unreachable',
  'dns-failure': 'a host name does not resolve',
  'empty-log': 'wrote nothing to its log before exiting',
  'missing-module': 'a module is missing from the image',
  'missing-shared-library': 'a shared library is missing from the image',
  'go-nil-panic': 'a Go panic: a nil pointer or nil map used in its code',
  'rust-panic': 'a Rust panic in its code',
  'dotnet-unhandled-exception': 'an unhandled .NET exception',
  abort: 'it called abort() (SIGABRT)',
  'probe-port-mismatch': 'its probe checks a port the app does not listen on',
  'heap-flag-over-limit': 'its heap flag leaves no room under the memory limit',
  'memory-leak': 'memory grows until the kill (a leak)',
  'limit-undersized': 'the limit is too small for its working set',
  'memory-spike': 'a sudden spike before the kill',
  'pod-deleting': 'stopped because its pod is being deleted: a normal shutdown, not a crash',
  'grace-period-exceeded': 'SIGKILL after the grace period: it did not stop on SIGTERM in time',
  'node-memory-pressure': 'killed by SIGKILL while its node is short of memory',
  'startup-probe': 'its startup probe gives up before the app is ready',
  'memory-pressure': 'evicted: its node is low on memory',
  'disk-pressure': 'evicted: its node is low on disk',
  'pid-pressure': 'evicted: its node is low on process ids',
  'ephemeral-storage-limit': 'evicted: it wrote past its ephemeral-storage limit',
  'deadline-exceeded': 'stopped at its activeDeadlineSeconds',
  'node-shutdown': 'its node shut down',
  'node-lost': 'its node stopped reporting',
  'insufficient-resources': 'no node has the CPU or memory it requests',
  taints: 'every node has a taint it does not tolerate',
  'node-affinity': 'its node selector or affinity matches no node',
  'pod-affinity': 'its pod (anti-)affinity rules out every node',
  'volume-zone': "its volume's zone rules out every node",
  'unbound-claim': 'its PersistentVolumeClaim is not bound',
  'host-port': 'its hostPort is taken on every node',
  'unschedulable-nodes': 'the nodes are cordoned',
  'too-many-pods': 'the nodes are at their pod limit',
  'multi-attach': 'its volume is still attached to another node',
  'volume-attach': 'its volume cannot be attached',
  'volume-mount': 'its volume cannot be mounted',
  'sandbox-network': 'the network plugin cannot set up the pod network',
  sandbox: 'the runtime cannot create the pod sandbox',
  'init-waiting': 'an init container waits for a dependency',
  'unrecognized-event': 'a Warning event no rule knows',
};

/** Every sub-cause in plain words. The header uses them where its cause's own wording names nothing more specific. */
export const SUB_CAUSE_WORDS: Readonly<Record<CauseDetail, string>> = {
  ...TABLE_WORDS,
  // Complete: registry.ts holds a line for every id of LOG_SUB_CAUSES.
  ...(Object.fromEntries(SUB_CAUSES.map((s) => [s.id, s.words])) as Record<LogSubCauseId, string>),
};

/** The OOM sub-causes that say how memory reached the limit, added after "killed at its … limit". */
const OOM_HOW: ReadonlySet<CauseDetail> = new Set(['memory-leak', 'limit-undersized', 'memory-spike']);
const APP_CRASH_DETAILS: ReadonlySet<CauseDetail> = new Set([
  'empty-log',
  'mount-hides-files',
  'missing-file',
  'missing-env',
  'dependency-unreachable',
  'dns-failure',
  'missing-module',
  'missing-shared-library',
  ...LOG_SUB_CAUSES, // every self-describing sub-cause is an app-crash's (rules/app-verdict.ts)
  'go-nil-panic',
  'rust-panic',
  'dotnet-unhandled-exception',
  'abort',
  'heap-flag-over-limit',
]);

const wordsOf = (detail: CauseDetail | undefined, among: ReadonlySet<CauseDetail>): string | undefined =>
  detail !== undefined && among.has(detail) ? SUB_CAUSE_WORDS[detail] : undefined;

/** The workload the reader acts on: the owner when known, the pod otherwise. */
export function workloadName(doc: DiagnosisDocument): string {
  return doc.target.owner?.name ?? doc.target.pod;
}

const firstLower = (s: string): string => (/^[A-Z][a-z]+\b/.test(s) ? s.charAt(0).toLowerCase() + s.slice(1) : s);
const exitOf = (title: string): string | undefined => /\(exit (\d+)/.exec(title)?.[1];
const clause = (text: string, after: RegExp): string | undefined => {
  const m = after.exec(text);
  return m === null
    ? undefined
    : text
        .slice(m.index + m[0].length)
        .split(/(?:: |; |, so |\. | \()/)[0]
        ?.replace(/\.$/, '');
};

/** An exception class or a runtime's panic kind from a title such as "KeyError (exit 1)"; never a log line. */
function errorKind(title: string): string | undefined {
  const head = title.replace(/\s*\(exit [^)]*\)+\s*$/, '').trim();
  if (/^[A-Za-z_][\w.$]*(Error|Exception|Exit|Fault)$/.test(head)) return head;
  const dotnet = /Unhandled exception\. ([\w.]+Exception)/.exec(head);
  if (dotnet?.[1] !== undefined) return dotnet[1];
  if (head.startsWith('panic:')) return 'a Go panic';
  if (/^thread '.*' panicked/.test(head)) return 'a Rust panic';
  return undefined;
}

/** The cause in plain words for the header, from the cause id and what the diagnosis said. */
export function causeInWords(doc: DiagnosisDocument): string {
  const { id, title, summary, detail } = doc.cause;
  const exit = exitOf(title);
  // The deciding fact, when the evidence names it in a way a phrase reads (deciding-words.ts).
  const fact = decidingWords(
    doc.cause,
    doc.evidence.map((e) => e.text),
  );
  const words = ((): string => {
    switch (id) {
      case 'oom-killed': {
        const limit = /at its (\S+) memory limit/.exec(summary)?.[1];
        const killed = limit !== undefined ? `killed at its ${limit} memory limit` : 'killed by the kernel out of memory (no memory limit set)';
        const how = fact ?? wordsOf(detail, OOM_HOW);
        return how === undefined ? killed : `${killed}: ${how}`;
      }
      case 'runtime-oom':
        return fact === undefined ? firstLower(title) : `${firstLower(title)}: ${fact}`;
      case 'app-crash': {
        if (fact !== undefined) return fact;
        // A traced command's own failure line (crash-verdict.ts): "iptables -t nat -N X failed: iptables: Chain already exists."
        const traced = /exited with code \d+(?: \([A-Z]+\))?: (?!its )[^:]+ failed: (.+?)\.?$/.exec(summary)?.[1];
        if (traced !== undefined) return traced;
        const reach = /it could not reach (.+?)\.?$/.exec(summary)?.[1];
        if (reach !== undefined) return `cannot reach ${reach}`;
        const missing = /: (\S+) is missing from the image/.exec(summary)?.[1];
        if (missing !== undefined) return `${missing} is missing from the image`;
        const words = wordsOf(detail, APP_CRASH_DETAILS);
        if (words !== undefined) return words;
        const kind = errorKind(title);
        // An exit above 128 names its signal: "exits with code 134 (SIGABRT)".
        const signal = exit === undefined ? undefined : /\((SIG\w+)\)/.exec(describeExit(Number(exit)))?.[1];
        const code = exit === undefined ? 'exits with an error' : `exits with code ${exit}${signal === undefined ? '' : ` (${signal})`}`;
        return kind === undefined ? code : signal === undefined ? `${code} (${kind})` : `${code}: ${kind}`;
      }
      case 'liveness-probe': {
        if (fact !== undefined) return fact;
        const probe = /its (liveness|startup|readiness) probe/.exec(summary)?.[1] ?? 'liveness';
        const why = clause(summary, /probe fails: /);
        return why === undefined ? `restarted by its failing ${probe} probe` : `${probe} probe fails: ${why}`;
      }
      case 'bad-entrypoint': {
        const why = clause(summary, /never starts its program: [^:]+: /);
        return why === undefined ? firstLower(title) : `${firstLower(title)}: ${why}`;
      }
      case 'image-pull': {
        const m = /cannot pull (\S+) for [^:]+: (.+?)\.?$/.exec(summary);
        return m === null ? firstLower(title) : `cannot pull ${m[1]}: ${m[2]?.split(' (')[0]}`;
      }
      case 'exit-zero':
        return doc.target.owner === undefined
          ? 'completes (exit 0) and the pod restarts it'
          : `completes (exit 0) and its ${doc.target.owner.kind} restarts it`;
      case 'segfault':
        return 'segmentation fault (SIGSEGV) in native code';
      case 'sigterm':
        return detail === 'pod-deleting' ? SUB_CAUSE_WORDS[detail] : `stopped by SIGTERM (exit ${/^exit (\d+)/.exec(title)?.[1] ?? 143}), not by a probe`;
      case 'sigkill':
        return detail === 'grace-period-exceeded' || detail === 'node-memory-pressure'
          ? SUB_CAUSE_WORDS[detail]
          : `killed by SIGKILL (exit ${/^exit (\d+)/.exec(title)?.[1] ?? 137}) without an OOMKilled record`;
      case 'unknown':
        return title === 'Cause not determined' ? 'crash loop, cause not determined' : firstLower(title);
      default:
        return firstLower(title);
    }
  })();
  return truncateWords(oneLine(words), HEADER_CAUSE_MAX);
}

const ROLE_WORDS = { init: 'init container', sidecar: 'sidecar', additional: 'container' } as const;

/** `payments/checkout (init container migrate)`: the failing container is named when it is not the pod's only or main one. */
export function workloadLabel(doc: DiagnosisDocument): string {
  const role = doc.target.containerRole;
  const which = role === undefined || doc.target.container === '' ? '' : ` (${ROLE_WORDS[role]} ${doc.target.container})`;
  return oneLine(`${doc.target.namespace}/${workloadName(doc)}${which}`);
}

export function headerLine(doc: DiagnosisDocument): string {
  return oneLine(`${workloadLabel(doc)}: ${causeInWords(doc)}`);
}
