/**
 * Line matchers for what the world refused the program: a dependency (refused, unresolvable, timed
 * out), with what the sub-causes of sub-causes/ share (the apiserver's RBAC message, a path in an
 * errno line); the Kubernetes API's, the filesystem's, a port's, a database's and a TLS peer's
 * refusals are sub-causes/api-forbidden.ts's, fs-read-only.ts's, fs-permission-denied.ts's,
 * port-privileged.ts's, port-bind.ts's, db-auth.ts's and tls-verify.ts's. Texts are the servers' and runtimes' own (Kubernetes apiserver RBAC
 * messages, libc/errno strings, Go net, Node.js, libpq, CPython, Java).
 */
import type { ForbiddenAccess, LineMatcher as Matcher } from './log-signature-types.ts';

/** JSON bodies quote with `\"`; both forms read the same. */
function unquoteJson(line: string): string {
  return line.replaceAll('\\"', '"');
}

/**
 * The apiserver's RBAC refusal (k8s.io/apiserver authorization): `User "system:serviceaccount:NS:SA"
 * cannot VERB resource "RES" in API group "G" in the namespace "NS"` (or `at the cluster scope`).
 */
const FORBIDDEN =
  /User "([^"]+)" cannot ([a-z]+) (?:resource "([^"]+)"|([a-z][\w./-]*))(?: in API group "([^"]*)")?(?: in the namespace "([^"]+)"| at the cluster scope)?/;

export function parseForbidden(line: string): ForbiddenAccess | undefined {
  const m = FORBIDDEN.exec(unquoteJson(line));
  const user = m?.[1];
  const verb = m?.[2];
  const resource = m?.[3] ?? m?.[4];
  if (m === null || user === undefined || verb === undefined || resource === undefined) return undefined;
  return { user, verb, resource, group: m[5] ?? '', ...(m[6] === undefined ? {} : { namespace: m[6] }) };
}

/** A path quoted or after `: ` in an errno message. */
export function pathIn(line: string, ...patterns: RegExp[]): string | undefined {
  for (const p of patterns) {
    const path = p.exec(line)?.[1];
    if (path?.startsWith('/')) return path.replace(/[)'",:]+$/, '');
  }
  return undefined;
}

export const QUOTED_PATH = /['"“](\/[^'"”]+)['"”]/;
export const BARE_PATH = /(?:^|\s)(\/[^\s:'"]+)/;

/** nginx: `host not found in upstream "backend:8080"` names the host it cannot resolve. */
export const NGINX_UPSTREAM = /\[emerg\].*host not found in (?:upstream|resolver) "([^"]+)"/;
/** nginx: `host not found in resolver "kube-dns.kube-system.svc.cluster.local"`: the resolver directive names it. */
export const NGINX_RESOLVER = /host not found in resolver "/;

const nginxUpstream: Matcher = (line) => {
  const upstream = NGINX_UPSTREAM.exec(line)?.[1];
  return upstream === undefined ? undefined : { kind: 'dependency-unreachable', text: line, endpoint: upstream, failure: 'dns' };
};

/** `host:port` from what a log names: no scheme, no user:password@, no path. */
function hostPort(raw: string): string {
  return raw
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .replace(/^[^@/]*@/, '')
    .replace(/\/.*$/, '');
}

/** The first of `patterns` that matches `line`: a list at module level, since a regex literal in a function body is a new RegExp object per call, per line. */
export function firstMatch(patterns: readonly RegExp[], line: string): RegExpExecArray | null {
  for (const pattern of patterns) {
    const m = pattern.exec(line);
    if (m !== null) return m;
  }
  return null;
}

const REFUSED: readonly RegExp[] = [
  /dial tcp ([^\s:]+:\d+): connect: connection refused/,
  /ECONNREFUSED ([^\s,]+:\d+)/,
  /connection to server at "([^"]+)"(?: \([^)]*\))?, port (\d+) failed: Connection refused/,
  /Connection to ([\w.-]+:\d+) refused/,
  /(?:Connection refused|connection refused).*?(?:to |at |connecting to )([\w.-]+:\d+)/,
];
const DNS: readonly RegExp[] = [
  /dial tcp: lookup ([^\s:]+)(?: on [^\s]+)?: no such host/,
  /getaddrinfo (?:ENOTFOUND|EAI_AGAIN) ([^\s,]+)/,
  /could not translate host name "([^"]+)" to address/,
  /java\.net\.UnknownHostException: ([^\s:]+)/,
  /\b([\w.-]+)(?::\d+)?: (?:Name or service not known|Temporary failure in name resolution)/,
  // curl: `curl: (6) Could not resolve host: kubernetes` (kubernetes/kubernetes#110217).
  /Could not resolve host: ([\w.-]+)/,
];
const TIMEOUT: readonly RegExp[] = [/dial tcp ([^\s:]+:\d+): (?:i\/o timeout|connect: connection timed out)/, /ETIMEDOUT ([^\s,]+:\d+)/];
const ANY_REFUSED = /\b(?:Connection refused|ECONNREFUSED|connection refused)\b/;
const ANY_DNS = /Name or service not known|Temporary failure in name resolution|nodename nor servname provided/;

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
/** host:port with a name that starts with a letter (never an IP). */
const NAMED_HOST_PORT = /(?<![\w.-])([a-z][\w-]*(?:\.[\w-]+)*):(\d+)\b/gi;

/**
 * The name the line gives for an address it also names by IP (`failed to connect to server
 * [mongo-1.mongo:27017] … ECONNREFUSED 10.244.47.12:27017`): a pod IP changes when the pod is
 * replaced, its name does not, so a wait or a check is on the name.
 */
function preferName(endpoint: string, line: string): string {
  const [host = '', port] = endpoint.split(':');
  if (port === undefined || !IPV4.test(host)) return endpoint;
  for (const m of line.matchAll(NAMED_HOST_PORT)) if (m[2] === port && m[1] !== undefined) return `${m[1]}:${port}`;
  return endpoint;
}

/** Connection failures naming the host and port: Go net, Node.js, libpq, CPython, Java. */
const connection: Matcher = (line) => {
  const refused = firstMatch(REFUSED, line);
  if (refused?.[1]) {
    const endpoint = preferName(hostPort(refused[2] ? `${refused[1]}:${refused[2]}` : refused[1]), line);
    return { kind: 'dependency-unreachable', text: line, endpoint, failure: 'refused' };
  }
  const dns = firstMatch(DNS, line);
  if (dns?.[1]) return { kind: 'dependency-unreachable', text: line, endpoint: hostPort(dns[1]), failure: 'dns' };
  const timeout = firstMatch(TIMEOUT, line);
  if (timeout?.[1]) return { kind: 'dependency-unreachable', text: line, endpoint: preferName(hostPort(timeout[1]), line), failure: 'timeout' };
  if (ANY_REFUSED.test(line)) return { kind: 'dependency-unreachable', text: line, failure: 'refused' };
  if (ANY_DNS.test(line)) return { kind: 'dependency-unreachable', text: line, failure: 'dns' };
  return undefined;
};

/** This file's matcher of each signature kind it knows (log-matchers.ts merges them in precedence order). */
export const ACCESS_MATCHERS = {
  'dependency-unreachable': (line: string) => nginxUpstream(line) ?? connection(line),
} as const satisfies Readonly<Record<string, Matcher>>;
