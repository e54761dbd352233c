/**
 * Masks credentials in text that leaves the process (every text of a diagnosis). The line keeps
 * its shape so it still reads: only the secret value becomes `***` or `[REDACTED]`.
 */
const MASK = '***';

/** Key names whose values are secrets, in `key=value`, `key: value` and JSON `"key":"value"` form. */
const SECRET_KEY =
  '(?:[A-Za-z0-9_.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credentials?|auth[_-]?key)' +
  // A known suffix or none: `secretKey`, `token_value`, `password_hash`, but not `tokenizer`.
  '(?:[_.-]?(?:key|value|hash|string|str|data|b64|base64|secret|token|name|ref|file|path|id))?)';

/** Placeholders (in commands we print, and `${VAR}` references in logs) are not secrets. */
const PLACEHOLDER = /^(?:VALUE|USER|\*\*\*|<[^<>]*>|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?)$/;

type Replacer = (match: string, ...groups: (string | undefined)[]) => string;
type Rule = readonly [RegExp, string | Replacer];

const RULES: readonly Rule[] = [
  // PEM private keys, possibly spread over several lines of one string.
  [/-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g, '-----BEGIN $1PRIVATE KEY----- [REDACTED] -----END $1PRIVATE KEY-----'],
  // Passwords in URLs: scheme://user:password@host.
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:@/]*:)[^\s@/]+@/gi, `$1${MASK}@`],
  // Authorization headers: Bearer / Basic / Token schemes.
  [/\b(authorization["']?\s*[:=]\s*["']?(?:bearer|basic|token)\s+)[^\s"',]+/gi, `$1${MASK}`],
  [/\b(bearer\s+)[A-Za-z0-9\-._~+/]{8,}=*/gi, `$1${MASK}`],
  // JSON quoted pairs: "password":"…".
  [new RegExp(String.raw`("${SECRET_KEY}"\s*:\s*")(?:[^"\\]|\\.)*(")`, 'gi'), `$1${MASK}$2`],
  // key=value and key: value pairs, quoted or not; keys that name a secret (secretName, token_file)
  // rather than hold one keep their value.
  [
    new RegExp(String.raw`\b(${SECRET_KEY})(\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s"',;&}]+)`, 'gi'),
    (match, key, sep, value) => {
      if (/(?:name|ref|file|path|id_?)$/i.test(key ?? '') && !/^aws_access_key_id$/i.test(key ?? '')) return match;
      if (PLACEHOLDER.test(value ?? '')) return match;
      const quote = value?.startsWith('"') || value?.startsWith("'") ? value.charAt(0) : '';
      return `${key}${sep}${quote}${MASK}${quote}`;
    },
  ],
  // Bare JWTs: three base64url segments, the first starting with {" encoded.
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, '[REDACTED-JWT]'],
  // AWS access key ids.
  [/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, '[REDACTED-AWS-KEY-ID]'],
  // Slack tokens and GitHub tokens.
  [/\bxox[abprs]-[A-Za-z0-9-]{8,}/g, '[REDACTED-SLACK-TOKEN]'],
  [/\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}\b/g, '[REDACTED-GITHUB-TOKEN]'],
  [/\bgithub_pat_[A-Za-z0-9_]{20,}/g, '[REDACTED-GITHUB-TOKEN]'],
];

/** Returns `text` with every credential we recognise replaced; idempotent. */
export function redact(text: string): string {
  let out = text;
  for (const [pattern, replacement] of RULES) {
    out = typeof replacement === 'string' ? out.replace(pattern, replacement) : out.replace(pattern, replacement as (m: string, ...a: string[]) => string);
  }
  return out;
}

/**
 * Redacts a log line by line, keeping the line count: the body of a private key block that spans
 * lines becomes `[REDACTED]` line by line, since a per-line pass would not see the block.
 */
export function redactLines(lines: readonly string[]): string[] {
  let inKey = false;
  return lines.map((line) => {
    if (inKey) {
      if (/-----END [A-Z0-9 ]*PRIVATE KEY-----/.test(line)) inKey = false;
      return inKey ? '[REDACTED]' : line.replace(/^.*?(-----END [A-Z0-9 ]*PRIVATE KEY-----)/, '[REDACTED] $1');
    }
    if (/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(line) && !/-----END [A-Z0-9 ]*PRIVATE KEY-----/.test(line)) {
      inKey = true;
      const begin = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.exec(line);
      const at = begin?.index ?? 0;
      return `${redact(line.slice(0, at))}${begin?.[0] ?? ''} [REDACTED]`;
    }
    return redact(line);
  });
}
