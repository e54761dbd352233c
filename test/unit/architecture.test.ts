/**
 * The one purity check: the diagnosis is a pure function of the evidence (docs/architecture.md
 * "The flow"), so nothing under src/diagnosis may do I/O, read the clock or reach into the adapters.
 * Checked on the import graph and the source text, so a stray import or `Date.now()` fails CI.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [
    ...text.matchAll(/^\s*(?:import|export)(?!\s+type\b)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm),
    ...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1] ?? '');
}

describe('architecture', () => {
  // The diagnosis and the incident decisions: pure. Type-only imports erase at run time.
  const diagnosisFiles = [...sourceFiles(join(root, 'src/diagnosis')), ...sourceFiles(join(root, 'src/incidents'))];

  it('finds the diagnosis sources', () => {
    expect(diagnosisFiles.length).toBeGreaterThan(3);
  });

  it.each(diagnosisFiles.map((f) => [relative(root, f), f]))('%s imports nothing that does I/O and reads no clock', (_name, file) => {
    const offending = importsOf(file).filter(
      (spec) =>
        spec.startsWith('node:') ||
        /^\.\.\/(?:\.\.\/)*(kube|http|notify|cli|main|wire|config|pipeline)(?:\/|\.ts$)/.test(spec) ||
        /\/(?:kube|http|notify)\//.test(spec) ||
        !/^\.\.?\//.test(spec),
    );
    expect(offending).toEqual([]);
    expect(readFileSync(file, 'utf8')).not.toMatch(/Date\.now\(|new Date\(\)|process\.|performance\.now/);
  });

  it('never asks the Kubernetes API for Secrets', () => {
    const calls = sourceFiles(join(root, 'src')).flatMap((file) =>
      [
        ...readFileSync(file, 'utf8').matchAll(
          /\b(?:read|list|watch|create|patch|replace|delete)(?:Namespaced)?Secrets?(?:ForAllNamespaces)?\b|['"`]\/api\/v1\/[^'"`]*\/secrets\b/g,
        ),
      ].map((m) => `${relative(root, file)}: ${m[0]}`),
    );
    expect(calls).toEqual([]);
  });
});
