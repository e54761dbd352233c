/**
 * The database refused the app's credentials (PostgreSQL, MySQL, SQL Server, MongoDB, Redis): the fix
 * is the password in the Secret that feeds it (or a Secret when none does), or the database side.
 * Values only the user knows are shell variables with a comment that says what to put in them.
 */
import type { Clues } from '../clues.ts';
import type { EvidenceLine, Remedy } from '../document.ts';
import { listKeysCommand } from '../remedies/object-keys.ts';
import { dnsName, ns, patchContainer, restart, type Workload } from '../remedies/workload.ts';
import { appVerdict } from '../rules/app-verdict.ts';
import { shq } from '../shell.ts';
import { type SubCauseMatch, subCause } from './sub-cause.ts';

/** Database credential refusals, naming the user when the server does. */
const DB_AUTH: readonly RegExp[] = [
  /password authentication failed for user "([^"]+)"/, // PostgreSQL
  /Access denied for user '([^']+)'@/, // MySQL / MariaDB
  /Login failed for user '([^']+)'/, // SQL Server
  /(?:MongoServerError|MongoError|MongoSecurityException|pymongo\.errors\.OperationFailure).*Authentication failed/, // MongoDB
  /\bAuthentication failed\b.*\b(?:mongo|SCRAM)/i,
  /\bWRONGPASS\b|\bNOAUTH Authentication required\b|invalid username-password pair/, // Redis
  /FATAL: +role "([^"]+)" does not exist/, // PostgreSQL
  /no pg_hba\.conf entry for host "[^"]+", user "([^"]+)"/,
];

const dbRefusal = (line: string): SubCauseMatch | undefined => {
  for (const p of DB_AUTH) {
    const m = p.exec(line);
    if (m !== null) return { text: line, ...(m[1] === undefined ? {} : { name: m[1] }) };
  }
  return undefined;
};

/** The plan: the user the database named, the env vars fed from Secrets that look like credentials, the envFrom Secrets. */
interface DbAuthPlan {
  user?: string;
  secrets: { env: string; secret: string; key: string }[];
  envFrom: string[];
}

export const dbAuth = subCause({
  id: 'db-auth',
  signature: {
    ranksAfter: 'missing-file',
    place: 'log-cause',
    decidesAtWarning: true,
    means: 'the database refused the credentials; `name` holds the user',
  },
  matcher: dbRefusal,
  rule: 'app-db-auth',
  detect(clues, sig, fix) {
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
        fix({
          ...(user === undefined ? {} : { user }),
          secrets: feeds,
          envFrom: fromEnvFrom,
        }),
      ),
    ];
  },
  remedies(_clues: Clues, w: Workload, fix: DbAuthPlan): Remedy[] {
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
  },
  words: 'the database refuses its credentials',
});
