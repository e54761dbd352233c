/**
 * Sub-causes of application crashes: the log names what the fix turns on (a refused API call, a path
 * the process cannot write, a port, the database's refusal, a certificate, a module the image lacks,
 * a service-link variable). Each rule answers only under a generic exit, with its own proof line and
 * a fix plan that carries the names from the evidence.
 */
import type { Clues } from '../clues.ts';
import { logLines } from '../crash-verdict.ts';
import type { CauseDetail, EvidenceLine } from '../document.ts';
import type { VolumeFacts } from '../evidence.ts';
import type { ForbiddenAccess, LogSignature } from '../log-signature-types.ts';
import type { SignatureKind } from '../precedence.ts';
import { describeExit, exitedWith } from '../signals.ts';
import type { Fix, Verdict } from '../verdict.ts';
import { generic } from './log-rules.ts';
import { type Rule, statusLine, who } from './rule.ts';

function signature(clues: Clues, kind: SignatureKind): LogSignature | undefined {
  const p = clues.primary;
  return p?.kind === kind && generic(clues) ? p : undefined;
}

function appVerdict(clues: Clues, detail: CauseDetail, headline: string, because: string, sig: LogSignature, spec: EvidenceLine[], fix: Fix): Verdict {
  const t = clues.termination;
  return {
    id: 'app-crash',
    detail,
    place: 'log-cause',
    confidence: 'high',
    title: `${headline} (${t === undefined ? 'crash' : describeExit(t.exitCode)})`,
    summary: `${who(clues)} ${t === undefined ? 'stops' : exitedWith(t.exitCode)}: ${because} (${sig.text}).`,
    evidence: [...statusLine(clues), ...logLines(clues, sig), ...spec],
    fix,
  };
}

/** `sa` from `system:serviceaccount:ns:sa`; the whole user otherwise. */
function shortUser(user: string): string {
  return /^system:serviceaccount:[^:]+:(.+)$/.exec(user)?.[1] ?? user;
}

function accessKey(a: ForbiddenAccess): string {
  return `${a.user}|${a.verb}|${a.resource}|${a.group}|${a.namespace ?? ''}`;
}

export const apiForbidden: Rule = {
  id: 'app-api-forbidden',
  places: ['log-cause'],
  detect(clues) {
    const sig = signature(clues, 'api-forbidden');
    if (sig?.forbidden === undefined) return [];
    const seen = new Map<string, ForbiddenAccess>();
    for (const s of clues.signatures) if (s.forbidden !== undefined) seen.set(accessKey(s.forbidden), s.forbidden);
    const access = [...seen.values()];
    const f = sig.forbidden;
    const what = `${f.verb} ${f.resource}${f.group === '' ? '' : ` in API group ${f.group}`}`;
    const sa = clues.pod?.serviceAccountName ?? 'default';
    const spec: EvidenceLine = {
      source: 'spec',
      text: `serviceAccountName: ${sa}${clues.pod?.serviceAccountName === undefined ? ' (none set: the namespace default)' : ''}`,
    };
    const more = access.length > 1 ? `; ${access.length} refused permissions in the log` : '';
    return [
      appVerdict(
        clues,
        'api-forbidden',
        `Forbidden: ${shortUser(f.user)} cannot ${f.verb} ${f.resource}`,
        `the Kubernetes API refuses its service account: ${f.user} may not ${what}${f.namespace === undefined ? ' at the cluster scope' : ` in namespace ${f.namespace}`}${more}`,
        sig,
        [spec],
        { kind: 'rbac', access },
      ),
    ];
  },
};

/** The mount that holds `path`, deepest first. */
export function mountOver(clues: Clues, path: string): { mountPath: string; volume?: VolumeFacts; readOnly: boolean; subPath?: string } | undefined {
  const m = clues.container?.volumeMounts
    .filter((x) => path === x.mountPath || path.startsWith(x.mountPath.endsWith('/') ? x.mountPath : `${x.mountPath}/`))
    .sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
  if (m === undefined) return undefined;
  const volume = clues.pod?.volumes.find((v) => v.name === m.name);
  return {
    mountPath: m.mountPath,
    readOnly: m.readOnly,
    ...(volume === undefined ? {} : { volume }),
    ...(m.subPath === undefined ? {} : { subPath: m.subPath }),
  };
}

/** The directory to make writable: the path itself when it looks like one, else its parent. */
function dirOf(path: string): string {
  const last = path.split('/').pop() ?? '';
  if (!last.includes('.') || last.startsWith('.')) return path.replace(/\/$/, '') || '/';
  return path.slice(0, path.lastIndexOf('/')) || '/';
}

const PROJECTED_KINDS = new Set(['configMap', 'secret', 'projected']);

export const fsReadOnly: Rule = {
  id: 'app-fs-read-only',
  places: ['log-cause'],
  detect(clues) {
    const sig = signature(clues, 'fs-read-only');
    if (sig === undefined) return [];
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
      appVerdict(clues, 'fs-read-only', `Read-only file system: ${path === '' ? 'write refused' : path}`, because, sig, spec, {
        kind: 'writable-path',
        path: path === '' ? dir : path,
        dir,
        ...(mount?.volume !== undefined && PROJECTED_KINDS.has(mount.volume.kind) ? { projected: mount.volume.name } : {}),
      }),
    ];
  },
};

export const fsPermission: Rule = {
  id: 'app-fs-permission-denied',
  places: ['log-cause'],
  detect(clues) {
    const sig = signature(clues, 'fs-permission-denied');
    if (sig?.path === undefined) return [];
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
      appVerdict(clues, 'fs-permission-denied', `Permission denied: ${sig.path}`, because, sig, spec, {
        kind: 'fs-permission-denied',
        path: sig.path,
        ...(mount === undefined ? {} : { mountPath: mount.mountPath }),
        ...(volume === undefined ? {} : { volume: volume.name, volumeKind: volume.kind }),
      }),
    ];
  },
};

/** Service-link variables: `NAME_PORT=tcp://IP:PORT` for Service `name` (the kubelet's docker-links style). */
export const serviceLink: Rule = {
  id: 'app-service-link-collision',
  places: ['log-cause'],
  detect(clues) {
    const sig = signature(clues, 'service-link-collision');
    if (sig === undefined || clues.pod?.enableServiceLinks === false) return [];
    const name = sig.name;
    const setInSpec = name !== undefined && clues.container?.env.some((e) => e.name === name) === true;
    const service =
      name === undefined
        ? undefined
        : name
            .replace(/_(?:SERVICE_)?(?:PORT|HOST|ADDR|SERVICE_PORT)$/, '')
            .toLowerCase()
            .replaceAll('_', '-');
    const spec: EvidenceLine = {
      source: 'spec',
      text:
        name === undefined
          ? 'enableServiceLinks is not set to false: the kubelet sets NAME_PORT=tcp://IP:PORT for every Service in the namespace (enableServiceLinks defaults to true)'
          : `${name} is ${setInSpec ? 'set in the pod spec too' : 'not set in the pod spec'}: the kubelet sets it for Service ${service ?? ''} (enableServiceLinks defaults to true)`,
    };
    return [
      appVerdict(
        clues,
        'service-link-collision',
        name === undefined ? `Service-link value tcp://…:${sig.port ?? ''} in a setting` : `Service-link variable ${name} collides`,
        `a Kubernetes service-link value (tcp://IP:${sig.port ?? 'PORT'}) reached a setting the app reads as its own`,
        sig,
        [spec],
        { kind: 'service-links', ...(name === undefined ? {} : { name }), ...(service === undefined ? {} : { service }) },
      ),
    ];
  },
};

export const dbAuth: Rule = {
  id: 'app-db-auth',
  places: ['log-cause'],
  detect(clues) {
    const sig = signature(clues, 'db-auth');
    if (sig === undefined) return [];
    const feeds = (clues.container?.env ?? []).flatMap((e) =>
      e.from.kind === 'secretKeyRef' && /PASS|PWD|SECRET|DSN|URL|URI|CRED/i.test(e.name) ? [{ env: e.name, secret: e.from.name, key: e.from.key }] : [],
    );
    const fromEnvFrom = (clues.container?.envFrom ?? []).filter((e) => e.kind === 'secret').map((e) => e.name);
    const spec: EvidenceLine[] = feeds.map((f) => ({ source: 'spec' as const, text: `env ${f.env} comes from Secret ${f.secret} key ${f.key}` }));
    if (spec.length === 0 && fromEnvFrom.length > 0) spec.push({ source: 'spec', text: `envFrom: Secret ${fromEnvFrom.join(', ')}` });
    if (spec.length === 0)
      spec.push({ source: 'spec', text: 'no env var from a Secret feeds a password: it is set as a literal value, in a file or in the image' });
    const user = sig.name;
    return [
      appVerdict(
        clues,
        'db-auth',
        `Database refused ${user === undefined ? 'the credentials' : `user ${user}`}`,
        `the database refuses ${user === undefined ? 'its credentials' : `the password for user ${user}`}`,
        sig,
        spec,
        {
          kind: 'db-auth',
          ...(user === undefined ? {} : { user }),
          secrets: feeds,
          envFrom: fromEnvFrom,
        },
      ),
    ];
  },
};

export const tlsVerify: Rule = {
  id: 'app-tls-verify',
  places: ['log-cause'],
  detect(clues) {
    const sig = signature(clues, 'tls-verify');
    if (sig === undefined) return [];
    const problem = /expired|CERT_HAS_EXPIRED/i.test(sig.text)
      ? 'expired'
      : /is valid for|not valid for|ALTNAME|doesn't match|does not match|doesn't contain any IP|cannot validate certificate for/i.test(sig.text)
        ? 'name'
        : 'unknown-ca';
    const why = {
      expired: 'the certificate has expired',
      name: 'the certificate does not name the host it was reached by',
      'unknown-ca': 'the certificate is signed by a CA the container does not trust',
    }[problem];
    return [
      appVerdict(clues, 'tls-verify', `TLS verification failed${sig.endpoint === undefined ? '' : `: ${sig.endpoint}`}`, why, sig, [], {
        kind: 'tls-verify',
        problem,
        ...(sig.endpoint === undefined ? {} : { endpoint: sig.endpoint }),
        ...(clues.runtime === undefined ? {} : { runtime: clues.runtime }),
      }),
    ];
  },
};

export const missingCode: Rule = {
  id: 'app-missing-code',
  places: ['log-cause'],
  detect(clues) {
    const loader127 = clues.termination?.exitCode === 127 && clues.primary?.kind === 'missing-shared-library' ? clues.primary : undefined;
    const sig = signature(clues, 'missing-module') ?? signature(clues, 'missing-shared-library') ?? loader127;
    if (sig === undefined) return [];
    const library = sig.kind === 'missing-shared-library';
    const name = sig.path ?? (library ? 'a shared library' : 'a module');
    const hidden = name.startsWith('/') ? mountOver(clues, name) : undefined;
    const source = hidden?.volume?.sources[0];
    if (hidden?.volume !== undefined && source !== undefined && hidden.subPath === undefined && PROJECTED_KINDS.has(hidden.volume.kind)) {
      const kind = source.kind === 'secret' ? 'Secret' : 'ConfigMap';
      return [
        {
          ...appVerdict(
            clues,
            'mount-hides-files',
            `${kind} mount hides ${name}`,
            `${name} is image content under ${hidden.mountPath}, where ${kind} ${source.name} is mounted: the mount replaces the image's files there`,
            sig,
            [
              {
                source: 'spec',
                text: `volumeMounts: ${hidden.mountPath} from ${hidden.volume.kind} volume ${hidden.volume.name} (${kind} ${source.name}), no subPath`,
              },
            ],
            {
              kind: 'mount-hides-files',
              path: name,
              mountPath: hidden.mountPath,
              volume: hidden.volume.name,
              object: { kind: source.kind === 'secret' ? 'secret' : 'configmap', name: source.name },
            },
          ),
          id: 'missing-config',
        },
      ];
    }
    const image = clues.container?.image ?? 'the image';
    return [
      appVerdict(
        clues,
        library ? 'missing-shared-library' : 'missing-module',
        `${library ? 'Missing shared library' : 'Missing module'} ${name}`,
        `${name} is missing from the image (${image}): an image build problem`,
        sig,
        [{ source: 'spec', text: `image ${image}` }],
        { kind: 'image-content', what: library ? 'library' : 'module', name },
      ),
    ];
  },
};

export const portBind: Rule = {
  id: 'app-port-bind',
  places: ['log-cause'],
  detect(clues) {
    const sig = signature(clues, 'port-bind') ?? signature(clues, 'port-privileged');
    if (sig === undefined) return [];
    const privileged = sig.kind === 'port-privileged';
    const port = sig.port;
    const c = clues.container;
    const spec: EvidenceLine[] = [];
    if (privileged) {
      const user = c?.securityContext?.runAsUser ?? clues.pod?.securityContext?.runAsUser;
      spec.push({
        source: 'spec',
        text: `securityContext: runAsUser ${user ?? 'not set'}, runAsNonRoot ${String(c?.securityContext?.runAsNonRoot ?? clues.pod?.securityContext?.runAsNonRoot ?? false)}`,
      });
    } else {
      const others = (clues.pod?.containers ?? []).filter((o) => o.name !== c?.name && o.ports.some((p) => p.containerPort === port));
      spec.push({
        source: 'spec',
        text:
          others.length > 0
            ? `container ${others.map((o) => o.name).join(', ')} in the same pod also declares port ${port ?? ''}`
            : `containers in a pod share one network namespace: another process in the pod (or the app itself, started twice) holds ${port === undefined ? 'the port' : `port ${port}`}`,
      });
    }
    return [
      appVerdict(
        clues,
        privileged ? 'port-privileged' : 'port-bind',
        privileged ? `Cannot bind port ${port ?? ''} as non-root` : `Port ${port ?? ''} already in use`.replace('  ', ' '),
        privileged
          ? `it binds port ${port ?? ''} (below 1024) without root or the capability to do so`
          : `${port === undefined ? 'its port' : `port ${port}`} is already taken when it starts listening`,
        sig,
        spec,
        { kind: 'port', problem: privileged ? 'privileged' : 'in-use', ...(port === undefined ? {} : { port }) },
      ),
    ];
  },
};
