/**
 * Values only the reader knows (a password, a probe path, a memory size) go into commands as shell
 * variables, never as a placeholder word that a pasted command would write into a Secret, ConfigMap
 * or pod spec. Each such command is preceded by a comment naming the variables to set.
 */

/** `DB_PASSWORD` for key `DB_PASSWORD`, `CONFIG_YAML` for `config.yaml`. */
export function varName(key: string): string {
  const name = key.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
  return /^[A-Z_]/.test(name) ? name : `V_${name}`;
}

/** A key or variable whose name says it holds a secret (DB_PASSWORD, API_TOKEN, SECRET_KEY_BASE, REGISTRY_PASSWORD). */
export const SECRET_NAME = /PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|API_?KEY|PRIVATE_KEY/i;

/** Whether a value is a secret: it goes into a Secret, or its name says so. Only then do the comments speak of vaults and hidden input. */
export const isSecretValue = (names: readonly string[], intoSecret = false): boolean => intoSecret || names.some((n) => SECRET_NAME.test(n));

const listed = (names: readonly string[]): string => (names.length === 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`);

/** `# set DB_USER and DB_PASSWORD to … first (read -rs NAME keeps a secret off the screen)`; the hint only for a secret. */
export function setFirst(names: string[], what = 'the real values'): string {
  return `# set ${listed(names)} to ${what} first${isSecretValue(names) ? ' (read -rs NAME keeps a secret off the screen)' : ''}`;
}

/** `# set DB_HOST in your shell first (the value the app expects)`, with where a secret comes from when it is one. */
export function setInShell(names: readonly string[], secret: boolean): string {
  const what = names.length === 1 ? 'the value the app expects' : 'the values the app expects';
  return `# set ${names.join(', ')} in your shell first (${what}${secret ? ', from your vault or its owner; never printed' : ''})`;
}

const MARK = '\u0000';

/** A placeholder inside a JSON value that `doubleQuotedJson` turns into `${NAME}`. */
export function jsonVar(name: string): string {
  return `${MARK}${name}${MARK}`;
}

/** JSON in double quotes for the shell, with `jsonVar` placeholders expanded as shell variables. */
export function doubleQuotedJson(value: unknown): string {
  // JSON.stringify writes the mark as the six characters \u0000; swap it for a character the escaping leaves alone.
  const json = JSON.stringify(value).replace(/\\u0000([A-Z_][A-Z0-9_]*)\\u0000/g, '\u0001$1\u0001');
  const escaped = json.replace(/[\\"$`]/g, (c) => `\\${c}`);
  return `"${escaped.replace(/\u0001([A-Z_][A-Z0-9_]*)\u0001/g, (_m, name: string) => `\${${name}}`)}"`;
}
