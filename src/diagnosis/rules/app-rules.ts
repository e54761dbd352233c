/**
 * Sub-causes of application crashes about what it reaches and what its image holds: a Kubernetes
 * service-link value read as its own setting, the database's refusal, a certificate, a module or
 * library the image lacks (or a mount hides), a port. Each rule answers only under a generic exit,
 * with its own proof line and a fix plan that carries the names from the evidence.
 */
import type { EvidenceLine } from '../document.ts';
import { appVerdict, mountOver, PROJECTED_KINDS, signature } from './app-verdict.ts';
import type { Rule } from './rule.ts';

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
