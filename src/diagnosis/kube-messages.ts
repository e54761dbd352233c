/**
 * Parsers for the kubelet's and the runtime's own texts, as written by
 * https://github.com/kubernetes/kubernetes/blob/master/pkg/kubelet (kuberuntime/, images/, prober/) and containerd/runc. Each returns the
 * names in the message, so remedies can use them.
 */

export interface MissingObject {
  object: 'configmap' | 'secret';
  name: string;
  /** For `couldn't find key …`: the key, and the namespace the message names. */
  key?: string;
  namespace?: string;
  /** For FailedMount: the pod volume that needs it. */
  volume?: string;
}

/**
 * `configmap "app-config" not found`, `secret "db-creds" not found` (CreateContainerConfigError,
 * FailedMount suffix, Failed `Error: …`) and `couldn't find key DB_HOST in ConfigMap default/app-config`.
 */
export function parseMissingObject(message: string): MissingObject | undefined {
  const volume = /for volume "([^"]+)"/.exec(message)?.[1];
  const withVolume = volume === undefined ? {} : { volume };
  const notFound = /\b(configmaps?|secrets?) "([^"]+)" not found/i.exec(message);
  if (notFound?.[1] && notFound[2]) {
    const object = notFound[1].toLowerCase().startsWith('secret') ? 'secret' : 'configmap';
    return { object, name: notFound[2], ...withVolume };
  }
  const key = /couldn't find key (\S+) in (ConfigMap|Secret) ([^/\s]+)\/(\S+)/i.exec(message);
  if (key?.[1] && key[2] && key[3] && key[4]) {
    return { object: key[2].toLowerCase() === 'secret' ? 'secret' : 'configmap', name: key[4], key: key[1], namespace: key[3] };
  }
  return undefined;
}

export type EntrypointProblem = 'not-found' | 'not-executable' | 'exec-format' | 'no-command' | 'crlf';

export interface ExecFailure {
  problem: EntrypointProblem;
  /** The command runc tried to exec, when the message names it. */
  path?: string;
}

/**
 * A script saved with CRLF (Windows) line endings, as the shells and env(1) report the carriage
 * return they read as part of a name: bash `/bin/sh^M: bad interpreter: No such file or directory`
 * (bash prints the CR as ^M), env `'bash\r': No such file or directory`, bash `$'\r': command not
 * found` for each blank line, and `set: illegal option -` for `set -e` followed by a CR.
 */
const CRLF = /(?:\^M|\r): bad interpreter|\\r': No such file or directory|\$'\\r': command not found|\bset: (?:line \d+: )?[Ii]llegal option -\s*$/;
const INTERPRETER = /^(?:\S*\/)?(?:ba|da|a|z)?sh$|(?:^|\/)env$/;

/** The CRLF failure a line reports, with the script it names when it names one. */
export function parseCrlf(line: string): ExecFailure | undefined {
  if (!CRLF.test(line)) return undefined;
  const script = line
    .split(': ')
    .find((part) => /^\S+$/.test(part) && !/\^M|\r/.test(part) && !INTERPRETER.test(part) && (part.startsWith('/') || part.endsWith('.sh')));
  return { problem: 'crlf', ...(script === undefined ? {} : { path: script }) };
}

/** runc's exec errors inside StartError / RunContainerError messages and container stderr (§2), and CRLF scripts. */
export function parseExecFailure(message: string): ExecFailure | undefined {
  const crlf = parseCrlf(message);
  if (crlf !== undefined) return crlf;
  const quoted =
    /exec: "([^"]+)": (executable file not found in \$PATH|stat \S+: no such file or directory|no such file or directory|permission denied|exec format error)/.exec(
      message,
    );
  const bare = /\bexec (\/\S+): (exec format error|no such file or directory|permission denied)/.exec(message);
  const m = quoted ?? bare;
  if (m?.[1] && m[2]) {
    const problem = m[2].includes('permission denied') ? 'not-executable' : m[2].includes('exec format error') ? 'exec-format' : 'not-found';
    return { problem, path: m[1] };
  }
  if (/exec format error/.test(message)) return { problem: 'exec-format' };
  if (/no command specified/.test(message)) return { problem: 'no-command' };
  if (/executable file not found|exec user process caused: no such file/.test(message)) return { problem: 'not-found' };
  return undefined;
}

export type ImageProblem = 'not-found' | 'auth' | 'unreachable' | 'rate-limit' | 'invalid-name' | 'never-pull' | 'other';

/** What an ErrImagePull / ImagePullBackOff / Failed-pull text says went wrong (§1, §3). */
export function parseImageProblem(reason: string, message: string): ImageProblem {
  if (reason === 'InvalidImageName') return 'invalid-name';
  if (reason === 'ErrImageNeverPull') return 'never-pull';
  if (/toomanyrequests|429 Too Many Requests|rate limit/i.test(message)) return 'rate-limit';
  if (/unauthorized|authentication required|403 Forbidden|401 Unauthorized|pull access denied|denied:|insufficient_scope/i.test(message)) return 'auth';
  if (/no such host|i\/o timeout|connection refused|dial tcp|TLS handshake timeout|network is unreachable/i.test(message)) return 'unreachable';
  if (/code = NotFound|manifest unknown|: not found|not found: manifest|repository does not exist/i.test(message)) return 'not-found';
  return 'other';
}

/** The image a pull message quotes: `Failed to pull image "nginx:v99": …`, `Back-off pulling image "…"`. */
export function imageInMessage(message: string): string | undefined {
  return /image "([^"]+)"/.exec(message)?.[1];
}

export type ProbeKind = 'liveness' | 'readiness' | 'startup';
export type ProbeFailure = 'status' | 'refused' | 'timeout' | 'exec' | 'other';

export interface ProbeEvent {
  probe: ProbeKind;
  /** True for `Killing … failed liveness probe, will be restarted`; false for `Unhealthy`. */
  kill: boolean;
  output: string;
  failure: ProbeFailure;
  /** HTTP status for `HTTP probe failed with statuscode: 503`. */
  status?: number;
}

/** `Unhealthy` "Liveness probe failed: …" and `Killing` "Container app failed liveness probe, …" (§3). */
export function parseProbeEvent(reason: string, message: string): ProbeEvent | undefined {
  if (reason === 'Killing') {
    const kill = /^Container \S+ failed (liveness|startup) probe/.exec(message);
    if (kill?.[1] === undefined) return undefined;
    return { probe: kill[1] === 'startup' ? 'startup' : 'liveness', kill: true, output: message, failure: 'other' };
  }
  if (reason !== 'Unhealthy') return undefined;
  const m = /^(Liveness|Readiness|Startup) probe (failed|errored[^:]*): ([\s\S]*)$/.exec(message);
  if (m?.[1] === undefined) return undefined;
  const output = (m[3] ?? '').trim();
  const probe = m[1].toLowerCase() as ProbeKind;
  // `probe errored`: the kubelet could not run the probe at all (prober.go).
  if (m[2] !== 'failed') return { probe, kill: false, output, failure: 'other' };
  const status = /statuscode: (\d{3})/.exec(output)?.[1];
  if (status !== undefined) return { probe, kill: false, output, failure: 'status', status: Number(status) };
  const failure: ProbeFailure = /connection refused/.test(output)
    ? 'refused'
    : /deadline exceeded|Client\.Timeout|timed out|timeout/i.test(output)
      ? 'timeout'
      : /^Get "|^dial tcp|^HTTP probe|^tcp /.test(output)
        ? 'other'
        : 'exec';
  return { probe, kill: false, output, failure };
}
