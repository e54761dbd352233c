/**
 * Issue #28: words about handling a secret ("read -rs keeps a secret off the screen", "from your
 * vault", "never printed") only where a secret is involved: a Secret the fix creates, patches or
 * references (secretKeyRef, --from=secret/, docker-registry), or a value whose name says it is one
 * (DB_PASSWORD, API_TOKEN). Never for an image tag, a probe path, a memory size or a ConfigMap key
 * such as DB_HOST or LOG_LEVEL. Checked on every fix of every bench case.
 */
import { describe, expect, it } from 'vitest';
import type { Remedy } from '../../../src/diagnosis/document.ts';
import { isSecretValue, SECRET_NAME, setFirst, setInShell } from '../../../src/diagnosis/remedies/user-values.ts';
import { benchCaseDocuments } from '../../support/corpus-documents.ts';

const SECRET_WORDS = /read -rs|keeps a secret|vault|never printed/i;

/** Whether the fix handles a secret: a Secret object, or a shell variable whose name says it holds one. */
function involvesSecret(r: Remedy): boolean {
  const lines = r.commands.flatMap((c) => c.split('\n'));
  const code = lines.filter((l) => !l.trimStart().startsWith('#')).join('\n');
  if (/\bsecrets?\b|secretKeyRef|docker-registry/i.test(code)) return true;
  return [...code.matchAll(/\$\{?([A-Z_][A-Z0-9_]*)/g)].some((m) => SECRET_NAME.test(m[1] ?? ''));
}

const fixes = benchCaseDocuments().flatMap((c) => c.document.remedies.map((r) => ({ id: c.id, remedy: r })));

describe('secret-handling words', () => {
  it('appear only in fixes that handle a secret, over every bench case', () => {
    const wrong = fixes
      .filter(({ remedy }) => remedy.commands.some((c) => SECRET_WORDS.test(c)) && !involvesSecret(remedy))
      .map(({ id, remedy }) => `${id}: ${remedy.title}`);
    expect(wrong).toEqual([]);
  });

  it('do appear where a password or token goes into the cluster', () => {
    const withSecretValue = fixes.filter(({ remedy }) => /--from-literal=\S*="\$\w*(PASSWORD|TOKEN|SECRET)/.test(remedy.commands.join('\n')));
    expect(withSecretValue.length).toBeGreaterThan(3);
    for (const { id, remedy } of withSecretValue) expect(remedy.commands.join('\n'), `${id}: ${remedy.title}`).toMatch(SECRET_WORDS);
  });

  it.each([
    [['TAG'], false],
    [['NEW_TAG'], false],
    [['PROBE_PATH'], false],
    [['MEMORY_LIMIT'], false],
    [['SCRIPT'], false],
    [['LOG_LEVEL'], false],
    [['REGISTRY_USER', 'REGISTRY_PASSWORD'], true],
    [['GITHUB_TOKEN'], true],
    [['STRIPE_API_KEY'], true],
  ] as const)('a value named %j is a secret: %s', (names, secret) => {
    expect(isSecretValue(names)).toBe(secret);
    expect(SECRET_WORDS.test(setFirst([...names], 'the value'))).toBe(secret);
  });

  it('a value that goes into a Secret is one whatever its name; a ConfigMap key is not', () => {
    expect(setInShell(['DB_HOST'], isSecretValue(['DB_HOST'], true))).toMatch(/vault/);
    expect(setInShell(['LOG_LEVEL'], isSecretValue(['LOG_LEVEL'], false))).toBe('# set LOG_LEVEL in your shell first (the value the app expects)');
  });
});
