// What someone adopting the project checks first: the licence file says what package.json says, and
// the changelog has an entry for the version package.json carries.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string; license: string };

describe('project files', () => {
  it('LICENSE is the full Apache License 2.0 text, the licence package.json names', () => {
    expect(pkg.license).toBe('Apache-2.0');
    const license = readFileSync('LICENSE', 'utf8');
    expect(license).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004/);
    expect(license).toContain('TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION');
    expect(license).toContain('END OF TERMS AND CONDITIONS');
  });

  it('crashtriage --version prints the version of package.json', () => {
    const run = spawnSync(process.execPath, ['src/cli.ts', '--version'], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`crashtriage ${pkg.version}\n`);
  });

  it('CHANGELOG.md has a section for the current version, and upgrade notes for unreleased changes', () => {
    const changelog = readFileSync('CHANGELOG.md', 'utf8');
    expect(changelog).toMatch(new RegExp(`^## \\[?${pkg.version.replaceAll('.', '\\.')}\\]?`, 'm'));
    const unreleased = /^## Unreleased\n([\s\S]*?)^## /m.exec(changelog)?.[1];
    if (unreleased !== undefined) expect(unreleased).toContain('### Upgrade notes');
  });
});
