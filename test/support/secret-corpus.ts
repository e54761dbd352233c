/**
 * A corpus of credential formats, checked against the rule families of public secret scanners:
 * gitleaks (github.com/gitleaks/gitleaks, config/gitleaks.toml), trufflehog's detectors
 * (github.com/trufflesecurity/trufflehog, pkg/detectors) and GitHub secret scanning's supported
 * patterns (docs.github.com/en/code-security/secret-scanning/introduction/supported-secret-scanning-patterns).
 *
 * Every secret is generated here: format-valid (right prefix, alphabet and length, so a scanner's
 * pattern would match) and obviously fake (spelled from FAKE/EXAMPLE/dead-beef fillers, a fixed
 * pseudo-random sequence, never a live credential). `needle` is the part that must never appear
 * downstream; it is alphanumeric so escaping (HTML, Slack, JSON) cannot hide a leak from the search.
 */

export interface SecretSample {
  /** The scanner rule family it stands for. */
  format: string;
  /** How it appears in a log line, an argument or an annotation. */
  text: string;
  /** A distinctive piece of the secret that must not survive redaction. */
  needle: string;
}

/** A fixed pseudo-random sequence (a linear congruential generator), so the corpus is the same every run. */
function sequence(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const HEX = '0123456789abcdef';
const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BASE64 = `${ALNUM}+/`;

/** `length` characters from `alphabet`, starting with a filler that says it is fake when the alphabet allows. */
export function fake(length: number, alphabet = ALNUM, seed = length * 31 + alphabet.length): string {
  const next = sequence(seed);
  const filler = ['FAKE', 'fake', 'fa4e', 'FA4E'].find((f) => [...f].every((c) => alphabet.includes(c))) ?? '';
  let out = filler.slice(0, length);
  while (out.length < length) out += alphabet[Math.floor(next() * alphabet.length)];
  return out;
}

const sample = (format: string, secret: string, text = secret, needle = secret.slice(-16)): SecretSample => ({ format, text, needle });

const PEM_BODY = [fake(64, BASE64, 1), fake(64, BASE64, 2), fake(40, BASE64, 3)];
const pem = (label: string): string => [`-----BEGIN ${label}-----`, ...PEM_BODY, `-----END ${label}-----`].join('\n');

export const SECRET_CORPUS: readonly SecretSample[] = [
  // Cloud providers.
  sample('aws-access-key-id', `AKIA${fake(16, UPPER_ALNUM)}`, undefined, `AKIA${fake(16, UPPER_ALNUM)}`),
  sample('aws-temporary-key-id', `ASIA${fake(16, UPPER_ALNUM, 7)}`),
  sample('aws-secret-access-key (bare)', fake(40, BASE64, 11), `loaded credentials ${fake(40, BASE64, 11)} from the instance role`),
  sample('aws-secret-access-key (named)', fake(40, BASE64, 12), `AWS_SECRET_ACCESS_KEY=${fake(40, BASE64, 12)}`),
  sample(
    'gcp-service-account-private-key',
    PEM_BODY[0] ?? '',
    `{"type":"service_account","project_id":"demo-fake","private_key_id":"${fake(40, HEX)}","private_key":"${pem('PRIVATE KEY').replaceAll('\n', '\\n')}\\n","client_email":"sa@demo-fake.iam.gserviceaccount.com"}`,
    (PEM_BODY[0] ?? '').slice(4, 24),
  ),
  sample('gcp-api-key', `AIza${fake(35, `${ALNUM}_-`)}`),
  sample('google-oauth-client-secret', `GOCSPX-${fake(28, `${ALNUM}_-`)}`),
  sample(
    'azure-storage-account-key',
    `${fake(86, BASE64, 5)}==`,
    `DefaultEndpointsProtocol=https;AccountName=fakeacct;AccountKey=${fake(86, BASE64, 5)}==;EndpointSuffix=core.windows.net`,
    fake(86, BASE64, 5).slice(10, 30),
  ),
  sample(
    'azure-sas-token',
    `${fake(43, ALNUM, 6)}%3D`,
    `GET https://fakeacct.blob.core.windows.net/c/blob?sv=2022-11-02&ss=b&srt=o&sp=r&se=2030-01-01T00:00:00Z&sig=${fake(43, ALNUM, 6)}%3D failed`,
    fake(43, ALNUM, 6).slice(5, 25),
  ),
  sample(
    'azure-service-bus-shared-access-key',
    `${fake(43, BASE64, 8)}=`,
    `Endpoint=sb://fake.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${fake(43, BASE64, 8)}=`,
    fake(43, BASE64, 8).slice(5, 25),
  ),
  sample('azure-ad-client-secret', `abc8Q~${fake(34, `${ALNUM}_~.-`, 9)}`),
  sample('alibaba-access-key-id', `LTAI${fake(20)}`),
  sample('digitalocean-token', `dop_v1_${fake(64, HEX)}`),
  // Code hosting and CI.
  sample('github-classic-pat', `ghp_${fake(36)}`),
  sample('github-oauth-token', `gho_${fake(36, ALNUM, 21)}`),
  sample('github-app-installation-token', `ghs_${fake(36, ALNUM, 22)}`),
  sample('github-fine-grained-pat', `github_pat_11${fake(20, UPPER_ALNUM)}_${fake(59, ALNUM, 23)}`),
  sample('gitlab-personal-access-token', `glpat-${fake(20, `${ALNUM}_-`)}`),
  sample('gitlab-runner-token', `glrt-${fake(20, `${ALNUM}_-`, 24)}`),
  // Chat.
  sample('slack-bot-token', `xoxb-1234567890123-1234567890123-${fake(24)}`),
  sample('slack-user-token', `xoxp-1234567890123-1234567890123-1234567890123-${fake(32, HEX)}`),
  sample('slack-app-token', `xapp-1-A0FAKE12345-1234567890123-${fake(64, HEX, 25)}`),
  sample('slack-webhook-url', fake(24, ALNUM, 26), `https://hooks.slack.com/services/T0FAKE000/B0FAKE000/${fake(24, ALNUM, 26)}`),
  sample('discord-webhook-url', fake(68, `${ALNUM}_-`, 27), `https://discord.com/api/webhooks/123456789012345678/${fake(68, `${ALNUM}_-`, 27)}`),
  sample('telegram-bot-token', `123456789:AA${fake(33, `${ALNUM}_-`)}`),
  // Payments and messaging APIs.
  sample('stripe-secret-key', `sk_live_${fake(24)}`),
  sample('stripe-restricted-key', `rk_live_${fake(24, ALNUM, 28)}`),
  sample('stripe-webhook-secret', `whsec_${fake(32, ALNUM, 29)}`),
  sample('twilio-api-key', `SK${fake(32, HEX, 30)}`),
  sample('sendgrid-api-key', `SG.${fake(22, `${ALNUM}_-`)}.${fake(43, `${ALNUM}_-`)}`),
  sample('mailgun-api-key', `key-${fake(32, HEX, 31)}`),
  sample('mailchimp-api-key', `${fake(32, HEX, 32)}-us14`),
  // Package registries.
  sample('npm-access-token', `npm_${fake(36, ALNUM, 33)}`),
  sample('pypi-upload-token', `pypi-AgEIcHlwaS5vcmc${fake(70, `${ALNUM}_-`)}`),
  sample('docker-hub-pat', `dckr_pat_${fake(27, `${ALNUM}_-`)}`),
  // AI providers.
  sample('openai-project-key', `sk-proj-${fake(48, `${ALNUM}_-`)}`),
  sample('anthropic-api-key', `sk-ant-api03-${fake(93, `${ALNUM}_-`)}AA`),
  sample('huggingface-token', `hf_${fake(34, LETTERS)}`),
  // Infrastructure and SaaS.
  sample('vault-service-token', `hvs.${fake(90, `${ALNUM}_-`)}`),
  sample('terraform-cloud-token', `${fake(14, LOWER_ALNUM)}.atlasv1.${fake(67, LOWER_ALNUM)}`),
  sample('shopify-access-token', `shpat_${fake(32, HEX, 34)}`),
  sample('atlassian-api-token', `ATATT3xFfGF0${fake(180, `${ALNUM}_-`)}=${fake(8, UPPER_ALNUM)}`),
  sample('new-relic-user-key', `NRAK-${fake(27, UPPER_ALNUM)}`),
  sample('grafana-service-account-token', `glsa_${fake(32)}_${fake(8, HEX, 35)}`),
  sample('linear-api-key', `lin_api_${fake(40, ALNUM, 36)}`),
  sample('postman-api-key', `PMAK-${fake(24, HEX)}-${fake(34, HEX)}`),
  sample('age-secret-key', `AGE-SECRET-KEY-1${fake(58, 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L')}`),
  // Tokens and headers.
  sample(
    'jwt',
    `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJmYWtlLXVzZXIiLCJuYW1lIjoiRkFLRSJ9.${fake(43, `${ALNUM}_-`)}`,
    undefined,
    fake(43, `${ALNUM}_-`).slice(8, 28),
  ),
  sample('authorization-bearer', fake(32, ALNUM, 37), `GET /v1/orders Authorization: Bearer ${fake(32, ALNUM, 37)}`),
  sample(
    'authorization-basic',
    'ZmFrZS11c2VyOmZha2UtcGFzc3dvcmQtRVhBTVBMRQ==',
    'Authorization: Basic ZmFrZS11c2VyOmZha2UtcGFzc3dvcmQtRVhBTVBMRQ==',
    'ZmFrZS11c2VyOmZha2Ut',
  ),
  sample('cookie-header', fake(32, ALNUM, 38), `Cookie: theme=dark; session_id=${fake(32, ALNUM, 38)}; lang=en`),
  sample('set-cookie-header', fake(40, HEX, 39), `Set-Cookie: sid=${fake(40, HEX, 39)}; Path=/; HttpOnly; Secure; SameSite=Lax`),
  // Private keys.
  sample('pem-rsa-private-key', PEM_BODY[1] ?? '', pem('RSA PRIVATE KEY'), (PEM_BODY[1] ?? '').slice(4, 24)),
  sample('openssh-private-key', PEM_BODY[2] ?? '', pem('OPENSSH PRIVATE KEY'), (PEM_BODY[2] ?? '').slice(4, 24)),
  sample(
    'pgp-private-key-block',
    PEM_BODY[0] ?? '',
    ['-----BEGIN PGP PRIVATE KEY BLOCK-----', '', ...PEM_BODY, '=FAKE', '-----END PGP PRIVATE KEY BLOCK-----'].join('\n'),
    (PEM_BODY[0] ?? '').slice(30, 50),
  ),
  // Passwords by name, in URLs, flags and configuration.
  sample('url-userinfo', 'Fake/Pa55#w0rd', 'connecting to postgres://app:Fake/Pa55#w0rd@db.internal:5432/app', 'Pa55'),
  sample('url-userinfo-at-sign', 'fake@Pass99', 'redis://default:fake@Pass99@cache.internal:6379/0', 'Pass99'),
  sample('env-db-pass', 'FakeDbPass42', 'DB_PASS=FakeDbPass42', 'FakeDbPass42'),
  sample('env-secret-key-base', fake(64, HEX, 40), `SECRET_KEY_BASE=${fake(64, HEX, 40)}`),
  sample('env-api-key', 'FakeApiKey777x', 'export PAYMENTS_API_KEY="FakeApiKey777x"', 'FakeApiKey777x'),
  sample('env-credential', 'FakeCred9911', 'SMTP_CREDENTIAL=FakeCred9911', 'FakeCred9911'),
  sample('env-private-key', 'FakeSigning1234', 'JWT_PRIVATE_KEY: FakeSigning1234', 'FakeSigning1234'),
  sample('yaml-passwd', 'FakePasswd5150', '  passwd: FakePasswd5150', 'FakePasswd5150'),
  sample('cli-flag-space', 'FakeFlagPw001', 'exec /app/server --listen :8080 --password FakeFlagPw001 --verbose', 'FakeFlagPw001'),
  sample('cli-flag-equals', 'FakeFlagPw002', 'args: --db-password=FakeFlagPw002 --db-host=db', 'FakeFlagPw002'),
  sample('cli-flag-json-array', 'FakeFlagPw003', 'args ["--db-password","FakeFlagPw003","--api-token","FakeFlagTk004"]', 'FakeFlagPw003'),
  sample('json-password', 'FakeJsonPw005', '{"level":"error","user":"svc","password":"FakeJsonPw005","msg":"login failed"}', 'FakeJsonPw005'),
  sample('jdbc-query-password', 'FakeJdbcPw006', 'jdbc:mysql://db.internal:3306/app?user=app&password=FakeJdbcPw006&useSSL=true', 'FakeJdbcPw006'),
  sample(
    'connection-string-password',
    'FakeMssqlPw007',
    'Server=tcp:db.internal,1433;Database=app;User Id=sa;Password=FakeMssqlPw007;Encrypt=true',
    'FakeMssqlPw007',
  ),
  sample('odbc-pwd', 'FakeOdbcPw008', 'Driver={ODBC Driver 18};Server=db;Uid=app;Pwd=FakeOdbcPw008;', 'FakeOdbcPw008'),
  sample('java-system-property', 'FakeTrustPw009', 'JAVA_TOOL_OPTIONS=-Xmx512m -Djavax.net.ssl.trustStorePassword=FakeTrustPw009', 'FakeTrustPw009'),
  sample('netrc', 'FakeNetrcPw010', 'machine api.example.com login deploy password FakeNetrcPw010', 'FakeNetrcPw010'),
  sample('x-api-key-header', 'FakeHeaderKey011', 'X-Api-Key: FakeHeaderKey011', 'FakeHeaderKey011'),
  sample('bcrypt-hash', `$2b$12$${fake(53, `${ALNUM}./`)}`),
];
