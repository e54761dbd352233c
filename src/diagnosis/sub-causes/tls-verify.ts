/**
 * A peer's TLS certificate failed verification (Go crypto/x509, OpenSSL, Node.js, Java PKIX): signed
 * by a CA the container does not trust, issued for another name, or expired. The fix is the CA
 * trusted by the runtime, or the certificate itself.
 */
import type { Clues } from '../clues.ts';
import type { Remedy } from '../document.ts';
import type { Runtime } from '../log-signature-types.ts';
import { dnsName, ns, patchContainer, type Workload } from '../remedies/workload.ts';
import { appVerdict } from '../rules/app-verdict.ts';
import { shq } from '../shell.ts';
import { type SubCauseMatch, subCause } from './sub-cause.ts';

/** A host named by the failing request: `Get "https://h:443/…"`, `host='h', port=443`, `connect to h:443`. */
function tlsHost(line: string): string | undefined {
  const url = /(?:Get|Post|Put|Head|Delete|Patch) "?https?:\/\/([^/"\s]+)/.exec(line)?.[1];
  if (url !== undefined) return url;
  const pool = /host='([^']+)', port=(\d+)/.exec(line);
  if (pool?.[1] !== undefined) return `${pool[1]}:${pool[2] ?? ''}`;
  return /(?:connect(?:ing)? to|dial tcp) ([\w.-]+:\d+)/.exec(line)?.[1];
}

const tlsRefusal = (line: string): SubCauseMatch | undefined => {
  if (
    !/x509: certificate|x509: cannot validate certificate|certificate verify failed|CERTIFICATE_VERIFY_FAILED|unable to (?:verify the first|get local issuer) certificate|UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|CERT_HAS_EXPIRED|PKIX path building failed|ERR_TLS_CERT_ALTNAME_INVALID|tls: failed to verify certificate/.test(
      line,
    )
  )
    return undefined;
  const endpoint = tlsHost(line);
  return { text: line, ...(endpoint === undefined ? {} : { endpoint }) };
};

const CA_ENV: Partial<Record<Runtime, string>> = {
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

/** The plan: what failed, the peer when the line names it, the runtime (whose setting names the CA file). */
interface TlsPlan {
  problem: 'unknown-ca' | 'name' | 'expired';
  endpoint?: string;
  runtime?: Runtime;
}

export const tlsVerify = subCause({
  id: 'tls-verify',
  signature: {
    ranksAfter: 'db-auth',
    place: 'log-cause',
    decidesAtWarning: true,
    means: 'a TLS peer certificate failed verification; `endpoint` holds the host when named',
  },
  matcher: tlsRefusal,
  rule: 'app-tls-verify',
  detect(clues, sig, fix) {
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
      appVerdict(
        clues,
        'tls-verify',
        `TLS verification failed${sig.endpoint === undefined ? '' : `: ${sig.endpoint}`}`,
        why,
        sig,
        [],
        fix({
          problem,
          ...(sig.endpoint === undefined ? {} : { endpoint: sig.endpoint }),
          ...(clues.runtime === undefined ? {} : { runtime: clues.runtime }),
        }),
      ),
    ];
  },
  remedies(clues: Clues, w: Workload, fix: TlsPlan): Remedy[] {
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
  },
  words: "a peer's TLS certificate fails verification",
});
