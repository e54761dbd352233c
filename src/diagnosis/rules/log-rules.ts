/**
 * Log lines that refine a generic non-zero exit (1, 2, 3, 134, 255 …): runtime out-of-memory, runc's
 * exec error on stderr, a missing environment variable or config file. They never override the
 * kubelet's record, a probe kill or a specific exit code (docs/architecture.md "Diagnosis precedence").
 */
import type { Clues } from '../clues.ts';
import { crashVerdict, logLines } from '../crash-verdict.ts';
import type { CauseDetail, EvidenceLine } from '../document.ts';
import { parseExecFailure } from '../kube-messages.ts';
import type { LogSignature, Runtime } from '../log-signature-types.ts';
import { exitedWith } from '../signals.ts';
import type { Fix, Verdict } from '../verdict.ts';
import { entrypointVerdict } from './entrypoint.ts';
import { memoryLimit, type Rule, statusLine, who } from './rule.ts';

/** Exit codes that already name a cause on their own (exit-rules.ts). */
const SPECIFIC = new Set([0, 126, 127, 137, 139, 143]);

/** Terminations the kubelet or runtime wrote: their record decides (kubelet-rules.ts). */
const KUBELET_WRITTEN = new Set(['OOMKilled', 'StartError', 'ContainerCannotRun', 'ContainerStatusUnknown']);

/** The exit says nothing specific (not 0, 126, 127, 137, 139, 143, nor a kubelet-written reason): the log may. */
export function generic(clues: Clues): boolean {
  const t = clues.termination;
  if (t === undefined) return clues.waiting === undefined || clues.waiting.reason === 'CrashLoopBackOff';
  return !SPECIFIC.has(t.exitCode) && t.reason !== 'OOMKilled' && t.reason !== 'StartError';
}

const RUNTIME_NAME = {
  go: 'Go runtime',
  python: 'Python interpreter',
  node: 'Node.js heap',
  jvm: 'JVM heap',
  rust: 'Rust allocator',
  dotnet: '.NET runtime',
  native: 'C++ allocator',
  ruby: 'Ruby VM',
  php: 'PHP memory_limit',
} as const satisfies Record<Runtime, string>;

/** Exits a runtime's fatal message cannot explain: success, the entrypoint never ran, a SIGTERM from outside. */
const NOT_A_RUNTIME_EXIT = new Set([0, 126, 127, 143]);

export const runtimeOom: Rule = {
  id: 'log-runtime-oom',
  places: ['runtime-fatal'],
  detect(clues) {
    const t = clues.termination;
    const sig = [...clues.signatures].reverse().find((s) => s.kind === 'runtime-oom');
    if (sig === undefined || (t !== undefined && (KUBELET_WRITTEN.has(t.reason ?? '') || NOT_A_RUNTIME_EXIT.has(t.exitCode)))) return [];
    if (t === undefined && !generic(clues)) return [];
    // The runtime's own message outranks its exit code: Node aborts (134) or faults (139) after a heap
    // OOM; 137 after a JVM OutOfMemoryError is -XX:OnOutOfMemoryError="kill -9 %p".
    const limit = memoryLimit(clues);
    const inside = limit === undefined ? 'with no container memory limit' : `inside its ${limit} limit`;
    const runtime = sig.runtime === undefined ? 'runtime' : RUNTIME_NAME[sig.runtime];
    return [
      {
        id: 'runtime-oom',
        place: 'runtime-fatal',
        confidence: 'high',
        title: `Out of memory in the ${runtime}`,
        summary: `The ${runtime} ran out of memory ${inside} and ${who(clues)} ${t === undefined ? 'stopped' : exitedWith(t.exitCode)}; the kernel did not kill it (no OOMKilled), the runtime's own memory cap did.`,
        evidence: [
          ...statusLine(clues),
          { source: 'logs', text: sig.text },
          { source: 'spec', text: limit === undefined ? 'resources.limits.memory is not set' : `resources.limits.memory ${limit}` },
        ],
        fix: { kind: 'runtime-heap', ...(sig.runtime === undefined ? {} : { runtime: sig.runtime }) },
      },
    ];
  },
};

export const execError: Rule = {
  id: 'log-exec-error',
  places: ['log-cause'],
  detect(clues) {
    const sig = clues.signatures.find((s) => s.kind === 'exec-error');
    if (sig === undefined || !generic(clues)) return [];
    const exec = parseExecFailure(sig.text) ?? { problem: 'not-found' as const, ...(sig.path === undefined ? {} : { path: sig.path }) };
    return [entrypointVerdict(clues, exec, 'log-cause', [...statusLine(clues), { source: 'logs', text: sig.text }])];
  },
};

function missingConfig(
  clues: Clues,
  sig: LogSignature,
  fix: Fix,
  what: string,
  extra: EvidenceLine[],
  detail: CauseDetail,
  title = `Missing ${what}`,
): Verdict {
  const t = clues.termination;
  return {
    id: 'missing-config',
    detail,
    place: 'log-cause',
    confidence: 'high',
    title,
    summary: `${who(clues)} ${t === undefined ? 'stops' : exitedWith(t.exitCode)} because ${what} is missing (${sig.text}).`,
    evidence: [...statusLine(clues), ...logLines(clues, sig), ...extra],
    fix,
  };
}

/** Edit distance, for telling a misspelled or renamed variable (DATABSE_URL, DB_URL) from a missing one. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min((row[j] ?? 0) + 1, (next[j - 1] ?? 0) + 1, (row[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length] ?? 0;
}

/** A name the spec sets that is close to the one the app wants: a typo, or the same last word (DB_PASSWORD / POSTGRES_PASSWORD). */
export function similarName(wanted: string, names: readonly string[]): string | undefined {
  const last = (n: string) => n.split('_').pop() ?? n;
  const within = names.filter((n) => n !== wanted && n.length > 3 && (n.endsWith(wanted) || wanted.endsWith(n) || n.startsWith(wanted)));
  if (within[0] !== undefined) return within[0];
  const close = names.filter((n) => n !== wanted && distance(n.toUpperCase(), wanted.toUpperCase()) <= Math.max(2, Math.floor(wanted.length / 5)));
  if (close[0] !== undefined) return close[0];
  const sameTail = names.filter((n) => n !== wanted && wanted.includes('_') && last(n) === last(wanted) && last(wanted).length >= 3);
  return sameTail.length === 1 ? sameTail[0] : undefined;
}

export const missingEnv: Rule = {
  id: 'log-missing-env',
  places: ['log-cause'],
  detect(clues) {
    const sig = clues.primary;
    if (sig?.kind !== 'missing-env' || sig.name === undefined || !generic(clues)) return [];
    const env = clues.container?.env.find((e) => e.name === sig.name);
    const from = env?.from;
    if (from !== undefined && (from.kind === 'secretKeyRef' || from.kind === 'configMapKeyRef')) {
      const object = from.kind === 'secretKeyRef' ? 'secret' : 'configmap';
      const spec: EvidenceLine = {
        source: 'spec',
        text: `env ${sig.name} comes from ${from.kind === 'secretKeyRef' ? 'Secret' : 'ConfigMap'} ${from.name} key ${from.key}${from.optional ? ' (optional: true, so the pod starts without it)' : ''}`,
      };
      return [
        missingConfig(
          clues,
          sig,
          { kind: 'missing-object', object, name: from.name, key: from.key },
          `environment variable ${sig.name}`,
          [spec],
          'missing-env',
        ),
      ];
    }
    const envFrom = clues.container?.envFrom ?? [];
    const similar = env === undefined ? similarName(sig.name, clues.container?.env.map((e) => e.name) ?? []) : undefined;
    const spec: EvidenceLine[] =
      env !== undefined
        ? [{ source: 'spec', text: `env ${sig.name} is defined in the pod spec; the value it gets is empty or wrong` }]
        : [
            {
              source: 'spec',
              text: `env ${sig.name} is not set in the pod spec${similar === undefined ? '' : `; it sets ${similar} (renamed or misspelled?)`}${envFrom.length === 0 ? '' : ` (envFrom: ${envFrom.map((e) => `${e.kind} ${e.name}`).join(', ')})`}`,
            },
          ];
    return [
      missingConfig(
        clues,
        sig,
        { kind: 'missing-env', name: sig.name, ...(similar === undefined ? {} : { similar }) },
        `environment variable ${sig.name}`,
        spec,
        'missing-env',
      ),
    ];
  },
};

const CONFIG_PATH = /\.(?:ya?ml|json|toml|ini|conf|cfg|properties|env|xml|pem|crt|key)$|^\/etc\/|\/(?:config|conf|secrets?|certs?)\//i;

/** Image content (code, assets, a subdirectory) under a ConfigMap/Secret mount: the mount hid it, it is not a missing key. */
const IMAGE_CONTENT = /\.(?:js|mjs|cjs|py|pyc|rb|php|jar|war|class|so|dll|html?|css|svg|png|sh|node|wasm)$/i;

function hidesImageFiles(rest: string, keys: readonly string[]): boolean {
  if (rest.includes('/')) return true;
  if (keys.length > 0 && !keys.includes(rest) && !CONFIG_PATH.test(rest)) return true;
  return IMAGE_CONTENT.test(rest);
}

export const missingFile: Rule = {
  id: 'log-missing-file',
  places: ['log-cause', 'log-crash'],
  detect(clues) {
    const sig = clues.primary;
    if (sig?.kind !== 'missing-file' || sig.path === undefined || !generic(clues)) return [];
    const path = sig.path;
    const mount = clues.container?.volumeMounts
      .filter((m) => path.startsWith(m.mountPath.endsWith('/') ? m.mountPath : `${m.mountPath}/`))
      .sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
    const volume = mount === undefined ? undefined : clues.pod?.volumes.find((v) => v.name === mount.name);
    const source = volume?.sources[0];
    if (mount !== undefined && volume !== undefined && source !== undefined) {
      const rest = path.slice(mount.mountPath.replace(/\/$/, '').length + 1);
      const key = rest.split('/')[0] ?? '';
      const kind = source.kind === 'secret' ? 'Secret' : 'ConfigMap';
      if (hidesImageFiles(rest, source.keys)) {
        const spec: EvidenceLine = {
          source: 'spec',
          text: `${mount.mountPath} is volume ${volume.name} from ${kind} ${source.name}: the mount replaces everything the image has in ${mount.mountPath}`,
        };
        return [
          missingConfig(
            clues,
            sig,
            {
              kind: 'mount-hides-files',
              path,
              mountPath: mount.mountPath,
              volume: volume.name,
              object: { kind: source.kind === 'secret' ? 'secret' : 'configmap', name: source.name },
            },
            `${path}: the ${kind} mount hides the image's files there`,
            [spec],
            'mount-hides-files',
            `${kind} mount hides ${path.split('/').pop() ?? path}`,
          ),
        ];
      }
      const spec: EvidenceLine = {
        source: 'spec',
        text: `${mount.mountPath} is volume ${volume.name} from ${kind} ${source.name}${source.keys.length === 0 ? '' : ` (items: ${source.keys.join(', ')})`}; it has no ${key}`,
      };
      return [
        missingConfig(
          clues,
          sig,
          { kind: 'missing-object', object: source.kind === 'secret' ? 'secret' : 'configmap', name: source.name, key, volume: volume.name },
          `config file ${path}`,
          [spec],
          'missing-file',
        ),
      ];
    }
    if (!CONFIG_PATH.test(path)) return [crashVerdict(clues, 'log-crash', sig)];
    const spec: EvidenceLine = { source: 'spec', text: `no volume is mounted over ${path}, and the image does not hold it` };
    return [missingConfig(clues, sig, { kind: 'missing-file', path }, `config file ${path}`, [spec], 'missing-file')];
  },
};
