/**
 * Remedies for the sub-causes of application crashes (rules/app-rules.ts, rules/app-access-rules.ts): each names what the fix
 * turns on, with the names from the evidence. Values only the user knows (a password, a new image
 * tag) are shell variables with a comment that says what to put in them; nothing is invented.
 */
import type { Clues } from '../clues.ts';
import type { Remedy } from '../document.ts';
import type { ForbiddenAccess } from '../log-signature-types.ts';
import { shq } from '../shell.ts';
import type { Fix } from '../verdict.ts';
import { listKeysCommand } from './object-keys.ts';
import { debugCopy, ns, patchContainer, replaceSteps, restart, type Workload } from './workload.ts';

type FixOf<K extends Fix['kind']> = Extract<Fix, { kind: K }>;

/** `pods` or `deployments.apps`: the form `kubectl auth can-i` and `kubectl create role` read. */
function resourceRef(a: ForbiddenAccess): string {
  const [resource = a.resource, sub] = a.resource.split('/');
  const qualified = a.group === '' ? resource : `${resource}.${a.group}`;
  return sub === undefined ? qualified : `${qualified}/${sub}`;
}

/** A DNS-1123 name from parts. */
function dnsName(...parts: string[]): string {
  return (
    parts
      .join('-')
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/-+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 63)
      .replace(/-$/, '') || 'app'
  );
}

export function rbacRemedies(clues: Clues, w: Workload, fix: FixOf<'rbac'>): Remedy[] {
  const checks = fix.access.map(
    (a) =>
      `kubectl auth can-i ${a.verb} ${shq(resourceRef(a))} --as=${shq(a.user)} ${a.namespace === undefined ? '--all-namespaces' : `-n ${shq(a.namespace)}`}`,
  );
  const out: Remedy[] = [];
  // One Role per user and scope: the verbs and resources the log shows refused (list also needs watch for informers).
  const groups = new Map<string, ForbiddenAccess[]>();
  for (const a of fix.access) groups.set(`${a.user}|${a.namespace ?? ''}`, [...(groups.get(`${a.user}|${a.namespace ?? ''}`) ?? []), a]);
  const grants: string[] = [];
  for (const list of groups.values()) {
    const first = list[0];
    if (first === undefined) continue;
    const sa = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(first.user);
    const subject = sa === null ? `--user=${shq(first.user)}` : `--serviceaccount=${shq(`${sa[1]}:${sa[2]}`)}`;
    const verbs = new Set(list.map((a) => a.verb));
    if (verbs.has('list')) verbs.add('watch');
    const resources = [...new Set(list.map(resourceRef))];
    const name = dnsName(sa?.[2] ?? first.user, 'access');
    const spec = `--verb=${[...verbs].join(',')} --resource=${shq(resources.join(','))}`;
    if (first.namespace === undefined) {
      grants.push(`kubectl create clusterrole ${name} ${spec}`, `kubectl create clusterrolebinding ${name} --clusterrole=${name} ${subject}`);
    } else {
      const where = `-n ${shq(first.namespace)}`;
      grants.push(`kubectl create role ${name} ${where} ${spec}`, `kubectl create rolebinding ${name} ${where} --role=${name} ${subject}`);
    }
  }
  out.push({
    kind: 'remedy',
    title: `Grant ${[...new Set(fix.access.map((a) => `${a.verb} ${resourceRef(a)}`))].join(', ')}${fix.access.some((a) => a.verb === 'list') ? ' (and watch, which informers need with list)' : ''}, then restart`,
    commands: [...grants, ...restart(w)],
  });
  out.push({ kind: 'diagnostic', title: `Confirm what ${fix.access[0]?.user ?? 'the service account'} may do (yes after the grant)`, commands: checks });
  if (clues.pod?.serviceAccountName === undefined)
    out.push({
      kind: 'remedy',
      title: 'The pod runs as the namespace default service account: give the app its own and grant that instead',
      commands: [`kubectl create serviceaccount ${dnsName(w.name)} ${ns(w)}`, ...patchContainer(w, {}, { serviceAccountName: dnsName(w.name) })],
    });
  return out;
}

export function writablePathRemedies(clues: Clues, w: Workload, fix: FixOf<'writable-path'>): Remedy[] {
  if (fix.projected !== undefined) {
    return [
      {
        kind: 'remedy',
        title: `Volume ${fix.projected} is read-only by design: mount it elsewhere and copy its files into a writable emptyDir at ${fix.dir} in an init container`,
        commands: replaceSteps(
          w,
          `mount volume ${fix.projected} at ${fix.dir}-ro; add an emptyDir volume mounted at ${fix.dir}; add an initContainer that runs cp ${fix.dir}-ro/* ${fix.dir}/ with both mounts`,
        ),
      },
    ];
  }
  const volume = dnsName('writable', fix.dir === '/' ? 'root' : fix.dir);
  return [
    {
      kind: 'remedy',
      title: `Give ${fix.dir} a writable emptyDir (the root filesystem stays read-only)`,
      commands: [...patchContainer(w, { volumeMounts: [{ name: volume, mountPath: fix.dir }] }, { volumes: [{ name: volume, emptyDir: {} }] })],
    },
    {
      kind: 'diagnostic',
      title: `Check what else the app writes outside its volumes (each such path needs an emptyDir too)`,
      commands: debugCopy(clues.podName, w, `touch ${fix.path} ; ls -la ${fix.dir}`),
    },
  ];
}

export function fsPermissionRemedies(clues: Clues, w: Workload, fix: FixOf<'fs-permission-denied'>): Remedy[] {
  const user = clues.container?.securityContext?.runAsUser ?? clues.pod?.securityContext?.runAsUser;
  const group = clues.container?.securityContext?.runAsGroup ?? user;
  const out: Remedy[] = [];
  const inspect: Remedy = {
    kind: 'diagnostic',
    title: `See who owns ${fix.path} and who the process runs as`,
    commands: debugCopy(clues.podName, w, `id ; ls -ln ${fix.mountPath ?? fix.path.slice(0, fix.path.lastIndexOf('/') + 1)}`),
  };
  if (fix.volume !== undefined && fix.volumeKind !== 'hostPath') {
    const fsGroup = group ?? 1000;
    out.push({
      kind: 'remedy',
      title: `Let the process group write volume ${fix.volume}: set fsGroup ${fsGroup}${group === undefined ? ' (the group the image runs as; 1000 is a guess: check with id above)' : ''}, so the kubelet makes the volume group-writable`,
      commands: patchContainer(w, {}, { securityContext: { fsGroup, fsGroupChangePolicy: 'OnRootMismatch' } }),
    });
  } else if (fix.volumeKind === 'hostPath') {
    out.push({
      kind: 'remedy',
      title: `fsGroup does not apply to hostPath volume ${fix.volume ?? ''}: run as the user that owns the host directory, or chown it on the node`,
      commands: [`kubectl get ${w.ref} ${ns(w)} -o jsonpath=${shq('{.spec.template.spec.securityContext}')}`],
    });
  } else {
    out.push({
      kind: 'remedy',
      title: `${fix.path} is image content: fix its owner in the image (chown in the Dockerfile) or run as the user that owns it`,
      commands: [`docker run --rm --entrypoint ls ${shq(clues.container?.image ?? 'IMAGE')} -ln ${shq(fix.path)}`],
    });
  }
  out.push(inspect);
  return out;
}

export function serviceLinkRemedies(_clues: Clues, w: Workload, fix: FixOf<'service-links'>): Remedy[] {
  return [
    {
      kind: 'remedy',
      title: `Turn the kubelet's service-link variables off for this pod (enableServiceLinks: false; DNS names keep working)`,
      commands: patchContainer(w, {}, { enableServiceLinks: false }),
    },
    ...(fix.service === undefined
      ? []
      : [
          {
            kind: 'diagnostic' as const,
            title: `The Service whose link variable ${fix.name ?? ''} collides`,
            commands: [`kubectl get service ${shq(fix.service)} ${ns(w)}`],
          },
        ]),
  ];
}

export function dbAuthRemedies(_clues: Clues, w: Workload, fix: FixOf<'db-auth'>): Remedy[] {
  const user = fix.user === undefined ? 'the app' : `user ${fix.user}`;
  const secrets = [...new Set([...fix.secrets.map((s) => s.secret), ...fix.envFrom])];
  const out: Remedy[] = [];
  const keys: Remedy[] = [];
  if (secrets.length > 0)
    keys.push({
      kind: 'diagnostic',
      title: `See which keys ${secrets.map((s) => `Secret ${s}`).join(', ')} has (names only; a renamed key or an unrotated Secret is common)`,
      commands: secrets.map((s) => listKeysCommand('secret', s, w.namespace)),
    });
  const feed = fix.secrets[0];
  if (feed !== undefined) {
    out.push({
      kind: 'remedy',
      title: `Put the password the database has for ${user} into Secret ${feed.secret} key ${feed.key}, then restart`,
      commands: [
        '# set DB_PASSWORD in your shell first (the password the database expects, from your vault or the database admin; never printed)',
        `kubectl patch secret ${shq(feed.secret)} ${ns(w)} --type merge -p "$(jq -n --arg v "$DB_PASSWORD" ${shq(`{stringData: {${JSON.stringify(feed.key)}: $v}}`)})"`,
        ...restart(w),
      ],
    });
  } else {
    const secret = dnsName(w.name, 'db');
    out.push({
      kind: 'remedy',
      title: `Give ${user} its password from a Secret, then restart`,
      commands: [
        '# set DB_PASSWORD in your shell first (the password the database expects, from your vault or the database admin)',
        `kubectl create secret generic ${secret} ${ns(w)} --from-literal=password="$DB_PASSWORD"`,
        ...patchContainer(w, { env: [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: secret, key: 'password' } } }] }),
      ],
    });
  }
  out.push(...keys);
  out.push({
    kind: 'diagnostic',
    title: `Or the database side changed: check that ${user} exists there with that password (and, for PostgreSQL, a pg_hba.conf entry for the pod network)`,
    commands: [`kubectl get ${w.ref} ${ns(w)} -o jsonpath=${shq('{.spec.template.spec.containers[*].env[*].name}')}`],
  });
  return out;
}

const CA_ENV: Partial<Record<NonNullable<FixOf<'tls-verify'>['runtime']>, string>> = {
  node: 'NODE_EXTRA_CA_CERTS',
  python: 'REQUESTS_CA_BUNDLE',
  go: 'SSL_CERT_FILE',
  ruby: 'SSL_CERT_FILE',
  php: 'SSL_CERT_FILE',
};

/**
 * The Kubernetes API reached by an IP its serving certificate does not list: in-cluster clients
 * reach it at the kubernetes Service's ClusterIP (KUBERNETES_SERVICE_HOST), so that IP must be among
 * the certificate's SANs (nginx/kubernetes-ingress#582, giantswarm/cert-operator#85). The request's
 * path says it is the API (`/api/v1/…`, `/apis/…`); the remedy is the certificate, reissued with its
 * old names and the IP (kubeadm), since the client cannot be pointed elsewhere.
 */
function apiServerIpRemedy(clues: Clues, host: string): Remedy | undefined {
  if (!/^\d{1,3}(?:\.\d{1,3}){3}$/.test(host)) return undefined;
  const text = clues.signatures.find((s) => s.kind === 'tls-verify')?.text ?? '';
  if (!new RegExp(`https://${host.replaceAll('.', '\\.')}(?::\\d+)?/apis?/`).test(text)) return undefined;
  return {
    kind: 'remedy',
    title: `Reissue the API server's certificate with IP ${host} (the kubernetes Service's address) among its names`,
    commands: [
      `# on each control-plane node (kubeadm): a new certificate with the old one's names and ${host}`,
      'sudo mv /etc/kubernetes/pki/apiserver.crt /etc/kubernetes/pki/apiserver.key /root/',
      `SANS=$(sudo openssl x509 -in /root/apiserver.crt -noout -ext subjectAltName | tail -n 1 | sed 's/DNS://g; s/IP Address://g; s/ //g')`,
      `sudo kubeadm init phase certs apiserver --apiserver-cert-extra-sans="$SANS,${host}"`,
    ],
  };
}

export function tlsRemedies(clues: Clues, w: Workload, fix: FixOf<'tls-verify'>): Remedy[] {
  const endpoint = fix.endpoint ?? 'HOST:443';
  const [host = endpoint, port = '443'] = endpoint.split(':');
  const env = fix.runtime === undefined ? 'SSL_CERT_FILE' : (CA_ENV[fix.runtime] ?? 'SSL_CERT_FILE');
  const bundle = dnsName(w.name, 'ca');
  const check: Remedy = {
    kind: 'diagnostic',
    title: `See the certificate ${host} presents (issuer, names, dates)`,
    commands: [
      `kubectl run tls-check ${ns(w)} --rm -i --image=alpine/openssl:3.3.2 --restart=Never -- s_client -connect ${shq(`${host}:${port}`)} -servername ${shq(host)} -showcerts </dev/null`,
    ],
  };
  const api = fix.problem === 'name' ? apiServerIpRemedy(clues, host) : undefined;
  if (api !== undefined) return [api, check];
  if (fix.problem !== 'unknown-ca')
    return [
      check,
      {
        kind: 'remedy',
        title:
          fix.problem === 'name'
            ? `Reach ${host} by a name its certificate lists (a DNS name instead of an IP), or reissue the certificate with ${host} among its subject alternative names`
            : `Renew the certificate on ${host} (trusting another CA does not help an expired one)`,
        commands: [`kubectl get ${w.ref} ${ns(w)} -o yaml | grep -n ${shq(host)}`],
      },
    ];
  return [
    {
      kind: 'remedy',
      title: `Trust the CA that signed it: ship it as ConfigMap ${bundle} and point ${fix.runtime === 'jvm' ? 'the JVM truststore' : env} at it (or fix the certificate on ${host})`,
      commands: [
        '# ca.crt: the issuing CA certificate in PEM (from your PKI or the s_client output above)',
        `kubectl create configmap ${bundle} ${ns(w)} --from-file=ca.crt=./ca.crt`,
        ...patchContainer(
          w,
          {
            volumeMounts: [{ name: bundle, mountPath: '/etc/ssl/extra/ca.crt', subPath: 'ca.crt', readOnly: true }],
            ...(fix.runtime === 'jvm' ? {} : { env: [{ name: env, value: '/etc/ssl/extra/ca.crt' }] }),
          },
          { volumes: [{ name: bundle, configMap: { name: bundle } }] },
        ),
      ],
    },
    check,
  ];
}
