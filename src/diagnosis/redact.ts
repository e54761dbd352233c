/**
 * Masks credentials in text that leaves the process (every text of a diagnosis, and the alert's labels
 * and annotations). The line keeps its shape so it still reads: only the secret value becomes `***`
 * or `[REDACTED…]`.
 *
 * A safety net, not a guarantee: it knows credentials by their shape (token prefixes, private key
 * blocks, URL passwords, headers) or by a name that says secret (`DB_PASSWORD=…`, `--api-token X`,
 * `"client_secret": "…"`). A secret with neither, e.g. a bare random password on its own, passes.
 * The token formats follow the public rule sets of gitleaks (github.com/gitleaks/gitleaks,
 * config/gitleaks.toml) and GitHub secret scanning's supported patterns
 * (docs.github.com/en/code-security/secret-scanning/introduction/supported-secret-scanning-patterns).
 */
const MASK = '***';

/**
 * Words that make a key name a secret wherever they appear in it (`dbPassword`, `AWS_SECRET_ACCESS_KEY`,
 * `x-api-key`, `SECRET_KEY_BASE`, `AccountKey`, `SharedAccessKey`).
 */
const SECRET_WORD =
  '(?:password|passwd|passphrase|secret|token|api[_-]?key|access[_-]?key|account[_-]?key|private[_-]?key|credentials?|auth[_-]?key|session[_-]?key|signing[_-]?key|encryption[_-]?key)';
/** Short words that are secrets only as a whole segment of the name: `DB_PASS`, `MYSQL_PWD`, `wifi.psk`. */
const SECRET_SEGMENT = '(?:pass|pwd|pw|psk)';
/** A suffix the name may carry after the secret word: `token_value`, `password_hash`, `secret-base`; not `tokenizer`. */
const SECRET_SUFFIX = '(?:[_.-]?(?:key|value|hash|string|str|data|b64|base64|base|secret|token|name|ref|file|path|id)){0,2}';
const SECRET_KEY = `(?:[A-Za-z0-9_.-]*${SECRET_WORD}${SECRET_SUFFIX}|(?:[A-Za-z0-9]+[_.-])*${SECRET_SEGMENT})`;

/** Key names that say where a secret is (a file, a Secret object's name), not what it is. */
const NAMES_A_SECRET = /(?:name|ref|file|path|id_?)$/i;
const NAMES_A_SECRET_BUT_IS_ONE = /^aws_access_key_id$/i;

/** Placeholders (in commands we print, `${VAR}` references in logs) and plain flags are not secrets. */
const NOT_A_SECRET = /^(?:VALUE|USER|\*+|\[REDACTED[^\]]*\]|<[^<>]*>|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|true|false|null|nil|none|undefined|yes|no)$/i;

type Replacer = (match: string, ...groups: (string | undefined)[]) => string;
type Rule = readonly [RegExp, string | Replacer];

/**
 * After `NAME: `, a sentence, not a value: a word of lower-case letters followed by more words
 * ("SECRET_KEY_BASE: rename it", "DB_PASSWORD: missing required value"). A value with a digit, a
 * capital or a symbol, or one that ends the text, is still masked.
 */
function startsProse(value: string, after: string): boolean {
  return /^[a-z]+$/.test(value) && /^ [a-z]+\b/.test(after);
}

/** `key` names a secret whose value should go. */
function holdsSecret(key: string, value: string): boolean {
  if (NAMES_A_SECRET.test(key) && !NAMES_A_SECRET_BUT_IS_ONE.test(key)) return false;
  const bare = value.replace(/^\\?["']|\\?["']$/g, '');
  return bare !== '' && !NOT_A_SECRET.test(bare);
}

/** Token formats recognisable on their own, whatever surrounds them. */
const TOKEN_RULES: readonly Rule[] = [
  // JWTs (also Kubernetes service account tokens): three base64url segments, the first `{"` encoded.
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, '[REDACTED-JWT]'],
  // AWS access key ids (long-term AKIA, temporary ASIA, and the other documented prefixes).
  [/\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA)[A-Z0-9]{16}\b/g, '[REDACTED-AWS-KEY-ID]'],
  // Slack: bot, user, app-level, refresh and configuration tokens; incoming webhook and workflow URLs.
  [/\bxox[abposre]-[A-Za-z0-9-]{8,}/g, '[REDACTED-SLACK-TOKEN]'],
  [/\bxoxe\.xox[bp]-[A-Za-z0-9-]{8,}/g, '[REDACTED-SLACK-TOKEN]'],
  [/\bxapp-\d-[A-Za-z0-9-]{8,}/g, '[REDACTED-SLACK-TOKEN]'],
  [/(hooks\.slack\.com\/(?:services|workflows|triggers)\/)[A-Za-z0-9/_-]+/g, '$1[REDACTED]'],
  // Discord webhook URLs carry their token in the path.
  [/(discord(?:app)?\.com\/api\/webhooks\/\d+\/)[A-Za-z0-9_-]+/g, '$1[REDACTED]'],
  // GitHub: classic, OAuth, user-to-server, server-to-server, refresh; fine-grained PATs.
  [/\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}\b/g, '[REDACTED-GITHUB-TOKEN]'],
  [/\bgithub_pat_[A-Za-z0-9_]{20,}/g, '[REDACTED-GITHUB-TOKEN]'],
  // GitLab: personal, deploy, runner, pipeline trigger, feed, OAuth app tokens; runner registration.
  [/\bgl(?:pat|dt|rt|ptt|ft|oas|soat|cbt|imt|agent|ffct)-[A-Za-z0-9_-]{20,}/g, '[REDACTED-GITLAB-TOKEN]'],
  [/\bGR1348941[A-Za-z0-9_-]{20,}/g, '[REDACTED-GITLAB-TOKEN]'],
  // Stripe secret and restricted keys (live and test), webhook signing secrets.
  [/\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}/g, '[REDACTED-STRIPE-KEY]'],
  [/\bwhsec_[A-Za-z0-9+/=]{20,}/g, '[REDACTED-STRIPE-KEY]'],
  // Twilio API key SIDs, SendGrid, Mailgun, Mailchimp.
  [/\bSK[0-9a-fA-F]{32}\b/g, '[REDACTED-TWILIO-KEY]'],
  [/\bSG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{16,64}/g, '[REDACTED-SENDGRID-KEY]'],
  [/\bkey-[0-9a-f]{32}\b/g, '[REDACTED-MAILGUN-KEY]'],
  [/\b[0-9a-f]{32}-us\d{1,2}\b/g, '[REDACTED-MAILCHIMP-KEY]'],
  // Package registries: npm, PyPI, RubyGems, NuGet, Docker Hub.
  [/\bnpm_[A-Za-z0-9]{36}\b/g, '[REDACTED-NPM-TOKEN]'],
  [/\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{20,}/g, '[REDACTED-PYPI-TOKEN]'],
  [/\brubygems_[0-9a-f]{48}\b/g, '[REDACTED-RUBYGEMS-KEY]'],
  [/\boy2[a-z0-9]{43}\b/g, '[REDACTED-NUGET-KEY]'],
  [/\bdckr_pat_[A-Za-z0-9_-]{20,}/g, '[REDACTED-DOCKER-TOKEN]'],
  // Google API keys and OAuth client secrets.
  [/\bAIza[0-9A-Za-z_-]{35}\b/g, '[REDACTED-GOOGLE-KEY]'],
  [/\bGOCSPX-[A-Za-z0-9_-]{28}\b/g, '[REDACTED-GOOGLE-SECRET]'],
  // Azure AD client secrets (`xxx8Q~…`).
  [/(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])/g, '[REDACTED-AZURE-SECRET]'],
  // AI providers: OpenAI (project, service account, legacy), Anthropic, Hugging Face.
  [/\bsk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}/g, '[REDACTED-OPENAI-KEY]'],
  [/\bsk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}\b/g, '[REDACTED-OPENAI-KEY]'],
  [/\bsk-ant-(?:api|admin)\d\d-[A-Za-z0-9_-]{20,}/g, '[REDACTED-ANTHROPIC-KEY]'],
  [/\bhf_[A-Za-z]{34}\b/g, '[REDACTED-HUGGINGFACE-TOKEN]'],
  // Infrastructure: HashiCorp Vault and Terraform Cloud, DigitalOcean, Databricks, Alibaba, Pulumi, Doppler.
  [/\bhv[sbr]\.[A-Za-z0-9_-]{24,}/g, '[REDACTED-VAULT-TOKEN]'],
  [/\b[a-z0-9]{14}\.atlasv1\.[a-z0-9_=-]{60,}/g, '[REDACTED-TERRAFORM-TOKEN]'],
  [/\bdo[opr]_v1_[a-f0-9]{64}\b/g, '[REDACTED-DIGITALOCEAN-TOKEN]'],
  [/\bdapi[a-f0-9]{32}(?:-\d)?\b/g, '[REDACTED-DATABRICKS-TOKEN]'],
  [/\bLTAI[A-Za-z0-9]{20}\b/g, '[REDACTED-ALIBABA-KEY]'],
  [/\bpul-[a-f0-9]{40}\b/g, '[REDACTED-PULUMI-TOKEN]'],
  [/\bdp\.(?:st|pt|ct|sa|scim|audit)\.[A-Za-z0-9_-]{40,}/g, '[REDACTED-DOPPLER-TOKEN]'],
  // SaaS: Shopify, Atlassian, New Relic, Grafana, Linear, Postman, Heroku, PlanetScale, Sentry.
  [/\bshp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}\b/g, '[REDACTED-SHOPIFY-TOKEN]'],
  [/\bATATT3[A-Za-z0-9_=-]{50,}/g, '[REDACTED-ATLASSIAN-TOKEN]'],
  [/\bNRAK-[A-Z0-9]{27}\b/g, '[REDACTED-NEWRELIC-KEY]'],
  [/\bglsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}\b/g, '[REDACTED-GRAFANA-TOKEN]'],
  [/\bglc_[A-Za-z0-9+/]{32,}={0,2}/g, '[REDACTED-GRAFANA-TOKEN]'],
  [/\blin_api_[A-Za-z0-9]{40}\b/g, '[REDACTED-LINEAR-KEY]'],
  [/\bPMAK-[a-f0-9]{24}-[a-f0-9]{34}\b/g, '[REDACTED-POSTMAN-KEY]'],
  [/\bHRKU-[A-Za-z0-9_-]{40,}/g, '[REDACTED-HEROKU-KEY]'],
  [/\bpscale_(?:tkn|pw|oauth)_[A-Za-z0-9_.=-]{32,}/g, '[REDACTED-PLANETSCALE-TOKEN]'],
  [/\bsntr[ysu]_[A-Za-z0-9+/=_-]{40,}/g, '[REDACTED-SENTRY-TOKEN]'],
  // Telegram bot tokens: the bot id, a colon, 35 characters starting AA.
  [/\b\d{8,10}:AA[A-Za-z0-9_-]{33}\b/g, '[REDACTED-TELEGRAM-TOKEN]'],
  // age secret keys; bcrypt hashes (a stored password is still a credential to crack offline).
  [/\bAGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}\b/g, '[REDACTED-AGE-KEY]'],
  [/\$2[aby]?\$\d\d\$[./A-Za-z0-9]{53}/g, '[REDACTED-BCRYPT-HASH]'],
];

/**
 * A bare AWS secret access key: 40 characters of base64 with upper, lower and digits mixed and the
 * variety of random data, so git SHAs (hex), words and paths are left alone.
 */
function looksLikeAwsSecret(s: string): boolean {
  if (!/[A-Z]/.test(s) || !/[a-z]/.test(s) || !/[0-9]/.test(s)) return false;
  if (/\/\/|^\/|\/$/.test(s)) return false;
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let entropy = 0;
  for (const n of counts.values()) entropy -= (n / s.length) * Math.log2(n / s.length);
  return entropy >= 4.2;
}

const RULES: readonly Rule[] = [
  // Private key blocks (PEM: RSA, EC, DSA, OPENSSH, ENCRYPTED, PKCS#8; PGP), possibly spread over lines
  // of one string, or with `\n` escapes inside a JSON value (a GCP service account key).
  [
    /-----BEGIN ([A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?)-----[\s\S]*?(?:-----END \1-----|$)/g,
    (_m, label) => `-----BEGIN ${label}----- [REDACTED] -----END ${label}-----`,
  ],
  // SSH.com / PuTTY private keys.
  [
    /---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----[\s\S]*?(?:---- END SSH2 ENCRYPTED PRIVATE KEY ----|$)/g,
    '---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ---- [REDACTED]',
  ],
  [/(Private-Lines: \d+)[\s\S]*?(?=Private-MAC:|$)/g, '$1 [REDACTED] '],
  // Passwords in URLs, scheme://user:password@host, even with unescaped `/`, `#`, `?` or `@` in the
  // password: the host is after the last `@` of the authority. Not `host:8080/path?x=a@b`.
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:@/]*:)(?!\d{1,5}(?:[/?]|$))[^\s"]*@(?=[^\s@/]*(?:[/?#:\s"',;)\]}]|$))/gi, `$1${MASK}@`],
  // Authorization headers: Bearer / Basic / Token / Digest and other schemes.
  [/\b((?:proxy-)?authorization["']?\s*[:=]\s*["']?(?:bearer|basic|token|digest|negotiate|apikey|sso-key)\s+)[^\s"',]+/gi, `$1${MASK}`],
  [/\b(bearer\s+)[A-Za-z0-9\-._~+/]{8,}=*/gi, `$1${MASK}`],
  // Cookie and Set-Cookie: every pair's value, except Set-Cookie's attributes.
  [
    /\b((?:set-)?cookie["']?\s*[:=]\s*["']?)([^\r\n"']+)/gi,
    (_m, head, value = '') =>
      /^[^=\s]+$/.test(value)
        ? `${head}${MASK}`
        : `${head}${value.replace(/(^|;\s*)([^=;\s]+)=([^;]*)/g, (pair, sep, name, v) =>
            /^(?:path|domain|expires|max-age|samesite|priority|version|comment)$/i.test(name) || v === '' || v === MASK ? pair : `${sep}${name}=${MASK}`,
          )}`,
  ],
  // Signed URLs: Azure SAS `sig=`, AWS SigV4 `X-Amz-Signature=`, GCS `X-Goog-Signature=`.
  [/([?&;](?:sig|x-amz-signature|x-goog-signature|x-amz-security-token|signature)=)[^&\s"'#]+/gi, `$1${MASK}`],
  // .netrc: `machine host login user password secret`.
  [/\b(machine\s+\S+\s+login\s+\S+\s+password\s+)[^\s"',]+/gi, `$1${MASK}`],
  // Command-line flags naming a secret, separated by a space: `--password X`, JSON arrays `"--db-password","X"`.
  [
    new RegExp(String.raw`(^|[\s"'\[,])(--?${SECRET_KEY})(\s+|\\?"\s*,\s*\\?")("[^"]*"|'[^']*'|[^\s"',\]\\]+)`, 'gi'),
    (match, lead, flag, sep, value) =>
      flag !== undefined && value !== undefined && !value.startsWith('-') && holdsSecret(flag, value) ? `${lead}${flag}${sep}${MASK}` : match,
  ],
  // JSON quoted pairs: "password":"…", and the same escaped inside another JSON string (\"password\":\"…\").
  [
    new RegExp(String.raw`("(${SECRET_KEY})"\s*:\s*")((?:[^"\\]|\\.)*)(")`, 'gi'),
    (match, head, key, value, tail) => (key !== undefined && value !== undefined && holdsSecret(key, value) ? `${head}${MASK}${tail}` : match),
  ],
  [
    new RegExp(String.raw`(\\"(${SECRET_KEY})\\"\s*:\s*\\")((?:[^"\\]|\\[^"])*)(\\")`, 'gi'),
    (match, head, key, value, tail) => (key !== undefined && value !== undefined && holdsSecret(key, value) ? `${head}${MASK}${tail}` : match),
  ],
  // key=value and key: value pairs, quoted or not (env, YAML, query strings, connection strings
  // `Password=…;`); keys that name a secret (secretName, token_file) rather than hold one keep their value.
  // The key starts a name: never inside one. After a `/` it counts only before `=` (`/run/x/token=abc`,
  // a path-style pair); before `:` it is the last segment of a path or an object reference
  // (`secrets/ingress-default-server-secret: x509: …`, an error chain, not a value).
  [
    new RegExp(
      String.raw`(?:(?<![\w.\-/])|(?<=/)(?=${SECRET_KEY}\s*=))(${SECRET_KEY})(\s*[=:]\s*)(\\"(?:[^"\\]|\\[^"])*\\"|"[^"]*"|'[^']*'|[^\s"',;&}\\]+)`,
      'gi',
    ),
    (match, key, sep, value, offset, whole) => {
      if (key === undefined || value === undefined || !holdsSecret(key, value)) return match;
      if (sep?.trimStart().startsWith(':') === true && startsProse(value, String(whole).slice(Number(offset) + match.length))) return match;
      const quote = /^(?:\\"|"|')/.exec(value)?.[0] ?? '';
      return `${key}${sep}${quote}${MASK}${quote}`;
    },
  ],
  ...TOKEN_RULES,
  [/(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g, (m) => (looksLikeAwsSecret(m) ? '[REDACTED-AWS-SECRET]' : m)],
];

/** Returns `text` with every credential we recognise replaced; idempotent. */
export function redact(text: string): string {
  let out = text;
  for (const [pattern, replacement] of RULES) {
    out = typeof replacement === 'string' ? out.replace(pattern, replacement) : out.replace(pattern, replacement as (m: string, ...a: string[]) => string);
  }
  return out;
}

const WHOLE_SECRET_KEY = new RegExp(`^${SECRET_KEY}$`, 'i');

/** Redacts every value of a label or annotation map; a value under a secret-naming key goes whole. */
export function redactMap(map: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(map)) out[key] = WHOLE_SECRET_KEY.test(key) && holdsSecret(key, value) ? MASK : redact(value);
  return out;
}

const BLOCK_BEGIN = /-----BEGIN ([A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?)-----|---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----/;
const BLOCK_END = /-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|---- END SSH2 ENCRYPTED PRIVATE KEY ----/;

/**
 * Redacts a log line by line, keeping the line count: the body of a private key block that spans
 * lines becomes `[REDACTED]` line by line, since a per-line pass would not see the block.
 */
export function redactLines(lines: readonly string[]): string[] {
  let inKey = false;
  return lines.map((line) => {
    if (inKey) {
      const end = BLOCK_END.exec(line);
      if (end === null) return '[REDACTED]';
      inKey = false;
      return `[REDACTED] ${end[0]}${redact(line.slice(end.index + end[0].length))}`;
    }
    const begin = BLOCK_BEGIN.exec(line);
    if (begin !== null && !BLOCK_END.test(line.slice(begin.index))) {
      inKey = true;
      return `${redact(line.slice(0, begin.index))}${begin[0]} [REDACTED]`;
    }
    return redact(line);
  });
}
